namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Base of every Cassandra client error.</summary>
public abstract class CqlException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The bytes on the wire do not follow protocol v4 (client-side decoding failed).</summary>
public sealed class CqlProtocolException(string message) : CqlException($"CQL protocol violation: {message}");

/// <summary>A request got no response within its timeout.</summary>
public sealed class CqlRequestTimeoutException(string host, TimeSpan timeout, CqlOpcode opcode)
    : CqlException($"{opcode} request to {host} got no response within {timeout.TotalMilliseconds:0} ms")
{
    /// <summary>The host the request went to.</summary>
    public string Host { get; } = host;
}

/// <summary>The connection to a host failed or was closed while requests were in flight.</summary>
public sealed class CqlConnectionException(string host, string reason, Exception? inner = null)
    : CqlException($"connection to Cassandra host {host} failed: {reason}", inner)
{
    /// <summary>The host.</summary>
    public string Host { get; } = host;
}

/// <summary>No contact point could take the request; lists what each one answered.</summary>
public sealed class CqlNoHostAvailableException(IReadOnlyDictionary<string, Exception> errors)
    : CqlException("no Cassandra host available: " + (errors.Count == 0
        ? "no contact points"
        : string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value.Message}"))))
{
    /// <summary>The last error seen for each host tried.</summary>
    public IReadOnlyDictionary<string, Exception> Errors { get; } = errors;
}

/// <summary>Schema agreement was not reached in time after DDL.</summary>
public sealed class CqlSchemaAgreementException(TimeSpan waited, IReadOnlyCollection<Guid> versions)
    : CqlException($"schema agreement not reached after {waited.TotalMilliseconds:0} ms; schema versions: {string.Join(", ", versions)}");
