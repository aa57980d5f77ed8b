using System.Net.Http.Headers;
using System.Text;
using Gateway.Node.Plugins.Queues;
using Gateway.Storage.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit.Sinks;

/// <summary>
/// audit_log_sink as an HTTP endpoint: every record this node commits, POSTed as JSON arrays of up to
/// <see cref="Queue"/>'s batch size through http-log's queue (batched, retried with backoff for a minute, bounded;
/// it says when it drops). A non-2xx answer is a failure, retried as a refused connection is.
/// </summary>
public sealed partial class AuditHttpSink : IAuditSink, IAsyncDisposable
{
    /// <summary>The queue: batches of 100 gathered for up to a second, 100,000 records waiting at most, retried for a minute.</summary>
    public static readonly QueueSettings Queue = new(
        MaxBatchSize: 100, MaxCoalescingDelay: 1, MaxEntries: 100_000, MaxBytes: null, MaxRetryTime: 60, InitialRetryDelay: 0.01, MaxRetryDelay: 60, ConcurrencyLimit: 1);

    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(5);

    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Uri _endpoint;
    private readonly ILogger _logger;
    private readonly LogQueue _queue;

    /// <summary>Starts the queue for <paramref name="endpoint"/>.</summary>
    public AuditHttpSink(Uri endpoint, ILogger logger)
    {
        (_endpoint, _logger) = (endpoint, logger);
        _queue = new LogQueue(Queue, SendAsync, message => LogQueueProblem(_logger, _endpoint, message), TimeProvider.System);
    }

    /// <inheritdoc/>
    public void Written(IReadOnlyList<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            _queue.Enqueue(Encoding.UTF8.GetBytes(entry.ToJson()));
        }
    }

    /// <summary>Sends what is waiting, for a few seconds at most.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        await Task.WhenAny(_queue.Completion, Task.Delay(DrainOnStop));
        _client.Dispose();
    }

    private async Task SendAsync(IReadOnlyList<byte[]> batch, CancellationToken cancellationToken)
    {
        using var content = BatchContent.JsonArray(batch);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync(_endpoint, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{_endpoint} answered {(int)response.StatusCode}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "audit_log_sink {Endpoint}: {Message}")]
    private static partial void LogQueueProblem(ILogger logger, Uri endpoint, string message);
}
