using System.Net.Sockets;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>Tells "Cassandra is not there" apart from errors in what was asked.</summary>
public static class CassandraFailures
{
    /// <summary>
    /// True when no host could be reached, a request or the replicas timed out, or too few replicas are alive;
    /// false for a refused statement (syntax, invalid query, unauthorized), which retrying elsewhere would not fix.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        CassandraUnavailableException => true,
        CqlNoHostAvailableException or CqlConnectionException or CqlRequestTimeoutException => true,
        CqlUnavailableException or CqlReadTimeoutException or CqlWriteTimeoutException => true,
        CqlOverloadedException or CqlBootstrappingException => true,
        SocketException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsUnavailable(inner),
    };
}
