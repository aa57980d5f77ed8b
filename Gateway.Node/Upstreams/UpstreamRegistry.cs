using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Upstreams;

/// <summary>
/// The node's balancers: rebuilt from every new config snapshot and published with one reference
/// write, while the per-target state (health, counters, in-flight requests, latency) lives on across
/// rebuilds, keyed by upstream id and target address. One instance per node, shared by the proxy
/// (picks), the active health checker (probes) and the Admin API (/upstreams/{u}/health).
/// </summary>
public sealed partial class UpstreamRegistry : IDisposable
{
    private readonly IDisposable? _following;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Lock _buildLock = new();
    private readonly ConcurrentDictionary<(string Upstream, string Target), TargetState> _states = new();
    private Balancers _current = Balancers.Empty;

    /// <summary>Builds from the provider's current snapshot and rebuilds on every swap.</summary>
    public UpstreamRegistry(ConfigSnapshotProvider snapshots, TimeProvider time, ILogger<UpstreamRegistry>? logger = null)
    {
        _time = time;
        _logger = logger;
        _following = snapshots.Follow(Apply, LogRebuildFailure);
    }

    /// <summary>A registry fed only through <see cref="Apply"/> (tests, tools).</summary>
    public UpstreamRegistry(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Raised after a rebuild is published (the active health checker re-plans on it).</summary>
    public event Action? Rebuilt;

    /// <summary>The config version of the balancers being served.</summary>
    public long Version => Volatile.Read(ref _current).Version;

    /// <summary>Every current balancer.</summary>
    public IReadOnlyCollection<UpstreamBalancer> All => Volatile.Read(ref _current).ById.Values;

    /// <summary>
    /// The balancer of the upstream named <paramref name="upstreamName"/> (a service's host), or
    /// false when no upstream has that name and the host is to be resolved as a plain host name.
    /// Lock-free: one volatile read and a frozen dictionary lookup.
    /// </summary>
    public bool TryGetBalancer(string upstreamName, [MaybeNullWhen(false)] out UpstreamBalancer balancer) =>
        Volatile.Read(ref _current).ByName.TryGetValue(upstreamName, out balancer);

    /// <summary>The balancer of the upstream with this id, or null.</summary>
    public UpstreamBalancer? FindById(string upstreamId) =>
        Volatile.Read(ref _current).ById.GetValueOrDefault(upstreamId);

    /// <summary>
    /// Builds balancers for <paramref name="data"/> and publishes them, unless newer ones are live.
    /// An upstream that cannot be built is left out and logged; the others still go live.
    /// </summary>
    public void Apply(ConfigData data)
    {
        lock (_buildLock)
        {
            var current = Volatile.Read(ref _current);
            if (data.Version != 0 && data.Version < current.Version)
            {
                return;
            }

            var targetsByUpstream = data["targets"]
                .GroupBy(t => Json.ForeignId(t, "upstream") ?? "")
                .ToDictionary(g => g.Key, g => g.OrderBy(t => Json.Number(t, "created_at", 0)).ThenBy(t => Json.String(t, "id"), StringComparer.Ordinal).ToList());
            var byId = new Dictionary<string, UpstreamBalancer>();
            var live = new HashSet<(string, string)>();
            foreach (var row in data["upstreams"])
            {
                try
                {
                    var config = UpstreamConfig.Parse(row);
                    var targets = new List<UpstreamTarget>();
                    foreach (var target in targetsByUpstream.GetValueOrDefault(config.Id) ?? [])
                    {
                        var address = Json.String(target, "target");
                        if (address is null)
                        {
                            continue;
                        }

                        var key = (config.Id, address);
                        live.Add(key);
                        var state = _states.GetOrAdd(key, _ => new TargetState());
                        targets.Add(new UpstreamTarget(
                            Json.String(target, "id") ?? "", address, Json.Int(target, "weight", 100),
                            (long)Json.Number(target, "created_at", 0), state, config.Healthchecks.Enabled));
                    }

                    byId[config.Id] = new UpstreamBalancer(config, targets, _time);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
                {
                    if (_logger is not null)
                    {
                        LogBuildFailure(_logger, Json.String(row, "name") ?? "?", e.Message);
                    }
                }
            }

            // Targets gone from the config lose their state; a target added back later starts healthy, as in Kong.
            foreach (var key in _states.Keys)
            {
                if (!live.Contains(key))
                {
                    _states.TryRemove(key, out _);
                }
            }

            var byName = byId.Values.ToFrozenDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);
            Volatile.Write(ref _current, new Balancers(data.Version, byId.ToFrozenDictionary(), byName));
        }

        Rebuilt?.Invoke();
    }

    /// <summary>Stops following the snapshot provider.</summary>
    public void Dispose() => _following?.Dispose();

    private void LogRebuildFailure(long version, Exception exception)
    {
        if (_logger is not null)
        {
            LogRebuildFailure(_logger, version, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "could not rebuild the balancers for config version {Version}; the previous ones stay live")]
    private static partial void LogRebuildFailure(ILogger logger, long version, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not build the balancer of upstream {Upstream}: {Reason}")]
    private static partial void LogBuildFailure(ILogger logger, string upstream, string reason);

    private sealed record Balancers(
        long Version, FrozenDictionary<string, UpstreamBalancer> ById, FrozenDictionary<string, UpstreamBalancer> ByName)
    {
        public static readonly Balancers Empty = new(
            0, FrozenDictionary<string, UpstreamBalancer>.Empty, FrozenDictionary<string, UpstreamBalancer>.Empty);
    }
}
