using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// Rows a plugin writes while it serves requests (oauth2's tokens and authorization codes, entities of its own with
/// unique fields to find them by): run-time data, not config. A row saved on one node is found on every node at once;
/// saving it neither moves the config version nor pushes anything. With a database the rows are in its tables (the
/// Admin API shows them); DB-less they live in the cluster's memory only. Get it from <see cref="PluginServices"/>.
/// Rows are shared: never modify one that was handed to you.
/// </summary>
public interface IRuntimeRowStore
{
    /// <summary>The row of <paramref name="entity"/> whose unique <paramref name="field"/> is <paramref name="value"/>; null when none or its ttl ran out.</summary>
    Task<JsonObject?> FindAsync(string entity, string field, string value);

    /// <summary>As <see cref="FindAsync"/>, and removes the row: a single-use row (a code) goes to one caller only.</summary>
    Task<JsonObject?> TakeAsync(string entity, string field, string value);

    /// <summary>
    /// Stores the row (complete: id, created_at, ttl), replacing <paramref name="replaces"/> (the same id) when given;
    /// false when the store refused it (the row it references was deleted meanwhile).
    /// </summary>
    Task<bool> SaveAsync(string entity, JsonObject row, JsonObject? replaces = null);

    /// <summary>Removes the row.</summary>
    Task DeleteAsync(string entity, JsonObject row);
}
