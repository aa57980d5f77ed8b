namespace Gateway.Cluster.Consumers;

/// <summary>One row of the consumer cache as it is saved: the look-up (entity, field, value) and the row found, as JSON.</summary>
/// <param name="Entity">The entity looked up (<c>keyauth_credentials</c>).</param>
/// <param name="Field">The field looked up by (<c>key</c>; <c>@consumer</c> for a consumer's list of rows).</param>
/// <param name="Value">The value looked up.</param>
/// <param name="Json">The row as the store holds it (credentials as Kong stores them: basic-auth passwords hashed).</param>
public sealed record CachedConsumerRow(string Entity, string Field, string Value, string Json);
