using System.Globalization;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Cluster.Membership;

/// <summary>
/// cluster_membership = cassandra with a Cassandra that cannot be reached: the node starts without the cluster, says
/// why in one line naming the table and the host, serves, and stops cleanly while its silo is still trying. Runs
/// anywhere: the contact point is a loopback port nothing listens on.
/// </summary>
public sealed class CassandraMembershipStartupTests
{
    private const int SigTerm = 15;

    [Fact]
    public async Task Start_UnreachableContactPoint_StartsWithoutTheCluster_AndStops()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-cass-membership-").FullName;
        try
        {
            var settings = SettingsLoader.Load(CommandLine.Parse([.. Arguments(prefix, FreePorts.Next(), FreePorts.Next())]), new Dictionary<string, string>());

            // Before: the start threw a NodeStartException naming the table. A node must start while its membership table is down.
            var node = await GatewayNode.StartAsync(settings);
            await node.DisposeAsync();
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task Gateway_UnreachableContactPoint_ServesWithoutTheCluster_LogsOneLine_AndStopsOnSignal()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-cass-membership-").FullName;
        int port = FreePorts.Next(), status = FreePorts.Next();
        using var node = NodeProcess.Start(Arguments(prefix, port, status));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{status}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            // Before: the process exited non-zero with this reason as its one line. Now the node starts and logs it.
            await Eventually.HoldsAsync(
                async () =>
                {
                    Assert.False(node.Process.HasExited, $"exited: {string.Join('\n', node.Stderr)}");
                    try
                    {
                        return (await client.GetAsync("/status")).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "the node answers /status");
            var cluster = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/status"))!["cluster"]!;
            Assert.Equal(0, cluster["active"]!.GetValue<int>());
            var line = Assert.Single(node.Stdout, l => l.Contains("the membership table does not answer", StringComparison.Ordinal));
            Assert.Contains(
                "cluster_membership = cassandra: the membership table does not answer (cannot set up the membership table members.orleans_membership: ",
                line,
                StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{port} failed: Connection refused)", line, StringComparison.Ordinal);

            node.Signal(SigTerm);
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(10)), "still running 10 s after SIGTERM");
            Assert.Equal(0, node.Process.ExitCode);
            Assert.DoesNotContain(node.Stderr, l => l.Length > 0);
            Assert.DoesNotContain(node.Stdout, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
        finally
        {
            node.Dispose();
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static List<string> Arguments(string prefix, int cassandraPort, int statusPort)
    {
        var args = TestNode.Arguments(prefix, FreePorts.Next(), FreePorts.Next(), statusPort, FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        args.AddRange(
        [
            "--cluster_membership", "cassandra",
            "--cassandra_contact_points", "127.0.0.1",
            "--cassandra_port", cassandraPort.ToString(CultureInfo.InvariantCulture),
            "--cassandra_keyspace", "members",
        ]);
        return args;
    }
}
