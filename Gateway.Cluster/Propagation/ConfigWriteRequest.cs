using System.Text.Json.Nodes;
using Gateway.Storage.Audit;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// One Admin API write, as it travels to the entity's writer grain. Immutable, so that a call to a grain on this silo
/// (the common case) hands the grain this very object, row included, with nothing copied; only a call that leaves the
/// silo serialises the row, as JSON text (see <see cref="Serialization.JsonObjectConverter"/>).
/// </summary>
/// <param name="Kind">Insert, update, upsert or delete.</param>
/// <param name="Entity">The entity type ("routes").</param>
/// <param name="Id">The entity's id.</param>
/// <param name="Row">The complete, validated row; null for a delete. Nobody changes it once sent.</param>
/// <param name="Stamp">The Admin API request it belongs to, for its audit records; null outside one.</param>
[GenerateSerializer, Immutable, Alias("Gateway.Cluster.Propagation.ConfigWriteRequest")]
public sealed record ConfigWriteRequest(
    [property: Id(0)] ConfigWriteKind Kind,
    [property: Id(1)] string Entity,
    [property: Id(2)] string Id,
    [property: Id(3)] JsonObject? Row,
    [property: Id(4)] AuditStamp? Stamp = null);
