using Gateway.Storage.Snapshot;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>
/// Keeps the node's snapshot at the store's config version: loads it at start, reloads when told a
/// write happened (<see cref="RefreshAsync"/>), and polls the version every db_update_frequency to
/// catch writes made elsewhere.
/// </summary>
public sealed class ConfigRefresher(
    IConfigStore store,
    ConfigSnapshotProvider provider,
    TimeSpan pollInterval,
    ILogger<ConfigRefresher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _reloading = new(1, 1);

    /// <summary>Loads the first snapshot before the node takes traffic.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Brings the snapshot to the store's current version, if it is behind; concurrent callers share
    /// one reload at a time, and each returns once a version at least as new as when it called is live.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var version = await store.GetVersionAsync(cancellationToken);
            if (version == provider.Current.Version && version != 0)
            {
                return;
            }

            var data = await ConfigData.LoadAsync(store, cancellationToken);
            if (provider.Apply(data))
            {
                logger.LogDebug("config version {Version} is live", data.Version);
            }
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(pollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("config poll failed, serving version {Version}: {Reason}", provider.Current.Version, e.Message);
            }
        }
    }
}
