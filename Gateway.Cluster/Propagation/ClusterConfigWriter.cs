using System.Text.Json.Nodes;
using Gateway.Cluster.Joining;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// How the Admin API writes config: through the cluster. Each write goes to its entity's writer grain (on this silo
/// unless another node wrote that entity first), which applies it on the store and pushes the committed version to
/// every silo, this one included; the answer comes once this node's snapshot has that version, so a write that
/// returned already routes here. The store's <see cref="StoreWriteResult"/> comes back as it is, refusals included.
/// Each write carries the audit stamp of the Admin API request making it (<see cref="AuditScope"/>).
/// Until this node's silo has joined the cluster (the <see cref="ClusterJoin"/> given, when the silo has one), writes are applied here.
/// </summary>
public sealed class ClusterConfigWriter(
    IGrainFactory grains, ClusterStore cluster, IConfigPushClient push, IConfigChangeListener listener, ILogger<ClusterConfigWriter> logger,
    ClusterJoin? join = null)
{
    /// <summary>Stores a new entity.</summary>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public Task<StoreWriteResult> InsertAsync(string entity, JsonObject row) => WriteAsync(new(ConfigWriteKind.Insert, entity, Id(row), row, AuditScope.Current));

    /// <summary>Replaces an existing entity.</summary>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public Task<StoreWriteResult> UpdateAsync(string entity, JsonObject row) => WriteAsync(new(ConfigWriteKind.Update, entity, Id(row), row, AuditScope.Current));

    /// <summary>Inserts or replaces the entity with the row's id.</summary>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public Task<StoreWriteResult> UpsertAsync(string entity, JsonObject row) => WriteAsync(new(ConfigWriteKind.Upsert, entity, Id(row), row, AuditScope.Current));

    /// <summary>Deletes an entity and what cascades from it.</summary>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public Task<StoreWriteResult> DeleteAsync(string entity, string id) => WriteAsync(new(ConfigWriteKind.Delete, entity, id, null, AuditScope.Current));

    private async Task<StoreWriteResult> WriteAsync(ConfigWriteRequest request)
    {
        StoreWriteResult result;
        if (join is { IsActive: false })
        {
            result = await ConfigWriteApplier.WriteAsync(cluster.Store, push, request);
        }
        else
        {
            try
            {
                result = (await grains.GetGrain<IConfigWriterGrain>($"{request.Entity}/{request.Id}").WriteAsync(request)).Value;
            }
            catch (Exception e) when (e is not (OperationCanceledException or DatabaseUnavailableException))
            {
                // The grain is out of reach (its silo just died, the directory is being rebuilt): apply the
                // write here. The store's own lock still serialises it with every other writer.
                logger.LogWarning("writer grain for {Entity}/{Id} unreachable, writing locally: {Reason}", request.Entity, request.Id, e.Message);
                result = await ConfigWriteApplier.WriteAsync(cluster.Store, push, request);
            }
        }

        if (result.Applied)
        {
            // The push of this version reaches this silo too and does the one refresh; wait for it.
            await listener.WaitForVersionAsync(result.Version);
        }

        return result;
    }

    private static string Id(JsonObject row) => row["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : "";
}
