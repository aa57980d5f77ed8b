namespace Gateway.Cluster.Propagation;

/// <summary>
/// What a writer grain answers. Store refusals travel as data rather than exceptions: their
/// details (a unique key as JSON) are rebuilt on the calling node into the store's own exception types.
/// </summary>
/// <param name="Applied">The store's boolean answer (false: update or delete found no row).</param>
/// <param name="Version">The config version after the write.</param>
/// <param name="Failure">Why the write was refused, or <see cref="ConfigWriteFailure.None"/>.</param>
/// <param name="Detail">The refusal's detail: the unique key's JSON, the foreign field, the referencing entity, or the database's message.</param>
/// <param name="DetailId">The id in a primary-key or foreign-key refusal.</param>
[GenerateSerializer, Immutable]
public sealed record ConfigWriteOutcome(
    [property: Id(0)] bool Applied,
    [property: Id(1)] long Version,
    [property: Id(2)] ConfigWriteFailure Failure = ConfigWriteFailure.None,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] string? DetailId = null);
