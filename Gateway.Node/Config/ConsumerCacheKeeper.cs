using Gateway.Cluster.Consumers;

namespace Gateway.Node.Config;

/// <summary>
/// Keeps the consumer cache in prefix/ (<see cref="ConsumerCacheFile"/>), so authentication keeps working for the
/// consumers a node had seen when it restarts while the database is down: loaded at start when it was saved at the
/// config version the node starts with (the change log from there on invalidates it, as it does the live cache),
/// saved at most once per <see cref="SaveInterval"/> when it changed, and once more at shutdown.
/// </summary>
/// <remarks>Registered after the <see cref="ConfigRefresher"/>, whose start sets the version the node starts with.</remarks>
internal sealed class ConsumerCacheKeeper(ConsumerLookup lookup, ConfigSnapshotProvider snapshots, string prefix, ILogger<ConsumerCacheKeeper> logger)
    : BackgroundService
{
    /// <summary>The shortest time between two cache files.</summary>
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    private long _saved;

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var version = snapshots.Current.Version;
        if (ConsumerCacheFile.TryRead(prefix) is { } saved)
        {
            if (saved.Version == version)
            {
                lookup.Import(saved.Version, saved.Rows);
                logger.LogInformation("loaded {Count} cached consumer rows from {File}", saved.Rows.Count, ConsumerCacheFile.PathIn(prefix));
            }
            else
            {
                logger.LogInformation(
                    "not loading {File}: saved at config version {Saved}, the node starts at {Version}", ConsumerCacheFile.PathIn(prefix), saved.Version, version);
            }
        }

        _saved = lookup.Changes;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await SaveIfChangedAsync();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SaveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SaveIfChangedAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SaveIfChangedAsync()
    {
        var changes = lookup.Changes;
        if (changes == _saved)
        {
            return;
        }

        // The version before the rows: every change up to it has already been invalidated in what is exported.
        var version = snapshots.Current.Version;
        try
        {
            await ConsumerCacheFile.WriteAsync(prefix, version, lookup.Export());
            _saved = changes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("could not save the consumer cache to {Prefix}: {Reason}", prefix, e.Message);
        }
    }
}
