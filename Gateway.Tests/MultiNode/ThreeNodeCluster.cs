using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Three node processes (A, B, C) on a fresh PostgreSQL database with PostgreSQL membership, shared by
/// the tests of one class (starting them costs seconds). The poll is 60 s: what arrives sooner was pushed.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private readonly List<ClusterNode> _nodes = [];

    /// <summary>The nodes, A first.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The database they share.</summary>
    public PostgresSettings Database { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Database = await PostgresTestDatabase.CreateDatabaseAsync();
        await using (var dataSource = Database.CreateDataSource())
        {
            await PostgresMigrations.UpAsync(dataSource);
        }

        var clusterId = $"three{Guid.NewGuid():N}";
        foreach (var name in new[] { "A", "B", "C" })
        {
            _nodes.Add(await ClusterNode.StartAsync(name, Database, "postgres", clusterId));
        }

        foreach (var node in _nodes)
        {
            await Eventually.HoldsAsync(async () => await node.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(30), $"{node.Name} sees 3 active silos");
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        await PostgresTestDatabase.DropDatabaseAsync(Database.Database);
    }
}
