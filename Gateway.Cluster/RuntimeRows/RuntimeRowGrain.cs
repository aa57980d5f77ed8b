using System.Text.Json.Nodes;
using Gateway.Cluster.Consumers;
using Gateway.Cluster.Propagation;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Cluster.RuntimeRows;

/// <summary>
/// Holds one run-time row. With a database (a store that is an <see cref="IRuntimeRowWriter"/>) the store is the truth:
/// the row is read on activation and again once a caller has seen a newer config version (an Admin API write may have
/// changed it). DB-less, the activation is the row's only copy: it is kept active until the row expires, and lost with
/// its silo.
/// </summary>
public sealed class RuntimeRowGrain(ClusterStore cluster, TimeProvider time) : Grain, IRuntimeRowGrain
{
    private bool _loaded;
    private long _version;
    private JsonObject? _row;

    private bool InMemory => cluster.Store is not IRuntimeRowWriter;

    /// <inheritdoc/>
    public async Task<string?> GetAsync(long atLeastVersion)
    {
        await LoadAsync(atLeastVersion);
        return Live()?.ToJsonString();
    }

    /// <inheritdoc/>
    public Task SetAsync(string? json)
    {
        _row = json is null ? null : JsonNode.Parse(json)!.AsObject();
        _loaded = true;
        KeepWhileLive();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<string?> TakeAsync(long atLeastVersion)
    {
        await LoadAsync(atLeastVersion);
        var row = Live();
        _row = null;
        if (row is null)
        {
            return null;
        }

        // Another holder of the same row (a node that could not reach this grain) may have deleted it first.
        if (cluster.Store is IRuntimeRowWriter writer)
        {
            var (entity, _, _) = ConsumerKey.Parse(this.GetPrimaryKeyString());
            if (!(await writer.DeleteRuntimeAsync(entity, row["id"]!.GetValue<string>())).Applied)
            {
                return null;
            }
        }

        return row.ToJsonString();
    }

    private async Task LoadAsync(long atLeastVersion)
    {
        if (_loaded && (InMemory || _version >= atLeastVersion))
        {
            return;
        }

        // DB-less this reads the declarative file's rows, once; with a database, the version first, as ConsumerGrain does.
        var (entity, field, value) = ConsumerKey.Parse(this.GetPrimaryKeyString());
        var version = await cluster.Store.GetVersionAsync();
        _row = field == "id" ? await cluster.Store.GetAsync(entity, value) : await cluster.Store.GetByFieldAsync(entity, field, value);
        _version = Math.Max(version, atLeastVersion);
        _loaded = true;
        KeepWhileLive();
    }

    /// <summary>The row unless its ttl ran out.</summary>
    private JsonObject? Live() =>
        _row is not null && TtlOption.ExpiresAt(_row) is { } expires && expires <= time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 ? null : _row;

    /// <summary>DB-less, the activation is the row: keep it until the row expires (a row without ttl, as long as Kong's longest ttl).</summary>
    private void KeepWhileLive()
    {
        if (!InMemory || Live() is not { } row)
        {
            return;
        }

        var left = TtlOption.ExpiresAt(row) is { } expires ? expires - (time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0) : TtlOption.Max;
        this.DelayDeactivation(TimeSpan.FromSeconds(Math.Max(1, left)));
    }
}
