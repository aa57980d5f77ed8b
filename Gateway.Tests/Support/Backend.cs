using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1 (a port chosen at run time). It echoes what it received as
/// JSON: method, target, protocol, headers and body length. <c>/slow?ms=N</c> waits before answering;
/// <c>/ws</c> is a WebSocket echo; <c>/status/N</c> answers with status N; <c>?content_length</c> sends a
/// Content-Length instead of a chunked body; <c>?chunks=N</c> sends the body in N flushes, 20 ms apart.
/// </summary>
public sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Backend(WebApplication app, int port, string name)
    {
        _app = app;
        Port = port;
        Name = name;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>What it puts in its X-Backend header.</summary>
    public string Name { get; }

    /// <summary>Starts a backend: HTTP/1.1 by default; <paramref name="protocols"/> Http2 gives h2c; <paramref name="tls"/> serves HTTPS with a self-signed certificate.</summary>
    public static async Task<Backend> StartAsync(string name = "backend", HttpProtocols protocols = HttpProtocols.Http1, bool tls = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = protocols;
            if (tls)
            {
                o.UseHttps(SelfSigned());
            }
        }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(context => HandleAsync(context, name));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Backend(app, new Uri(address).Port, name);
    }

    /// <summary>Stops it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task HandleAsync(HttpContext context, string name)
    {
        var request = context.Request;
        if (request.Path == "/ws" && context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }

        if (request.Path.StartsWithSegments("/slow") && int.TryParse(request.Query["ms"], out var ms))
        {
            await Task.Delay(ms, context.RequestAborted);
        }

        if (request.Path.StartsWithSegments("/status", out var rest) && int.TryParse(rest.Value?.Trim('/'), out var status))
        {
            context.Response.StatusCode = status;
        }

        long length = 0;
        var buffer2 = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer2, context.RequestAborted)) > 0)
        {
            length += read;
        }

        var headers = new JsonObject();
        foreach (var (key, value) in request.Headers)
        {
            headers[key.ToLowerInvariant()] = value.ToString();
        }

        var body = new JsonObject
        {
            ["backend"] = name,
            ["method"] = request.Method,
            ["target"] = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            ["protocol"] = request.Protocol,
            ["headers"] = headers,
            ["body_length"] = length,
        };
        context.Response.Headers["X-Backend"] = name;
        context.Response.Headers.Via = "1.1 backend";
        context.Response.ContentType = "application/json";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        if (request.Query.ContainsKey("content_length"))
        {
            context.Response.ContentLength = bytes.Length;
        }

        if (int.TryParse(request.Query["chunks"], out var chunks) && chunks > 1)
        {
            // Separate flushes, apart in time: the proxy reads, and writes, each on its own.
            var part = bytes.Length / chunks;
            for (var i = 0; i < chunks; i++)
            {
                var slice = i == chunks - 1 ? bytes.AsMemory(i * part) : bytes.AsMemory(i * part, part);
                await context.Response.Body.WriteAsync(slice, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(20, context.RequestAborted);
            }

            return;
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=backend.test", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
