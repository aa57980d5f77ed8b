namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// Kong 3.x's deprecated pre-3.3 queue fields of the batching metric plugins (statsd, datadog: <c>retry_count</c>,
/// <c>queue_size</c>, <c>flush_timeout</c>), applied as Kong's Queue.get_plugin_params does: a value other than
/// the old default replaces the matching <c>queue</c> setting, with Kong's deprecation warning (without its
/// "plugin: " start, which the plugin's log adds).
/// </summary>
public static class LegacyQueueFields
{
    /// <summary>The queue settings with the legacy values applied.</summary>
    /// <param name="queue">The <c>queue</c> record.</param>
    /// <param name="retryCount">retry_count: accepted, no effect.</param>
    /// <param name="queueSize">queue_size: max_batch_size when not 1.</param>
    /// <param name="flushTimeout">flush_timeout: max_coalescing_delay when not 2.</param>
    /// <param name="warn">Where the deprecation warnings go.</param>
    public static QueueSettings Apply(QueueSettings queue, long? retryCount, int? queueSize, double? flushTimeout, Action<string> warn)
    {
        if (retryCount is { } retries && retries != 10)
        {
            warn("config.retry_count no longer works, please use config.queue.max_retry_time instead");
        }

        if (queueSize is { } size && size != 1)
        {
            queue = queue with { MaxBatchSize = size };
            warn("config.queue_size is deprecated, please use config.queue.max_batch_size instead");
        }

        if (flushTimeout is { } flush && flush != 2)
        {
            queue = queue with { MaxCoalescingDelay = flush };
            warn("config.flush_timeout is deprecated, please use config.queue.max_coalescing_delay instead");
        }

        return queue;
    }
}
