using System.Threading.Channels;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// Kong's plugin queue (kong/tools/queue.lua) for one plugin row: entries wait in a bounded channel
/// (the oldest is dropped when <c>max_entries</c> or <c>max_bytes</c> is reached), a single consumer
/// gathers up to <c>max_batch_size</c> of them, waiting at most <c>max_coalescing_delay</c> after the
/// first, and hands the batch to the sender; a failed batch is retried with exponential backoff from
/// <c>initial_retry_delay</c> up to <c>max_retry_delay</c> until <c>max_retry_time</c> has passed, then dropped.
/// With <c>concurrency_limit</c> -1 every entry is its own batch, sent at once and alongside the others.
/// Nothing here runs on a request's path: the log phase only writes to the channel.
/// </summary>
public sealed class LogQueue
{
    private readonly Channel<byte[]> _channel;
    private readonly QueueSettings _settings;
    private readonly Func<IReadOnlyList<byte[]>, CancellationToken, Task> _send;
    private readonly Action<string> _warn;
    private readonly TimeProvider _time;
    private long _bytes;

    // While the consumer coalesces a batch it sleeps until the delay is over, or until a producer sees that
    // enough entries wait to fill the batch: not woken for each entry.
    private TaskCompletionSource? _filled;
    private int _wanted = int.MaxValue;

    /// <summary>Starts the queue's consumer.</summary>
    /// <param name="settings">The queue settings.</param>
    /// <param name="send">Sends one batch; throws to have it retried.</param>
    /// <param name="warn">Reports dropped entries and failed batches.</param>
    /// <param name="time">The clock the delays use.</param>
    public LogQueue(QueueSettings settings, Func<IReadOnlyList<byte[]>, CancellationToken, Task> send, Action<string> warn, TimeProvider time)
    {
        _settings = settings;
        _send = send;
        _warn = warn;
        _time = time;
        _channel = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(settings.MaxEntries) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                Interlocked.Add(ref _bytes, -dropped.Length);
                _warn("queue full, dropping oldest entry");
            });
        Completion = Task.Run(ConsumeAsync);
    }

    /// <summary>Ends when the queue was completed and every entry handled.</summary>
    public Task Completion { get; }

    /// <summary>Adds an entry; never blocks.</summary>
    public void Enqueue(byte[] entry)
    {
        if (_settings.MaxBytes is { } maxBytes && entry.Length > maxBytes)
        {
            _warn($"string to be queued is longer ({entry.Length} bytes) than the queue's max_bytes ({maxBytes} bytes)");
            return;
        }

        // max_bytes bounds what waits; the oldest entries make room, as Kong's queue does.
        while (_settings.MaxBytes is { } limit && Interlocked.Read(ref _bytes) + entry.Length > limit && _channel.Reader.TryRead(out var old))
        {
            Interlocked.Add(ref _bytes, -old.Length);
            _warn("queue full, dropping oldest entry");
        }

        Interlocked.Add(ref _bytes, entry.Length);
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Add(ref _bytes, -entry.Length);
            return;
        }

        if (Volatile.Read(ref _filled) is { } filled && _channel.Reader.Count >= Volatile.Read(ref _wanted))
        {
            filled.TrySetResult();
        }
    }

    /// <summary>Stops taking entries; <see cref="Completion"/> ends once the waiting ones were sent.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private async Task ConsumeAsync()
    {
        var reader = _channel.Reader;
        var inFlight = new List<Task>();

        // Kong's queue with concurrency_limit -1 does not batch: each entry is handed over alone, at once.
        var batchSize = _settings.ConcurrencyLimit == -1 ? 1 : _settings.MaxBatchSize;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<byte[]>(Math.Min(batchSize, 64));
            var deadline = _time.GetTimestamp() + (long)(_settings.MaxCoalescingDelay * _time.TimestampFrequency);
            while (batch.Count < batchSize)
            {
                if (reader.TryRead(out var entry))
                {
                    Interlocked.Add(ref _bytes, -entry.Length);
                    batch.Add(entry);
                    continue;
                }

                var left = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero || !await FilledOrDueAsync(batchSize - batch.Count, left))
                {
                    break;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            if (_settings.ConcurrencyLimit == 1)
            {
                await SendWithRetriesAsync(batch);
            }
            else
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(SendWithRetriesAsync(batch));
            }
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>
    /// Waits until <paramref name="wanted"/> entries wait or <paramref name="left"/> has passed; false once the queue
    /// was completed and emptied (send what there is).
    /// </summary>
    private async Task<bool> FilledOrDueAsync(int wanted, TimeSpan left)
    {
        var filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _wanted, wanted);
        Interlocked.Exchange(ref _filled, filled);
        try
        {
            // An entry written before the waiter was in place is counted here.
            if (_channel.Reader.Count < wanted)
            {
                await Task.WhenAny(filled.Task, Task.Delay(left, _time), _channel.Reader.Completion);
            }

            return !_channel.Reader.Completion.IsCompleted;
        }
        finally
        {
            Volatile.Write(ref _filled, null);
            Volatile.Write(ref _wanted, int.MaxValue);
        }
    }

    private async Task SendWithRetriesAsync(List<byte[]> batch)
    {
        var started = _time.GetTimestamp();
        var delay = _settings.InitialRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _send(batch, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // As Kong's queue: give up once max_retry_time has passed, else wait and try again.
                if (_time.GetElapsedTime(started).TotalSeconds > _settings.MaxRetryTime)
                {
                    _warn($"could not send entries due to max_retry_time exceeded. {batch.Count} queue entries were lost: {e.Message}");
                    return;
                }

                _warn($"handler could not process entries (attempt {attempt}): {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(delay), _time);
                delay = Math.Min(delay * 2, _settings.MaxRetryDelay);
            }
        }
    }
}
