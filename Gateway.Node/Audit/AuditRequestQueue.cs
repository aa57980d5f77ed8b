using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Storage.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit;

/// <summary>
/// The node's queue of <c>audit_requests</c> records on their way to the database, written in batches (one
/// transaction for all that queued meanwhile, so the log costs little per request). While the database does not
/// answer, the records wait, saved to prefix/audit-queue.json after every failed flush and reloaded at start, and
/// flush when it is back. The queue holds at most audit_log_queue_max records; past that it drops new ones and says
/// so in the log, once a minute, with the count.
/// </summary>
public sealed partial class AuditRequestQueue : IAsyncDisposable
{
    /// <summary>The most records one transaction appends.</summary>
    private const int BatchSize = 500;

    /// <summary>
    /// How long the first record of a batch waits for others: each transaction takes the store's write lock, which
    /// config writes wait for, so one per request would halve a busy Admin API's writes.
    /// </summary>
    private static readonly TimeSpan CoalescingDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(15);

    private readonly IAuditLog _log;
    private readonly int _capacity;
    private readonly string _savePath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<AuditDraft> _pending = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _flusher;
    private long _dropped;
    private DateTimeOffset _droppedLogged = DateTimeOffset.MinValue;
    private bool _saved;

    /// <summary>A queue into <paramref name="log"/>, holding at most <paramref name="capacity"/> records, saved under <paramref name="prefix"/>.</summary>
    public AuditRequestQueue(IAuditLog log, int capacity, string prefix, TimeProvider time, ILogger logger)
    {
        (_log, _capacity, _time, _logger) = (log, capacity, time, logger);
        _savePath = Path.Combine(prefix, "audit-queue.json");
        PrivateFile.RemoveLeftovers(_savePath);
        _pending.AddRange(Load(_savePath));
        _saved = _pending.Count > 0;
        _flusher = Task.Run(FlushLoopAsync);
        if (_pending.Count > 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Records waiting for the database.</summary>
    public int Count
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues a record; drops it when the queue is full.</summary>
    public void Enqueue(AuditDraft draft)
    {
        lock (_pending)
        {
            if (_pending.Count >= _capacity)
            {
                _dropped++;
                if (_time.GetUtcNow() - _droppedLogged >= TimeSpan.FromMinutes(1))
                {
                    _droppedLogged = _time.GetUtcNow();
                    LogDropped(_logger, _dropped, _capacity);
                }

                return;
            }

            _pending.Add(draft);
        }

        _signal.Release();
    }

    /// <summary>Flushes what it can within a few seconds, saves the rest to prefix/, and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _flusher;
        if (await FlushAsync(TimeSpan.FromSeconds(3)) is false)
        {
            await SaveAsync();
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private static List<AuditDraft> Load(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonArray records
                ? [.. records.OfType<JsonObject>().Select(r => new AuditDraft(AuditTable.Requests, (JsonObject)r.DeepClone()))]
                : [];
        }
        catch (JsonException)
        {
            // A file this node did not write whole (it is written atomically): nothing in it can be trusted as a record.
            return [];
        }
    }

    private async Task FlushLoopAsync()
    {
        var retry = FirstRetry;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stopping.Token);
                if (Count < BatchSize)
                {
                    await Task.Delay(CoalescingDelay, _time, _stopping.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // One flush takes every record queued so far: the wake-ups they each gave are spent with it.
            while (_signal.Wait(0))
            {
            }

            while (await FlushAsync(null) is false && !_stopping.IsCancellationRequested)
            {
                await SaveAsync();
                try
                {
                    await Task.Delay(retry, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }

            retry = FirstRetry;
        }
    }

    /// <summary>Appends every queued record, a batch per transaction; false when the database failed (the records stay queued).</summary>
    private async Task<bool> FlushAsync(TimeSpan? within)
    {
        using var timeout = within is { } limit ? new CancellationTokenSource(limit) : null;
        while (true)
        {
            List<AuditDraft> batch;
            lock (_pending)
            {
                batch = _pending.Take(BatchSize).ToList();
            }

            if (batch.Count == 0)
            {
                if (_saved)
                {
                    File.Delete(_savePath);
                    _saved = false;
                }

                return true;
            }

            try
            {
                await _log.AppendAsync(batch, timeout?.Token ?? CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFlushFailed(_logger, batch.Count, e.GetType().Name, e.Message);
                return false;
            }

            lock (_pending)
            {
                _pending.RemoveRange(0, batch.Count);
            }
        }
    }

    private async Task SaveAsync()
    {
        List<AuditDraft> pending;
        lock (_pending)
        {
            pending = [.. _pending];
        }

        await PrivateFile.WriteJsonAsync(_savePath, writer =>
        {
            writer.WriteStartArray();
            foreach (var draft in pending)
            {
                draft.Record.WriteTo(writer);
            }

            writer.WriteEndArray();
        });
        _saved = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "audit log: {Count} request records could not be written, kept on the node and retried: {Type}: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string type, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit log: the queue is full ({Capacity} records waiting for the database); {Dropped} request records dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped, int capacity);
}
