namespace Gateway.Node.Plugins.Queues;

/// <summary>The <c>queue</c> record of a batching log plugin (see <see cref="QueueConfig"/>); times in seconds.</summary>
public sealed record QueueSettings(
    int MaxBatchSize,
    double MaxCoalescingDelay,
    int MaxEntries,
    long? MaxBytes,
    double MaxRetryTime,
    double InitialRetryDelay,
    double MaxRetryDelay,
    int ConcurrencyLimit);
