using System.Globalization;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Cluster.Membership;

/// <summary>
/// cluster_membership = cassandra with a Cassandra that cannot be reached: start-up stops with one line naming the
/// table and the host. Runs anywhere: the contact point is a loopback port nothing listens on.
/// </summary>
public sealed class CassandraMembershipStartupTests
{
    [Fact]
    public async Task Start_UnreachableContactPoint_FailsWithOneLineReason()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-cass-membership-").FullName;
        var port = FreePorts.Next();
        try
        {
            var args = Arguments(prefix, port);
            var settings = SettingsLoader.Load(CommandLine.Parse([.. args]), new Dictionary<string, string>());

            var error = await Assert.ThrowsAsync<NodeStartException>(() => GatewayNode.StartAsync(settings));

            Assert.Equal(
                $"cluster_membership = cassandra: cannot set up the membership table members.orleans_membership: no Cassandra host available: "
                + $"127.0.0.1:{port}: connection to Cassandra host 127.0.0.1:{port} failed: Connection refused",
                error.Message);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public void Gateway_UnreachableContactPoint_ExitsNonZeroWithOneLine()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-cass-membership-").FullName;
        var port = FreePorts.Next();
        using var node = NodeProcess.Start(Arguments(prefix, port));
        try
        {
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.NotEqual(0, node.Process.ExitCode);
            var line = Assert.Single(node.Stderr, l => l.Length > 0);
            Assert.StartsWith("gateway: cluster_membership = cassandra: cannot set up the membership table members.orleans_membership: ", line);
            Assert.EndsWith($"127.0.0.1:{port} failed: Connection refused", line);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static List<string> Arguments(string prefix, int cassandraPort)
    {
        var args = TestNode.Arguments(prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
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
