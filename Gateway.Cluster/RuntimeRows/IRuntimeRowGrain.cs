namespace Gateway.Cluster.RuntimeRows;

/// <summary>
/// One run-time row (an oauth2 token or authorization code) looked up by one unique field, keyed as a consumer
/// grain is (<c>oauth2_tokens/access_token/…</c>, see <see cref="Consumers.ConsumerKey"/>). Its one activation in the
/// cluster is where every node finds the row, so a row written on one node is valid on all at once, and a single-use
/// row (a code) is taken by one caller only. With a database it reads through to the store and forgets nothing the
/// store keeps; DB-less its memory is the only copy, kept until the row expires.
/// </summary>
[Alias("gateway.runtime-row")]
public interface IRuntimeRowGrain : IGrainWithStringKey
{
    /// <summary>The live row as JSON, or null (none, or expired); read from the store at config version <paramref name="atLeastVersion"/> or later.</summary>
    [Alias("get")]
    Task<string?> GetAsync(long atLeastVersion);

    /// <summary>Sets what this key finds (the caller has stored it); null when it finds nothing any more.</summary>
    [Alias("set")]
    Task SetAsync(string? json);

    /// <summary>Answers the live row and removes it, from the store too: of callers racing for it, one gets it, the others null.</summary>
    [Alias("take")]
    Task<string?> TakeAsync(long atLeastVersion);
}
