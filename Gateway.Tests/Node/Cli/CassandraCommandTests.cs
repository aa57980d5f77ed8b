using System.Globalization;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Cli;

/// <summary>
/// <c>gateway migrations bootstrap|up|list</c> and <c>start</c> with database = cassandra, run as the real executable:
/// against a contact point nobody listens on, and against <see cref="FakeMigrationsCassandra"/> (no Cassandra server
/// runs here; the same commands against a real one are covered by <see cref="CassandraNodeTests"/>).
/// </summary>
public sealed class CassandraCommandTests : IDisposable
{
    private readonly List<string> _prefixes = [];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var prefix in _prefixes.Where(Directory.Exists))
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task UnreachableContactPoint_MigrationsAndStart_FailWithOneLine()
    {
        var port = FreePorts.Next();

        var list = await RunAsync(port, "migrations", "list");
        var bootstrap = await RunAsync(port, "migrations", "bootstrap");
        var start = await RunAsync(port, StartArguments());

        var reason = $"no Cassandra host available: 127.0.0.1:{port}: connection to Cassandra host 127.0.0.1:{port} failed";
        Assert.Equal(1, list.ExitCode);
        Assert.Empty(list.Stdout);
        Assert.StartsWith($"gateway: cannot reach Cassandra at 127.0.0.1:{port}/gateway: {reason}", Assert.Single(list.Stderr));
        Assert.Equal(1, bootstrap.ExitCode);
        Assert.StartsWith($"gateway: cannot reach Cassandra at 127.0.0.1:{port}/gateway: {reason}", Assert.Single(bootstrap.Stderr));
        Assert.Equal(1, start.ExitCode);
        Assert.StartsWith($"gateway: cannot reach Cassandra at 127.0.0.1:{port}/gateway and there is no config snapshot in ", Assert.Single(start.Stderr));
        Assert.Contains(reason, start.Stderr[0]);
    }

    [Fact]
    public async Task FreshCluster_ListSays3_StartAndUpRefuse_BootstrapCreatesTheKeyspaceFromSettings_ThenListSays0()
    {
        await using var cassandra = FakeMigrationsCassandra.Start();

        var list = await RunAsync(cassandra.Port, "migrations", "list");
        Assert.Equal(3, list.ExitCode);
        Assert.Equal(
            ["executed migrations: (none)", "pending migrations: 000_base, 001_audit", "database needs bootstrap: run 'gateway migrations bootstrap'"],
            list.Stdout);

        var start = await RunAsync(cassandra.Port, StartArguments());
        Assert.Equal(1, start.ExitCode);
        Assert.Equal([$"gateway: the database (Cassandra at 127.0.0.1:{cassandra.Port}/gateway) is empty: run 'gateway migrations bootstrap'"], start.Stderr);

        var up = await RunAsync(cassandra.Port, "migrations", "up");
        Assert.Equal(1, up.ExitCode);
        Assert.Equal(["gateway: database is empty: run 'gateway migrations bootstrap' first"], up.Stderr);
        Assert.Empty(cassandra.Tables);

        var bootstrap = await RunAsync(
            cassandra.Port, "migrations", "bootstrap", "--cassandra_repl_strategy", "NetworkTopologyStrategy", "--cassandra_data_centers", "east:3,west:2");
        Assert.Equal(0, bootstrap.ExitCode);
        Assert.Equal(["database bootstrapped: 000_base, 001_audit"], bootstrap.Stdout);
        var queries = cassandra.Queries.ToList();
        Assert.Equal("""CREATE KEYSPACE IF NOT EXISTS "gateway" WITH replication = {'class': 'NetworkTopologyStrategy', 'east': 3, 'west': 2}""", queries[0]);
        // Each schema change is followed by the agreement poll before the next statement goes out.
        Assert.Equal("SELECT schema_version FROM system.local WHERE key='local'", queries[1]);
        Assert.Equal("SELECT peer, schema_version FROM system.peers", queries[2]);
        Assert.StartsWith("""CREATE TABLE IF NOT EXISTS "gateway".schema_migrations (""", queries[3]);
        Assert.Equal(
            ["audit_chain", "audit_objects", "audit_requests", "change_log", "config_version", "entities", "locks", "orleans_membership", "refs_by_target", "schema_migrations", "tags", "unique_keys"],
            cassandra.Tables);
        Assert.Equal(["000_base", "001_audit"], cassandra.Recorded);

        var again = await RunAsync(cassandra.Port, "migrations", "bootstrap");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["database is already bootstrapped"], again.Stdout);

        var current = await RunAsync(cassandra.Port, "migrations", "list");
        Assert.Equal(0, current.ExitCode);
        Assert.Equal(["executed migrations: 000_base, 001_audit", "pending migrations: (none)", "database is up to date"], current.Stdout);

        var upToDate = await RunAsync(cassandra.Port, "migrations", "up");
        Assert.Equal(0, upToDate.ExitCode);
        Assert.Equal(["database is up to date"], upToDate.Stdout);
    }

    [Fact]
    public async Task Credentials_WrongPasswordFailsWithTheServersReason_RightOneIsAccepted()
    {
        await using var cassandra = FakeMigrationsCassandra.Start(CqlRequests.PlainSaslToken("ops", "s3cret"));

        var wrong = await RunAsync(cassandra.Port, "migrations", "list", "--cassandra_username", "ops", "--cassandra_password", "nope");
        var none = await RunAsync(cassandra.Port, "migrations", "list");
        var right = await RunAsync(cassandra.Port, "migrations", "list", "--cassandra_username", "ops", "--cassandra_password", "s3cret");

        Assert.Equal(1, wrong.ExitCode);
        Assert.EndsWith("failed: Cassandra authentication failed (0x0100): Provided username and/or password are incorrect", Assert.Single(wrong.Stderr));
        Assert.Equal(1, none.ExitCode);
        Assert.EndsWith(
            "failed: the server requires authentication (org.apache.cassandra.auth.PasswordAuthenticator) but no username is configured",
            Assert.Single(none.Stderr));
        Assert.Equal(3, right.ExitCode);
    }

    [Fact]
    public async Task BadCassandraSetting_StopsMigrationsAndStartWithOneLine()
    {
        var port = FreePorts.Next();

        var list = await RunAsync(port, "migrations", "list", "--cassandra_consistency", "SERIAL");
        var start = await RunAsync(port, [.. StartArguments(), "--cassandra_keyspace", "my-keyspace"]);

        Assert.Equal(1, list.ExitCode);
        Assert.Equal(
            ["gateway: invalid value for cassandra_consistency (from --cassandra_consistency): 'SERIAL' is not one of ALL, EACH_QUORUM, QUORUM, LOCAL_QUORUM, ONE, TWO, THREE, LOCAL_ONE"],
            list.Stderr);
        Assert.Equal(1, start.ExitCode);
        Assert.Equal(
            ["gateway: invalid value for cassandra_keyspace (from --cassandra_keyspace): 'my-keyspace' is not a keyspace name (letters, digits and _, at most 48)"],
            start.Stderr);
    }

    private string[] StartArguments()
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"gateway-cassandra-{Guid.NewGuid():N}");
        _prefixes.Add(prefix);
        return [.. TestNode.Arguments(prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next()), "start"];
    }

    private static Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(int port, params string[] arguments) =>
        RunAsync(port, (IEnumerable<string>)arguments);

    private static Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(int port, IEnumerable<string> arguments) =>
        NodeProcess.RunAsync(arguments, new Dictionary<string, string>
        {
            ["GATEWAY_DATABASE"] = "cassandra",
            ["GATEWAY_CASSANDRA_CONTACT_POINTS"] = "127.0.0.1",
            ["GATEWAY_CASSANDRA_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        });
}
