using Gateway.Storage.Store;

namespace Gateway.Cluster.Propagation;

/// <summary>What a writer grain does for one write; also run in place when the grain cannot be reached.</summary>
public static class ConfigWriteApplier
{
    /// <summary>
    /// Applies the write to the store and, when it committed, pushes the committed version to every silo, this one
    /// included. A refusal comes back as the store's result, untouched.
    /// </summary>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public static async Task<StoreWriteResult> WriteAsync(IConfigStore store, IConfigPushClient push, ConfigWriteRequest request)
    {
        StoreWriteResult result;
        try
        {
            result = await ApplyAsync(store, request);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            // Once more: after a database restart the first call can meet a pooled connection the
            // server closed (the store then empties its pool). A failed call committed nothing.
            try
            {
                result = await ApplyAsync(store, request);
            }
            catch (Exception again) when (StoreFailures.IsUnavailable(again))
            {
                // Only the reason travels: the caller may be on another silo, and the driver's exception need not cross.
                throw new DatabaseUnavailableException(again.Message);
            }
        }

        if (result.Applied)
        {
            await push.NotifyAllAsync(result.Version, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        return result;
    }

    private static Task<StoreWriteResult> ApplyAsync(IConfigStore store, ConfigWriteRequest request) => request.Kind switch
    {
        ConfigWriteKind.Insert => store.InsertAsync(request.Entity, request.Row!, request.Stamp),
        ConfigWriteKind.Update => store.UpdateAsync(request.Entity, request.Row!, request.Stamp),
        ConfigWriteKind.Upsert => store.UpsertAsync(request.Entity, request.Row!, request.Stamp),
        _ => store.DeleteAsync(request.Entity, request.Id, request.Stamp),
    };
}
