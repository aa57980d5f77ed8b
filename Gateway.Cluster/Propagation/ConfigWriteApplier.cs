using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Propagation;

/// <summary>What a writer grain does for one write; also run in place when the grain cannot be reached.</summary>
public static class ConfigWriteApplier
{
    /// <summary>Applies the write to the store, then pushes the new version to every silo; refusals come back as data.</summary>
    public static async Task<ConfigWriteOutcome> WriteAsync(IConfigStore store, IConfigPushClient push, ConfigWriteRequest request)
    {
        try
        {
            return await ApplyAsync(store, push, request);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Once more: after a database restart the first call can meet a pooled connection the
            // server closed (the store then empties its pool). A failed call committed nothing.
            try
            {
                return await ApplyAsync(store, push, request);
            }
            catch (Exception again) when (StoreFailures.IsUnavailable(again))
            {
                return new ConfigWriteOutcome(false, 0, ConfigWriteFailure.DatabaseUnavailable, again.Message);
            }
        }
    }

    private static async Task<ConfigWriteOutcome> ApplyAsync(IConfigStore store, IConfigPushClient push, ConfigWriteRequest request)
    {
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
