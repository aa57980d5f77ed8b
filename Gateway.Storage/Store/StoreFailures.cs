using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Gateway.Storage.Store;

/// <summary>Tells "the database is not there" apart from every other failure.</summary>
public static class StoreFailures
{
    /// <summary>
    /// True for connection failures, timeouts and server shutdowns; false for errors in what was
    /// asked (a PostgreSQL error outside the connection classes). Every store's failures pass here: the
    /// Cassandra store reports an unreachable cluster as a <c>CassandraUnavailableException</c>, an
    /// <see cref="IOException"/>, having told them apart with its own client's errors.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        // Class 08: connection exceptions; 57P01..57P03: the server is shutting down or starting.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true,
        DbException db => db.IsTransient,
        SocketException or TimeoutException or IOException => true,
        _ => e.InnerException is { } inner && IsUnavailable(inner),
    };
}
