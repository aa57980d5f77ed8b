using System.Threading.Channels;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// Writes the snapshots the refresher publishes to prefix/ (<see cref="SnapshotFile"/>) in the background, at
/// most one file per <see cref="SaveInterval"/>: a burst of writes becomes one file write per interval (only the
/// newest waiting snapshot is kept), keeping disk flushes off the cores that apply the next versions. An empty config
/// does not replace a file with rows of its version or a newer one (<see cref="SnapshotFile.WriteAsync"/>).
/// </summary>
/// <param name="prefix">The node's prefix folder.</param>
/// <param name="logger">Where a failed or refused write is reported (the node keeps serving; the next snapshot tries again).</param>
internal sealed class SnapshotSaver(string prefix, ILogger logger)
{
    /// <summary>The shortest time between two snapshot files.</summary>
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMilliseconds(250);

    private readonly Channel<ConfigData> _toSave = Channel.CreateBounded<ConfigData>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Queues <paramref name="data"/> to be saved, replacing any snapshot still waiting.</summary>
    public void Offer(ConfigData data) => _toSave.Writer.TryWrite(data);

    /// <summary>Saves what is offered until <see cref="Complete"/>, then what is still waiting, so the last snapshot is on disk.</summary>
    /// <param name="stopping">Cuts the wait between two files short once the node stops.</param>
    public async Task RunAsync(CancellationToken stopping)
    {
        await foreach (var data in _toSave.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (!await SnapshotFile.WriteAsync(prefix, data, CancellationToken.None))
                {
                    logger.LogWarning(
                        "not replacing {File} with the empty config at version {Version}: it holds rows of that version or a newer one, as after a lost or replaced database",
                        SnapshotFile.PathIn(prefix),
                        data.Version);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not save the config snapshot to {Prefix}: {Reason}", prefix, e.Message);
            }

            if (!_toSave.Reader.Completion.IsCompleted)
            {
                try
                {
                    await Task.Delay(SaveInterval, stopping);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>No more snapshots: <see cref="RunAsync"/> ends once the waiting one is saved.</summary>
    public void Complete() => _toSave.Writer.TryComplete();
}
