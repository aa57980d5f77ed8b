using System.Reflection;
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
/// <remarks>
/// xunit 2.9.3 fixes Skip at discovery from the attribute on the method, and the contract's tests are the base class's
/// own [Fact]s, so a derived class cannot skip them (and xunit 2 has no dynamic skip: an exception carrying
/// "$XunitDynamicSkip$" fails the test). Xunit.SkippableFact is not among the served packages. So one
/// <see cref="CassandraFactAttribute"/> test runs every contract test method itself, and reports each failure by name.
/// </remarks>
public sealed class CassandraStoreContractTests
{
    [CassandraFact]
    public async Task ContractSuite_PassesOnCassandra()
    {
        var failures = new List<string>();
        var run = 0;
        foreach (var method in typeof(StoreContractTests).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var cases = method.GetCustomAttributes<InlineDataAttribute>().Select(d => d.GetData(method).First()).ToList();
            if (method.GetCustomAttribute<FactAttribute>() is null)
            {
                continue;
            }
            foreach (var arguments in cases.Count == 0 ? [[]] : cases)
            {
                run++;
                var suite = new Suite();
                try
                {
                    await suite.InitializeAsync();
                    if (method.Invoke(suite, arguments) is Task task)
                    {
                        await task;
                    }
                }
                catch (Exception e)
                {
                    var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                    failures.Add($"{method.Name}({string.Join(", ", arguments)}): {error.GetType().Name}: {error.Message}");
                }
                finally
                {
                    await suite.DisposeAsync();
                }
            }
        }

        Assert.True(run >= 32, $"only {run} contract tests found");
        Assert.True(failures.Count == 0, $"{failures.Count} of {run} contract tests failed:\n" + string.Join("\n", failures));
    }

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
