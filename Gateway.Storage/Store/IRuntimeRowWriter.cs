using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>
/// Writes of rows the proxy makes while serving (oauth2's tokens and authorization codes): run-time data, not config.
/// They are checked as any write is (unique keys, references) and land in the same tables, so the Admin API and an
/// export see them, but they bump no config version, log no change and write no audit record: issuing a token
/// pushes nothing to the cluster. A store that keeps no such rows (declarative) does not implement it.
/// </summary>
public interface IRuntimeRowWriter
{
    /// <summary>Stores or replaces the row with the row's id; refused as an upsert is (a reference gone, a unique key taken).</summary>
    Task<StoreWriteResult> PutRuntimeAsync(string entity, JsonObject row, CancellationToken cancellationToken = default);

    /// <summary>Deletes the row (and what cascades from it); <see cref="StoreWriteResult.Applied"/> only for the call that removed it.</summary>
    Task<StoreWriteResult> DeleteRuntimeAsync(string entity, string id, CancellationToken cancellationToken = default);
}
