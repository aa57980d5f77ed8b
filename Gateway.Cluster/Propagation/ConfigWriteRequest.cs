namespace Gateway.Cluster.Propagation;

/// <summary>One Admin API write, as it travels to the entity's writer grain.</summary>
/// <param name="Kind">Insert, update, upsert or delete.</param>
/// <param name="Entity">The entity type ("routes").</param>
/// <param name="Id">The entity's id.</param>
/// <param name="RowJson">The complete row as JSON; null for a delete.</param>
[GenerateSerializer, Immutable]
public sealed record ConfigWriteRequest(
    [property: Id(0)] ConfigWriteKind Kind,
    [property: Id(1)] string Entity,
    [property: Id(2)] string Id,
    [property: Id(3)] string? RowJson);
