namespace Gateway.Cluster.Consumers;

/// <summary>
/// One consumer or credential looked up by one field (<c>consumers/username/alice</c>,
/// <c>keyauth_credentials/key/abc</c>), activated from the store on demand and idle-collected like
/// any grain, so millions of consumers never sit in every node's memory at once.
/// </summary>
public interface IConsumerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The row as JSON (null when there is none), read from the store at config version
    /// <paramref name="atLeastVersion"/> or later: a caller that knows of a newer write never gets an older row.
    /// </summary>
    Task<string?> GetAsync(long atLeastVersion);
}
