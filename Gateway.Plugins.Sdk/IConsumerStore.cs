using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// Finds consumers and credentials, which are not part of the config snapshot (there may be millions).
/// The node answers from a local cache in front of the cluster's consumer grains, so a repeated
/// look-up makes no remote call.
/// </summary>
public interface IConsumerStore
{
    /// <summary>
    /// The row of <paramref name="entity"/> ("consumers", "keyauth_credentials", ...) whose
    /// <paramref name="field"/> ("id" for the primary key, or a unique field) equals <paramref name="value"/>;
    /// null when there is none. Rows are shared: never modify them.
    /// </summary>
    Task<JsonObject?> FindAsync(string entity, string field, string value);

    /// <summary>
    /// Every row of <paramref name="entity"/> ("acls") whose foreign field <paramref name="foreignField"/>
    /// ("consumer") references <paramref name="id"/>: a consumer's groups. Cached as a whole and dropped
    /// on any change of that entity. Rows are shared: never modify them.
    /// </summary>
    Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id);
}
