using System.Collections.Concurrent;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// One <see cref="LogQueue"/> per plugin row, as Kong keys its queues by plugin instance: a new config
/// version of the row gets a new queue, and the previous one drains what it holds and stops.
/// </summary>
/// <typeparam name="TConfig">The plugin's compiled config (one object per config version of a row).</typeparam>
/// <param name="instanceOf">The row's id in a config.</param>
/// <param name="settingsOf">The row's queue settings.</param>
/// <param name="send">Sends one batch for a config; throws to have it retried.</param>
/// <param name="warn">Reports dropped entries and failed batches.</param>
public sealed class RowQueues<TConfig>(
    Func<TConfig, string> instanceOf,
    Func<TConfig, QueueSettings> settingsOf,
    Func<TConfig, IReadOnlyList<byte[]>, CancellationToken, Task> send,
    Action<string> warn)
    where TConfig : class
{
    private readonly ConcurrentDictionary<string, (TConfig Config, LogQueue Queue)> _queues = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The queue of <paramref name="config"/>'s row at this config version.</summary>
    public LogQueue For(TConfig config)
    {
        var instance = instanceOf(config);
        if (_queues.TryGetValue(instance, out var current) && ReferenceEquals(current.Config, config))
        {
            return current.Queue;
        }

        lock (_lock)
        {
            if (_queues.TryGetValue(instance, out current))
            {
                if (ReferenceEquals(current.Config, config))
                {
                    return current.Queue;
                }

                current.Queue.Complete();
            }

            var queue = new LogQueue(settingsOf(config), (batch, token) => send(config, batch, token), warn, TimeProvider.System);
            _queues[instance] = (config, queue);
            return queue;
        }
    }
}
