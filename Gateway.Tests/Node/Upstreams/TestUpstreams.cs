using System.Text.Json.Nodes;
using Gateway.Node.Upstreams;
using Gateway.Storage.Snapshot;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>Upstream and target rows given in code, and balancers built from them.</summary>
internal static class TestUpstreams
{
    public const string UpstreamId = "0b7d6ad7-0000-4000-8000-000000000001";

    /// <summary>The id of a second upstream, or of the row <see cref="Nameless"/> gives.</summary>
    public const string OtherUpstreamId = "0b7d6ad7-0000-4000-8000-000000000002";

    /// <summary>An upstream row: Kong's defaults apply to every field <paramref name="extra"/> leaves out.</summary>
    public static JsonObject Upstream(string extra = "", string id = UpstreamId, string name = "backend.test") =>
        JsonNode.Parse($$"""{"id":"{{id}}","name":"{{name}}"{{(extra.Length > 0 ? "," + extra : "")}}}""")!.AsObject();

    /// <summary>An upstream row no balancer can be built from: it has no name.</summary>
    public static JsonObject Nameless() => new() { ["id"] = OtherUpstreamId };

    /// <summary>Target rows: "host:port" or "host:port=weight", created in the given order.</summary>
    public static JsonObject[] Targets(params string[] targets) => TargetsOf(UpstreamId, targets);

    public static JsonObject[] TargetsOf(string upstreamId, params string[] targets) =>
        [.. targets.Select((t, i) =>
        {
            var parts = t.Split('=');
            return new JsonObject
            {
                ["id"] = $"00000000-0000-4000-8000-{i + 1:D12}",
                ["target"] = parts[0],
                ["weight"] = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 100,
                ["upstream"] = new JsonObject { ["id"] = upstreamId },
                ["created_at"] = 1_700_000_000_000L + i,
            };
        })];

    public static ConfigData Data(long version, JsonObject upstream, JsonObject[] targets) =>
        Data(version, [upstream], targets);

    public static ConfigData Data(long version, JsonObject[] upstreams, JsonObject[] targets) =>
        new(version, new Dictionary<string, IReadOnlyList<JsonObject>> { ["upstreams"] = upstreams, ["targets"] = targets });

    /// <summary>The balancer of one upstream, built as a first snapshot builds it.</summary>
    public static UpstreamBalancer Balancer(JsonObject upstream, JsonObject[] targets, TimeProvider? time = null)
    {
        var table = BalancerTable.Build(Data(1, upstream, targets), BalancerTable.Empty, time ?? TimeProvider.System);
        Assert.True(table.TryGet(upstream["name"]!.GetValue<string>(), out var balancer));
        return balancer;
    }

    /// <summary>Picks <paramref name="count"/> times, completing each pick at once, and counts targets.</summary>
    public static Dictionary<string, int> Distribution(UpstreamBalancer balancer, int count, Func<int, BalancerRequest>? request = null)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var target = balancer.Pick(request?.Invoke(i) ?? new BalancerRequest());
            Assert.NotNull(target);
            counts[target.Address] = counts.GetValueOrDefault(target.Address) + 1;
            balancer.Complete(target, RequestOutcome.Response(200, TimeSpan.FromMilliseconds(1)));
        }

        return counts;
    }
}
