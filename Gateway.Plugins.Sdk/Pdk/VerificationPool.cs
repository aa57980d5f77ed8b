using System.Collections.Concurrent;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// A few dedicated threads, and a bounded queue in front of them, for credential checks that are slow on
/// purpose (bcrypt, PBKDF2, argon2: tens to hundreds of milliseconds of CPU each). A request phase must not
/// run such a check itself: it runs on the thread that reads the request's socket, and every connection of
/// that thread would wait. Nor on the .NET thread pool, which grows a thread for every check a flood of them
/// asks for until the checks hold every core. Here the checks hold at most <see cref="Threads"/> cores;
/// past <see cref="QueueCapacity"/> waiting checks <see cref="TryRun"/> refuses at once, and the caller
/// answers without a verdict (basic-auth: 429).
/// Plugins share <see cref="Shared"/>, so that all of them together, bundled and custom, keep to one budget.
/// </summary>
public sealed class VerificationPool : IDisposable
{
    /// <summary>Checks that may wait for each thread: about two seconds of bcrypt at cost 11.</summary>
    public const int QueuePerThread = 16;

    /// <summary>
    /// The answer to a <see cref="VerificationOutcome.Busy"/> check: a 429, not Kong's 401, because no verdict was
    /// reached. A 401 would tell a consumer with the right password that it is wrong (and, with <c>anonymous</c>,
    /// serve them as the anonymous consumer), where a 429 with <see cref="BusyHeaders"/> says to come back, as Kong's
    /// own rate-limiting and <c>/config</c> do.
    /// </summary>
    public const string BusyMessage = "Too many authentication attempts";

    /// <summary>The headers of the busy answer: Retry-After one second.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> BusyHeaders { get; } = [new("Retry-After", "1")];

    private readonly BlockingCollection<Action> _queue;
    private readonly Thread[] _threads;
    private long _completed;
    private long _refused;

    /// <summary>Starts <paramref name="threads"/> background threads that run up to <paramref name="queueCapacity"/> waiting checks.</summary>
    public VerificationPool(int threads, int queueCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        QueueCapacity = queueCapacity;
        _queue = new BlockingCollection<Action>(new ConcurrentQueue<Action>(), queueCapacity);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(RunChecks) { IsBackground = true, Name = $"verification {i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>
    /// The process's pool: a quarter of the cores, at least one thread, so that a flood of checks on a
    /// 2-core node holds one core at most and the proxy keeps the other; <see cref="QueuePerThread"/> each.
    /// </summary>
    public static VerificationPool Shared { get; } = new(SharedThreads, SharedThreads * QueuePerThread);

    /// <summary>How many threads run checks.</summary>
    public int Threads => _threads.Length;

    /// <summary>How many checks may wait for a thread before <see cref="TryRun"/> refuses.</summary>
    public int QueueCapacity { get; }

    /// <summary>How many checks have run to the end (or thrown).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>How many checks were refused because the queue was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private static int SharedThreads => Math.Max(1, Environment.ProcessorCount / 4);

    /// <summary>
    /// Queues <paramref name="check"/>; its verdict completes on the thread pool (never on the pool's threads,
    /// so the caller's continuation does not hold up the next check). Null when the queue is full: the caller
    /// answers without a verdict.
    /// </summary>
    public Task<bool>? TryRun(Func<bool> check)
    {
        var verdict = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.TryAdd(() => Run(check, verdict)))
        {
            Interlocked.Increment(ref _refused);
            return null;
        }

        return verdict.Task;
    }

    /// <summary>Stops taking checks, and waits for the threads to run the queued ones.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private void Run(Func<bool> check, TaskCompletionSource<bool> verdict)
    {
        // Counted before the verdict completes, so whoever awaited it sees the count.
        Exception? error = null;
        var valid = false;
        try
        {
            valid = check();
        }
        catch (Exception e)
        {
            error = e;
        }

        Interlocked.Increment(ref _completed);
        if (error is null)
        {
            verdict.SetResult(valid);
        }
        else
        {
            verdict.SetException(error);
        }
    }

    private void RunChecks()
    {
        // Behind the request threads whenever both want a core: a flood of checks slows the checks, not the proxy.
        ThreadNiceness.LowerCurrentThread();
        foreach (var check in _queue.GetConsumingEnumerable())
        {
            check();
        }
    }
}
