using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// Cassandra could not serve a store call: no host answered, a request timed out, or too few replicas were alive for
/// cassandra_consistency. An <see cref="IOException"/>, so that callers which tell "the database is not there" apart
/// from errors in what was asked (the snapshot fallback, the Admin API's 503) treat it as they treat a lost socket.
/// </summary>
public sealed class CassandraUnavailableException(CqlException inner) : IOException(inner.Message, inner);
