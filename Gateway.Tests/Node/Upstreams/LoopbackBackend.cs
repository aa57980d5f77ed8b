using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>A real Kestrel backend on 127.0.0.1 answering every request with <see cref="Status"/>; it can stop and start again on the same port.</summary>
internal sealed class LoopbackBackend : IAsyncDisposable
{
    private WebApplication? _app;

    private LoopbackBackend(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The status every request gets.</summary>
    public int Status { get; set; } = 200;

    /// <summary>Requests served since start.</summary>
    public int Requests => _requests;

    private int _requests;

    public static async Task<LoopbackBackend> StartAsync()
    {
        var backend = new LoopbackBackend(Support.FreePorts.Next());
        await backend.StartAgainAsync();
        return backend;
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.Run(context =>
        {
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = Status;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
