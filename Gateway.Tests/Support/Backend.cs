using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// The tests' upstream: a real Kestrel server on 127.0.0.1, on a port chosen at run time. It answers
/// with <see cref="BackendOptions.Handler"/>, by default <see cref="BackendEcho"/> (what it received, as
/// JSON). It counts requests, can be told to answer every request with one status, and can stop and
/// start again on the same port.
/// </summary>
public sealed class Backend : IAsyncDisposable
{
    private readonly BackendOptions _options;
    private readonly RequestDelegate _handler;
    private WebApplication? _app;
    private int _requests;

    private Backend(BackendOptions options)
    {
        _options = options;
        _handler = options.Handler ?? (context => BackendEcho.HandleAsync(context, options.Name));
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary><c>address:port</c> (127.0.0.1 unless <see cref="BackendOptions.ListenAddress"/> says otherwise), as a target is written.</summary>
    public string Address => $"{_options.ListenAddress}:{Port}";

    /// <summary>What the echo puts in its X-Backend header and body.</summary>
    public string Name => _options.Name;

    /// <summary>Requests received since the first start.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When set, every request is answered with this status and no body instead of the handler's answer.</summary>
    public int? Status { get; set; }

    /// <summary>Starts an echoing backend: HTTP/1.1 by default; <paramref name="protocols"/> Http2 gives h2c; <paramref name="tls"/> serves HTTPS with a self-signed certificate.</summary>
    public static Task<Backend> StartAsync(string name = "backend", HttpProtocols protocols = HttpProtocols.Http1, bool tls = false) =>
        StartAsync(new BackendOptions { Name = name, Protocols = protocols, Tls = tls });

    /// <summary>Starts a backend that answers with <paramref name="handler"/>.</summary>
    public static Task<Backend> StartAsync(RequestDelegate handler) => StartAsync(new BackendOptions { Handler = handler });

    /// <summary>Starts a backend as <paramref name="options"/> say.</summary>
    public static async Task<Backend> StartAsync(BackendOptions options)
    {
        var backend = new Backend(options);
        await backend.ListenAsync(0);
        return backend;
    }

    /// <summary>Starts it again on the same port after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => ListenAsync(Port);

    /// <summary>Stops it; the port is free until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(_options.ListenAddress, port, o =>
        {
            o.Protocols = _options.Protocols;
            if (_options.Tls)
            {
                o.UseHttps(SelfSigned());
            }
        }));
        _options.Services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseWebSockets();
        if (_options.Endpoints is { } endpoints)
        {
            endpoints(app);
        }
        else
        {
            app.Run(HandleAsync);
        }

        await app.StartAsync();
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Status is { } status)
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        return _handler(context);
    }

    private static X509Certificate2 SelfSigned()
    {
        var (cert, key) = TestCertificates.Ecdsa("CN=backend.test");
        return X509Certificate2.CreateFromPem(cert, key);
    }
}
