using System.Collections.Concurrent;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Client;

/// <summary>A contact point: its connection, its reconnection backoff, and the statements prepared on it.</summary>
internal sealed class CqlHost(string address, int port)
{
    public string Address { get; } = address;

    public int Port { get; } = port;

    public string Name => $"{Address}:{Port}";

    public SemaphoreSlim ConnectLock { get; } = new(1, 1);

    public CqlConnection? Connection { get; set; }

    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset NextAttempt { get; set; } = DateTimeOffset.MinValue;

    public Exception? LastError { get; set; }

    /// <summary>Prepared statements by query text; a host forgets them when it restarts, so this is per host.</summary>
    public ConcurrentDictionary<string, CqlPreparedResult> Prepared { get; } = new(StringComparer.Ordinal);
}
