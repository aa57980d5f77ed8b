using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Queues;

/// <summary>The <c>queue</c> record of the batching log plugins (Kong 3.9 kong/tools/queue_schema.lua).</summary>
public static class QueueConfig
{
    /// <summary>The <c>queue</c> field, with Kong's default batch of one (http-log).</summary>
    public static Field Field { get; } = For(1);

    /// <summary>The <c>queue</c> field with a plugin's own default <c>max_batch_size</c> (opentelemetry's is 200).</summary>
    public static Field For(int maxBatchSize) => Record("queue", "How log entries are batched and retried.",
        Int("max_batch_size", "Maximum number of entries processed at once.", maxBatchSize) with { Required = true, Between = (1, 1_000_000) },
        Num("max_coalescing_delay", "Maximum seconds to wait for more entries before processing a batch.", 1) with { Required = true, Between = (0, 3600) },
        Int("max_entries", "Maximum number of entries waiting in the queue.", 10_000) with { Required = true, Between = (1, 1_000_000) },
        Int("max_bytes", "Maximum number of bytes waiting in the queue (string entries only); unlimited when unset."),
        Num("max_retry_time", "Seconds to keep retrying a failed batch before dropping it.", 60) with { Required = true },
        Num("initial_retry_delay", "Seconds before the first retry.", 0.01) with { Required = true, Between = (0.001, 1_000_000) },
        Num("max_retry_delay", "Maximum seconds between retries.", 60) with { Required = true, Between = (0.001, 1_000_000) },
        Int("concurrency_limit", "Number of batches processed at once: 1, or -1 for no limit.", 1) with { Required = true, OneOf = ["-1", "1"] });
}
