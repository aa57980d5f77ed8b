using System.Threading.Channels;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Gateway.Tests.Node.Plugins.OpenTelemetry;

/// <summary>
/// An OTLP/HTTP collector on loopback: decodes every POST to /v1/traces and /v1/logs with OTLP's protobuf types and
/// answers 200 (the first <see cref="FailFirst"/> answer 500).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly Channel<(ExportTraceServiceRequest Request, string ContentType, IHeaderDictionary Headers)> _traces = Channel.CreateUnbounded<(ExportTraceServiceRequest, string, IHeaderDictionary)>();
    private readonly Channel<ExportLogsServiceRequest> _logs = Channel.CreateUnbounded<ExportLogsServiceRequest>();
    private Backend _backend = null!;
    private int _answered;

    private OtlpReceiver()
    {
    }

    /// <summary>How many of the next exports to answer with 500.</summary>
    public int FailFirst { get; set; }

    /// <summary>The traces URL.</summary>
    public string TracesUrl => $"http://127.0.0.1:{_backend.Port}/v1/traces";

    /// <summary>The logs URL.</summary>
    public string LogsUrl => $"http://127.0.0.1:{_backend.Port}/v1/logs";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._backend = await Backend.StartAsync(receiver.HandleAsync);
        return receiver;
    }

    /// <summary>The spans of the exports received until <paramref name="until"/> holds of all received so far (10 s at most).</summary>
    public async Task<List<Span>> SpansAsync(Func<List<Span>, bool> until)
    {
        var spans = new List<Span>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!until(spans))
        {
            var (request, _, _) = await _traces.Reader.ReadAsync(timeout.Token);
            spans.AddRange(request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans));
        }

        return spans;
    }

    /// <summary>The next trace export, with its Content-Type and headers.</summary>
    public async Task<(ExportTraceServiceRequest Request, string ContentType, IHeaderDictionary Headers)> NextTracesAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _traces.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Log records received until one matches <paramref name="match"/> (10 s at most).</summary>
    public async Task<(LogRecord Record, ExportLogsServiceRequest Request)> LogAsync(Func<LogRecord, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var request = await _logs.Reader.ReadAsync(timeout.Token);
            if (request.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords).FirstOrDefault(match) is { } record)
            {
                return (record, request);
            }
        }
    }

    /// <summary>Whether any trace export arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> AnyTracesWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await _traces.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (Interlocked.Increment(ref _answered) <= FailFirst)
        {
            context.Response.StatusCode = 500;
            return;
        }

        var bytes = body.ToArray();
        if (context.Request.Path == "/v1/traces")
        {
            _traces.Writer.TryWrite((ExportTraceServiceRequest.Parser.ParseFrom(bytes), context.Request.ContentType ?? "", context.Request.Headers));
        }
        else if (context.Request.Path == "/v1/logs")
        {
            _logs.Writer.TryWrite(ExportLogsServiceRequest.Parser.ParseFrom(bytes));
        }

        context.Response.StatusCode = 200;
    }
}
