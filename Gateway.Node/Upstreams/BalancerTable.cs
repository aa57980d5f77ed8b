using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Gateway.Storage.Entities;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Upstreams;

/// <summary>
/// The balancers of one config version, by upstream name (what a service's host names) and by id. Built with the
/// config snapshot that holds it and never changed afterwards; each target's <see cref="TargetState"/> is the one
/// the previous table had for the same upstream id and target address, so health outlives the swap.
/// </summary>
public sealed class BalancerTable
{
    private readonly FrozenDictionary<string, UpstreamBalancer> _byId;
    private readonly FrozenDictionary<string, UpstreamBalancer> _byName;

    private BalancerTable(FrozenDictionary<string, UpstreamBalancer> byId, FrozenDictionary<string, UpstreamBalancer> byName)
    {
        _byId = byId;
        _byName = byName;
    }

    /// <summary>A table with no upstreams.</summary>
    public static BalancerTable Empty { get; } = new(
        FrozenDictionary<string, UpstreamBalancer>.Empty, FrozenDictionary<string, UpstreamBalancer>.Empty);

    /// <summary>Every balancer of the table.</summary>
    public IReadOnlyCollection<UpstreamBalancer> All => _byId.Values;

    /// <summary>
    /// The balancer of the upstream named <paramref name="upstreamName"/> (a service's host, any case), or false when
    /// no upstream has that name and the host is to be resolved as a plain host name. One frozen dictionary look-up.
    /// </summary>
    public bool TryGet(string upstreamName, [MaybeNullWhen(false)] out UpstreamBalancer balancer) =>
        _byName.TryGetValue(upstreamName, out balancer);

    /// <summary>The balancer of the upstream with this id, or null.</summary>
    public UpstreamBalancer? FindById(string upstreamId) => _byId.GetValueOrDefault(upstreamId);

    /// <summary>
    /// Builds the balancers of <paramref name="data"/>, taking each target's state from <paramref name="previous"/>
    /// (a target new to its upstream, or back after a version without it, starts healthy, as in Kong). Throws, naming
    /// the upstream, when one cannot be built: the caller keeps the snapshot it has.
    /// </summary>
    public static BalancerTable Build(ConfigData data, BalancerTable previous, TimeProvider time)
    {
        var targetsByUpstream = data["targets"]
            .GroupBy(t => Json.ForeignId(t, "upstream") ?? "")
            .ToDictionary(g => g.Key, g => g.OrderBy(t => Targets.Seconds(t["created_at"])).ThenBy(t => Json.String(t, "id"), StringComparer.Ordinal).ToList());
        var byId = new Dictionary<string, UpstreamBalancer>(StringComparer.Ordinal);
        var byName = new Dictionary<string, UpstreamBalancer>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in data["upstreams"])
        {
            UpstreamBalancer balancer;
            try
            {
                balancer = BuildOne(row, targetsByUpstream, previous, time);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
            {
                throw Failure(row, e.Message, e);
            }

            if (!byName.TryAdd(balancer.Name, balancer))
            {
                throw Failure(row, $"its name is also upstream {byName[balancer.Name].Config.Id}'s (names are compared in any case)");
            }

            byId[balancer.Config.Id] = balancer;
        }

        return new BalancerTable(byId.ToFrozenDictionary(StringComparer.Ordinal), byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    private static UpstreamBalancer BuildOne(
        JsonObject row, Dictionary<string, List<JsonObject>> targetsByUpstream, BalancerTable previous, TimeProvider time)
    {
        var config = UpstreamConfig.Parse(row);

        // The states this upstream's targets had; two targets with one address share one, as they always did.
        var states = new Dictionary<string, TargetState>(StringComparer.Ordinal);
        foreach (var known in previous.FindById(config.Id)?.Targets ?? [])
        {
            states.TryAdd(known.Address, known.State);
        }

        var targets = new List<UpstreamTarget>();
        foreach (var target in targetsByUpstream.GetValueOrDefault(config.Id) ?? [])
        {
            if (Json.String(target, "target") is not { } address)
            {
                continue;
            }

            if (!states.TryGetValue(address, out var state))
            {
                states[address] = state = new TargetState();
            }

            targets.Add(new UpstreamTarget(
                Json.String(target, "id") ?? "", address, Json.Int(target, "weight", 100),
                (long)Targets.Seconds(target["created_at"]), state, config.Healthchecks.Enabled));
        }

        return new UpstreamBalancer(config, targets, time);
    }

    private static InvalidOperationException Failure(JsonObject row, string reason, Exception? inner = null) =>
        new($"upstream '{Json.String(row, "name") ?? "?"}' ({Json.String(row, "id") ?? "no id"}): {reason}", inner);
}
