using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Cluster.Membership.Cassandra;
using Gateway.Storage.Cassandra.Store;
using Gateway.Tests.Storage.Cassandra;
using Gateway.Tests.Support;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Two gateway nodes with cluster_membership = cassandra and nothing else shared (each has its own SQLite store; no
/// PostgreSQL, no Redis), against the real Cassandra that CASSANDRA_CONTACT_POINTS names.
/// </summary>
public sealed class CassandraMembershipClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [CassandraFact]
    public async Task TwoNodes_SeeEachOtherActive_ThenTheStoppedOneDead()
    {
        var settings = CassandraStoreContractTests.Settings();
        var clusterId = $"membership-{Guid.NewGuid():N}";
        var arguments = NodeArguments(settings, clusterId);
        TestNode? a = null, b = null;
        await using var table = new CassandraMembershipTable(
            Options.Create(new ClusterOptions { ServiceId = clusterId, ClusterId = clusterId }),
            Options.Create(new CassandraClusteringOptions { Settings = settings }));
        try
        {
            a = await TestNode.StartAsync(arguments);
            b = await TestNode.StartAsync(arguments);

            foreach (var node in new[] { a, b })
            {
                await Eventually.HoldsAsync(async () => Statuses(await StatusAsync(node)) is ["active", "active"], Patience, "each node sees two active silos");
            }

            var joined = await table.ReadAll();
            Assert.Equal([SiloStatus.Active, SiloStatus.Active], joined.Members.Select(m => m.Item1.Status));
            Assert.True(joined.Version.Version >= 2, $"table version {joined.Version.Version} after two joins");

            await b.DisposeAsync();
            b = null;

            await Eventually.HoldsAsync(async () => Statuses(await StatusAsync(a)) is ["active", "dead"], Patience, "node A sees node B dead");
            var left = await table.ReadAll();
            Assert.Equal([SiloStatus.Active, SiloStatus.Dead], left.Members.Select(m => m.Item1.Status).Order());
            Assert.True(left.Version.Version > joined.Version.Version);
        }
        finally
        {
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            if (a is not null)
            {
                await a.DisposeAsync();
            }

            await CassandraStoreContractTests.DropKeyspaceAsync(settings);
        }
    }

    [CassandraFact]
    public async Task NodeStartedWhileCassandraIsUnreachable_ServesAndTakesWrites_ThenJoinsWhenItIsBack()
    {
        var settings = CassandraStoreContractTests.Settings();
        var clusterId = $"membership-{Guid.NewGuid():N}";
        var (host, port) = HostAndPort(settings.ContactPoints[0]);
        await using var relay = TcpRelay.Start(host, port ?? 9042);
        await relay.CutAsync();
        await using var backend = await Backend.StartAsync();
        await using var table = new CassandraMembershipTable(
            Options.Create(new ClusterOptions { ServiceId = clusterId, ClusterId = clusterId }),
            Options.Create(new CassandraClusteringOptions { Settings = settings }));
        TestNode? node = null;
        try
        {
            node = await TestNode.StartAsync(NodeArguments(settings with { ContactPoints = [$"127.0.0.1:{relay.Port}"] }, clusterId));
            Assert.Equal(0, (await StatusAsync(node))["cluster"]!["active"]!.GetValue<int>());

            // The config is in the node's own SQLite store: writes and proxying do not wait for the cluster.
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"svc","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
            Assert.Equal(201, (await node.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"paths":["/alone"]}""")).Status);
            using (var proxied = await node.Proxy.GetAsync("/alone"))
            {
                Assert.Equal(200, (int)proxied.StatusCode);
            }

            relay.Restore();
            await Eventually.HoldsAsync(async () => Statuses(await StatusAsync(node)) is ["active"], Patience, "the node joins once Cassandra answers");
            Assert.Equal([SiloStatus.Active], (await table.ReadAll()).Members.Select(m => m.Item1.Status));
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }

            await CassandraStoreContractTests.DropKeyspaceAsync(settings);
        }
    }

    private static async Task<JsonObject> StatusAsync(TestNode node) => JsonNode.Parse(await node.Status.GetStringAsync("/status"))!.AsObject();

    /// <summary>The members' statuses, sorted ("active" before "dead").</summary>
    private static string[] Statuses(JsonObject status) =>
        [.. status["cluster"]!["members"]!.AsArray().Select(m => m!["status"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Gateway settings for the test cluster. CASSANDRA_CONTACT_POINTS may carry ports ("host:port"); the gateway takes
    /// bare hosts and one cassandra_port, as Kong does.
    /// </summary>
    private static string[] NodeArguments(CassandraSettings settings, string clusterId)
    {
        var hosts = new List<string>();
        var port = 9042;
        foreach (var point in settings.ContactPoints)
        {
            var (host, parsed) = HostAndPort(point);
            hosts.Add(host);
            port = parsed ?? port;
        }

        List<string> arguments =
        [
            "--cluster_membership", "cassandra",
            "--cassandra_contact_points", string.Join(',', hosts),
            "--cassandra_port", port.ToString(CultureInfo.InvariantCulture),
            "--cassandra_keyspace", settings.Keyspace,
            "--cluster_id", clusterId,
            "--service_id", clusterId,
        ];
        if (settings.Password is { } password)
        {
            arguments.AddRange(["--cassandra_username", settings.Username ?? "cassandra", "--cassandra_password", password]);
        }

        return [.. arguments];
    }

    /// <summary>A contact point's host, and its port when it names one ("host:port"; a bare IPv6 address names none).</summary>
    private static (string Host, int? Port) HostAndPort(string point)
    {
        var colon = point.LastIndexOf(':');
        return colon > 0 && point.IndexOf(':') == colon && int.TryParse(point[(colon + 1)..], CultureInfo.InvariantCulture, out var port)
            ? (point[..colon], port)
            : (point.Trim('[', ']'), null);
    }
}
