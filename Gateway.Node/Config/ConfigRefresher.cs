using Gateway.Cluster.Propagation;
using Gateway.Node.Observability;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>
/// Keeps the node's snapshot at the store's config version. It loads the snapshot at start (from the
/// saved file when the database does not answer), follows version pushes from the writer grains by
/// reading the change log since its version and re-reading only the rows named there, and polls
/// every db_update_frequency to catch anything a push missed. A node's own writes arrive the same
/// way (the push reaches every silo, this one included); the writer waits for them with
/// <see cref="WaitForVersionAsync"/>. Every new snapshot is also saved to prefix/ in the background.
/// </summary>
public sealed class ConfigRefresher : BackgroundService, IConfigChangeListener
{
    /// <summary>How long a write waits for its own push before reading the store itself.</summary>
    private static readonly TimeSpan PushWait = TimeSpan.FromSeconds(1);

    private readonly IConfigStore _store;
    private readonly ConfigSnapshotProvider _provider;
    private readonly TimeSpan _pollInterval;
    private readonly string? _prefix;
    private readonly ILogger<ConfigRefresher> _logger;
    private readonly Action<long, IReadOnlyList<ConfigChange>?>? _onChanges;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly SnapshotSaver? _saver;

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Completed, and replaced, whenever a new snapshot is live: what <see cref="WaitForVersionAsync"/> waits on.</summary>
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _wanted;
    private int _following;

    /// <summary>When the latest push arrived (<see cref="System.Diagnostics.Stopwatch"/> ticks), for the stage timings.</summary>
    private long _pushedAt;

    /// <summary>The newest push not yet live: its version and commit time (Unix ms), for gateway_config_propagation_seconds.</summary>
    private (long Version, long CommittedAtMs) _pendingPush;
    private readonly Lock _pendingLock = new();
    private readonly GatewayMetrics? _metrics;

    /// <summary>
    /// A refresher of <paramref name="provider"/> from <paramref name="store"/>; saves snapshots under
    /// <paramref name="prefix"/> when given, and hands every change-log batch it reads (null after a whole
    /// reload) with the new version to <paramref name="onChanges"/> (the consumer cache's invalidation).
    /// </summary>
    public ConfigRefresher(
        IConfigStore store,
        ConfigSnapshotProvider provider,
        TimeSpan pollInterval,
        string? prefix,
        ILogger<ConfigRefresher> logger,
        Action<long, IReadOnlyList<ConfigChange>?>? onChanges = null,
        GatewayMetrics? metrics = null)
    {
        _metrics = metrics;
        _onChanges = onChanges;
        _store = store;
        _provider = provider;
        _pollInterval = pollInterval;
        _prefix = prefix;
        _logger = logger;
        _saver = prefix is null ? null : new SnapshotSaver(prefix, logger);
    }

