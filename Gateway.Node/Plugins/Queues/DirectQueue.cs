namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// The queue of the log plugins Kong runs without one (tcp-log, udp-log, syslog, loggly: a timer per request, a
/// failed send logged and not retried): entries still leave the request path through a <see cref="LogQueue"/>, so
/// a slow or absent collector never holds a request, but each batch is what waits at that moment (no coalescing
/// delay) and a failure drops it at once. The queue is bounded as Kong's default one is (10000 entries).
/// </summary>
public static class DirectQueue
{
    /// <summary>No coalescing, no retries, up to 100 waiting entries handed over at once.</summary>
    public static QueueSettings Settings { get; } = new(
        MaxBatchSize: 100,
        MaxCoalescingDelay: 0,
        MaxEntries: 10_000,
        MaxBytes: null,
        MaxRetryTime: 0,
        InitialRetryDelay: 0.001,
        MaxRetryDelay: 0.001,
        ConcurrencyLimit: 1);
}
