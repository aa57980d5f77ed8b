using System.Threading.Channels;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.HttpLog;

/// <summary>A log collector on a <see cref="Backend"/>: records every request; the first <see cref="FailFirst"/> answer 500.</summary>
public sealed class LogReceiver : IAsyncDisposable
{
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private Backend _backend = null!;
    private int _failures;

    private LogReceiver()
    {
    }

    /// <summary>How many of the next requests to answer with 500.</summary>
    public int FailFirst { get; set; }

    /// <summary>The port it listens on.</summary>
    public int Port => _backend.Port;

    public static async Task<LogReceiver> StartAsync()
    {
        var receiver = new LogReceiver();
        receiver._backend = await Backend.StartAsync(receiver.HandleAsync);
        return receiver;
    }

    /// <summary>The next request received, or a failure after 10 seconds.</summary>
    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whether a request arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> AnyWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _received.Reader.WaitToReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var failed = Interlocked.Increment(ref _failures) <= FailFirst;
        _received.Writer.TryWrite(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body, failed));
        context.Response.StatusCode = failed ? 500 : 200;
        await context.Response.WriteAsync(failed ? "try again" : "ok");
    }

    /// <summary>One request the collector got.</summary>
    public sealed record Received(string Method, string Target, Dictionary<string, string> Headers, string Body, bool Failed);
}
