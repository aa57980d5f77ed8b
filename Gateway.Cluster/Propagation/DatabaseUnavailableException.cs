namespace Gateway.Cluster.Propagation;

/// <summary>
/// A config write or read the database did not answer; the Admin API turns it into a 503. Serialisable, so that a
/// writer grain on another silo reports it as itself.
/// </summary>
[GenerateSerializer, Alias("Gateway.Cluster.Propagation.DatabaseUnavailableException")]
public sealed class DatabaseUnavailableException(string reason) : Exception($"database unreachable: {reason}");