    /// <summary>Loads the first snapshot before the node takes traffic: from the store, or from prefix/ when the store does not answer.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e) && _prefix is not null)
        {
            var saved = SnapshotFile.TryRead(_prefix, out var unreadable)
                ?? throw new InvalidOperationException(
                    $"the database is unreachable ({e.Message}) and "
                    + (unreadable is null ? $"there is no config snapshot in {_prefix}" : $"the config snapshot {SnapshotFile.PathIn(_prefix)} cannot be read ({unreadable})")
                    + " to start from",
                    e);
            _provider.Apply(saved);
            _logger.LogWarning("database unavailable: {Reason}; serving config version {Version} from {File}, read-only", e.Message, saved.Version, SnapshotFile.PathIn(_prefix));
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Brings the snapshot to the store's current version, if it is behind; concurrent callers share
    /// one reload at a time, and each returns once a version at least as new as when it called is live.
    /// </summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => RefreshAsync(0, cancellationToken);

    /// <summary>A refresh asked for at <paramref name="asked"/> (a push's arrival; 0 for now), timed stage by stage at log_level debug.</summary>
    private async Task RefreshAsync(long asked, CancellationToken cancellationToken)
    {
        var timings = RefreshTimings.Start(_logger, asked);
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            timings?.Locked();
            var current = _provider.Current.Data;
            ConfigData next;
            var changeCount = 0;
            if (current.Version == 0)
            {
                next = await ConfigData.LoadAsync(_store, cancellationToken);
            }
            else
            {
                var changes = await _store.GetChangesSinceAsync(current.Version, cancellationToken);
                timings?.ChangesRead();
                _logger.LogDebug("read {Count} config changes after version {Version}", changes.Count, current.Version);
                changeCount = changes.Count;
                if (changes.Count > 0)
                {
                    next = await ApplyAsync(current, changes, cancellationToken);
                    timings?.RowsRead();
                    _onChanges?.Invoke(next.Version, changes);
                }
                else if (await _store.GetVersionAsync(cancellationToken) != current.Version)
                {
                    // A store without a change log (DB-less: each POST /config replaces everything) moved on: reload whole.
                    next = await ConfigData.LoadAsync(_store, cancellationToken);
                    _onChanges?.Invoke(next.Version, null);
                }
                else
                {
                    return;
                }
            }

            if (_provider.Apply(next))
            {
                _logger.LogDebug("config version {Version} is live", next.Version);
                ObservePropagation(next.Version);
                timings?.Published(_logger, _provider.Current, changeCount);
                Interlocked.Exchange(ref _published, new(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();

                // An empty store re-applies version 0 on every poll: save that only once.
                if (next.Version != current.Version || ReferenceEquals(current, ConfigData.Empty))
                {
                    _saver?.Offer(next);
                }
            }
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Observes how long the newest push took, once a snapshot at its version or later is live.</summary>
    private void ObservePropagation(long live)
    {
        long committedAt;
        lock (_pendingLock)
        {
            if (_pendingPush.CommittedAtMs == 0 || live < _pendingPush.Version)
            {
                return;
            }

            committedAt = _pendingPush.CommittedAtMs;
            _pendingPush = (_pendingPush.Version, 0);
        }

        _metrics?.ConfigPropagated(TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - committedAt));
    }

    /// <summary>A push: the store reached <paramref name="version"/>. Reloads in the background, coalescing bursts.</summary>
    public void OnVersion(long version, long committedAtMs)
    {
        if (committedAtMs > 0)
        {
            lock (_pendingLock)
            {
                if (version > _pendingPush.Version)
                {
                    _pendingPush = (version, committedAtMs);
                }
            }
        }

        long wanted;
        do
        {
            wanted = Volatile.Read(ref _wanted);
            if (version <= wanted)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _wanted, version, wanted) != wanted);

        Volatile.Write(ref _pushedAt, System.Diagnostics.Stopwatch.GetTimestamp());

        if (version > _provider.Current.Version && Interlocked.CompareExchange(ref _following, 1, 0) == 0)
        {
            _ = Task.Run(FollowAsync);
        }
    }

    /// <summary>
    /// Returns once the snapshot is at <paramref name="version"/> or later. A write's own push normally brings it within
    /// milliseconds; when none does within <see cref="PushWait"/> (lost, or this silo missing from the writer's view of
    /// the cluster), this reads the store once itself, as the poll would.
    /// </summary>
    public async Task WaitForVersionAsync(long version)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(PushWait);
        try
        {
            while (true)
            {
                // The signal before the version: a snapshot published in between has completed this signal.
                var published = Volatile.Read(ref _published).Task;
                if (_provider.Current.Version >= version)
                {
                    return;
                }

                await published.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
        }

        _logger.LogDebug("no push brought config version {Version} within {Wait} ms: reading the store", version, PushWait.TotalMilliseconds);
        try
        {
            await RefreshAsync(_stopping.Token);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Written, but the database went away just after: the push or the poll brings it here later.
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var saving = _saver?.RunAsync(_stopping.Token) ?? Task.CompletedTask;
        using var timer = new PeriodicTimer(_pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning("config poll failed, serving version {Version}: {Reason}", _provider.Current.Version, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        _saver?.Complete();
        await saving;
    }

    /// <summary>The rows named by <paramref name="changes"/> re-read and swapped into a copy of <paramref name="current"/>.</summary>
    private async Task<ConfigData> ApplyAsync(ConfigData current, IReadOnlyList<ConfigChange> changes, CancellationToken cancellationToken)
    {
        var rows = ConfigData.SnapshotEntities.ToDictionary(e => e, e => current[e]);
        foreach (var group in changes.Where(c => rows.ContainsKey(c.Entity)).GroupBy(c => c.Entity))
        {
            var byId = rows[group.Key].ToDictionary(r => r["id"]!.GetValue<string>(), StringComparer.Ordinal);
            foreach (var id in group.Select(c => c.Id).Distinct(StringComparer.Ordinal))
            {
                // The row as it is now: a later change is then applied early, never lost.
                if (await _store.GetAsync(group.Key, id, cancellationToken) is { } row)
                {
                    byId[id] = row;
                }
                else
                {
                    byId.Remove(id);
                }
            }

            rows[group.Key] = [.. byId.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];
        }

        return new ConfigData(changes.Max(c => c.Version), rows);
    }

    private async Task FollowAsync()
    {
        try
        {
            while (true)
            {
                var before = _provider.Current.Version;
                if (before >= Volatile.Read(ref _wanted))
                {
                    break;
                }

                if (!await TryRefreshAsync())
                {
                    break;
                }

                if (_provider.Current.Version == before)
                {
                    // The store has nothing newer for us (yet): leave the rest to the next push or poll.
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _following, 0);
        }
    }

    /// <summary>A refresh for a push, retried twice: the first query after a database restart may meet a dead connection.</summary>
    private async Task<bool> TryRefreshAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RefreshAsync(Volatile.Read(ref _pushedAt), _stopping.Token);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == 3)
                {
                    _logger.LogWarning("config push to version {Version} failed, the poll will retry: {Reason}", Volatile.Read(ref _wanted), e.Message);
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), _stopping.Token);
            }
        }
    }
}
