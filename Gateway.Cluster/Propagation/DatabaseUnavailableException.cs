namespace Gateway.Cluster.Propagation;

/// <summary>A write refused because the database did not answer; the Admin API turns it into a 503.</summary>
public sealed class DatabaseUnavailableException(string reason, Exception? inner = null)
    : Exception($"database unreachable: {reason}", inner);
