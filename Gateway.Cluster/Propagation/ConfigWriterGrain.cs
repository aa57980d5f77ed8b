using System.Text.Json.Nodes;
using Gateway.Storage.Store;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// Applies the writes of one entity one at a time (a grain runs one call at a time), then pushes
/// the new version. It activates on the first caller's silo, so the common case, an operator
/// talking to one node, never leaves that node before the database.
/// </summary>
[PreferLocalPlacement]
public sealed class ConfigWriterGrain(ClusterStore cluster, IConfigPushClient push) : Grain, IConfigWriterGrain
{
    /// <inheritdoc/>
    public async Task<ConfigWriteOutcome> WriteAsync(ConfigWriteRequest request)
    {
        try
        {
            return await ApplyAsync(request);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Once more: after a database restart the first call can meet a pooled connection the
            // server closed (the store then empties its pool). A failed call committed nothing.
            try
            {
                return await ApplyAsync(request);
            }
            catch (Exception again) when (StoreFailures.IsUnavailable(again))
            {
                return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.DatabaseUnavailable, again.Message);
            }
        }
    }

    private async Task<ConfigWriteOutcome> ApplyAsync(ConfigWriteRequest request)
    {
        var store = cluster.Store;
        bool applied;
        try
        {
            var row = request.RowJson is null ? null : JsonNode.Parse(request.RowJson)!.AsObject();
            switch (request.Kind)
            {
                case ConfigWriteKind.Insert:
                    await store.InsertAsync(request.Entity, row!);
                    applied = true;
                    break;
                case ConfigWriteKind.Update:
                    applied = await store.UpdateAsync(request.Entity, row!);
                    break;
                case ConfigWriteKind.Upsert:
                    await store.UpsertAsync(request.Entity, row!);
                    applied = true;
                    break;
                default:
                    applied = await store.DeleteAsync(request.Entity, request.Id);
                    break;
            }
        }
        catch (PrimaryKeyViolationException e)
        {
            return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.PrimaryKey, null, e.Id);
        }
        catch (UniqueViolationException e)
        {
            return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.Unique, e.Key.ToJsonString());
        }
        catch (ForeignKeyViolationException e)
        {
            return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.ForeignKey, e.Field, e.Id);
        }
        catch (ReferencedByOthersException e)
        {
            return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.ReferencedByOthers, e.Child);
        }

        if (!applied)
        {
            return new ConfigWriteOutcome(false, 0);
        }

        // Read after the commit: at least this write's version, maybe a later one (also fine to announce).
        long version;
        try
        {
            version = await store.GetVersionAsync();
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Committed, but the database went away just after: the nodes' polls pick it up later.
            return new ConfigWriteOutcome(true, 0);
        }

        await push.NotifyAllAsync(version);
        return new ConfigWriteOutcome(true, version);
    }
}
