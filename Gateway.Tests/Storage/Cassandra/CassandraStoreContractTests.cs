using Gateway.Schema;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// The store contract suite on <see cref="CassandraConfigStore"/>, against the real Cassandra that
/// CASSANDRA_CONTACT_POINTS names, each contract test in a throw-away keyspace.
/// </summary>
/// <remarks>The contract runs through <see cref="ContractRunner"/>: see there why one fact runs it.</remarks>
public sealed class CassandraStoreContractTests
{
    [CassandraFact]
    public Task ContractSuite_PassesOnCassandra() => ContractRunner.RunAsync(() => new Suite(), atLeast: 32);

    [CassandraFact]
    public async Task Initialize_RunTwice_KeepsVersion()
    {
        var settings = Settings();
        await using (var first = new CassandraConfigStore(settings, TestSchemas.Registry, TimeProvider.System))
        {
            await first.InitializeAsync();
            await first.InsertAsync("services", new System.Text.Json.Nodes.JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "a", ["host"] = "example.com" });
        }
        await using var second = new CassandraConfigStore(settings, TestSchemas.Registry, TimeProvider.System);
        await second.InitializeAsync();

        Assert.Equal(1, await second.GetVersionAsync());
        await DropKeyspaceAsync(settings);
    }

    /// <summary>Settings on the CASSANDRA_CONTACT_POINTS cluster, with a fresh keyspace name.</summary>
    internal static CassandraSettings Settings() => new()
    {
        ContactPoints = Environment.GetEnvironmentVariable(CassandraFactAttribute.Variable)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Keyspace = $"test_{Guid.NewGuid():N}",
        Username = Environment.GetEnvironmentVariable("CASSANDRA_USERNAME"),
        Password = Environment.GetEnvironmentVariable("CASSANDRA_PASSWORD"),
        Timeout = TimeSpan.FromSeconds(10),
        SchemaConsensusTimeout = TimeSpan.FromSeconds(30),
    };

    internal static async Task DropKeyspaceAsync(CassandraSettings settings)
    {
        await using var cluster = new CqlCluster(settings.ClientOptions());
        await cluster.QueryAsync($"DROP KEYSPACE IF EXISTS {CassandraKeyspace.Quote(settings.Keyspace)}");
    }

    private sealed class Suite : StoreContractTests
    {
        private CassandraSettings? _settings;

        protected override Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time)
        {
            _settings = Settings();
            return Task.FromResult<IConfigStore>(new CassandraConfigStore(_settings, registry, time));
        }

        protected override Task CleanUpAsync() => _settings is null ? Task.CompletedTask : DropKeyspaceAsync(_settings);
    }
}
