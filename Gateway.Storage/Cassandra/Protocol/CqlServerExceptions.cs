namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>An ERROR response from the server (spec section 9); the message names the error and its details.</summary>
public class CqlServerException(int code, string kind, string serverMessage, string? details = null)
    : CqlException($"Cassandra {kind} (0x{code:X4}): {serverMessage}" + (details is null ? "" : $" [{details}]"))
{
    /// <summary>The protocol error code.</summary>
    public int Code { get; } = code;

    /// <summary>The server's own message.</summary>
    public string ServerMessage { get; } = serverMessage;
}

/// <summary>0x0000 Server error.</summary>
public sealed class CqlServerErrorException(string message) : CqlServerException(0x0000, "server error", message);

/// <summary>0x000A Protocol error (the server rejected our bytes).</summary>
public sealed class CqlServerProtocolErrorException(string message) : CqlServerException(0x000A, "protocol error", message);

/// <summary>0x0100 Bad credentials.</summary>
public sealed class CqlAuthenticationException(string message) : CqlServerException(0x0100, "authentication failed", message);

/// <summary>0x1000 Unavailable: not enough live replicas for the consistency level.</summary>
public sealed class CqlUnavailableException(string message, CqlConsistency consistency, int required, int alive)
    : CqlServerException(0x1000, "unavailable", message, $"consistency {CqlConsistencyNames.Name(consistency)}, {required} replicas required, {alive} alive")
{
    /// <summary>The consistency level of the request.</summary>
    public CqlConsistency Consistency { get; } = consistency;

    /// <summary>Replicas needed.</summary>
    public int Required { get; } = required;

    /// <summary>Replicas alive.</summary>
    public int Alive { get; } = alive;
}

/// <summary>0x1001 Overloaded.</summary>
public sealed class CqlOverloadedException(string message) : CqlServerException(0x1001, "coordinator overloaded", message);

/// <summary>0x1002 Is_bootstrapping.</summary>
public sealed class CqlBootstrappingException(string message) : CqlServerException(0x1002, "coordinator is bootstrapping", message);

/// <summary>0x1003 Truncate_error.</summary>
public sealed class CqlTruncateException(string message) : CqlServerException(0x1003, "truncate failed", message);

/// <summary>0x1100 Write_timeout.</summary>
public sealed class CqlWriteTimeoutException(string message, CqlConsistency consistency, int received, int blockFor, string writeType)
    : CqlServerException(0x1100, "write timeout", message, $"consistency {CqlConsistencyNames.Name(consistency)}, {received} of {blockFor} acknowledgements, write type {writeType}")
{
    /// <summary>The consistency level.</summary>
    public CqlConsistency Consistency { get; } = consistency;

    /// <summary>Acknowledgements received.</summary>
    public int Received { get; } = received;

    /// <summary>Acknowledgements required.</summary>
    public int BlockFor { get; } = blockFor;

    /// <summary>SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS, VIEW or CDC.</summary>
    public string WriteType { get; } = writeType;
}

/// <summary>0x1200 Read_timeout.</summary>
public sealed class CqlReadTimeoutException(string message, CqlConsistency consistency, int received, int blockFor, bool dataPresent)
    : CqlServerException(0x1200, "read timeout", message, $"consistency {CqlConsistencyNames.Name(consistency)}, {received} of {blockFor} responses, data {(dataPresent ? "present" : "not present")}")
{
    /// <summary>The consistency level.</summary>
    public CqlConsistency Consistency { get; } = consistency;

    /// <summary>Responses received.</summary>
    public int Received { get; } = received;

    /// <summary>Responses required.</summary>
    public int BlockFor { get; } = blockFor;

    /// <summary>Whether the replica asked for data responded.</summary>
    public bool DataPresent { get; } = dataPresent;
}

/// <summary>0x1300 Read_failure.</summary>
public sealed class CqlReadFailureException(string message, CqlConsistency consistency, int received, int blockFor, int failures, bool dataPresent)
    : CqlServerException(0x1300, "read failure", message, $"consistency {CqlConsistencyNames.Name(consistency)}, {received} of {blockFor} responses, {failures} replicas failed, data {(dataPresent ? "present" : "not present")}")
{
    /// <summary>Replicas that failed.</summary>
    public int Failures { get; } = failures;
}

/// <summary>0x1400 Function_failure.</summary>
public sealed class CqlFunctionFailureException(string message, string keyspace, string function, IReadOnlyList<string> argTypes)
    : CqlServerException(0x1400, "function failure", message, $"function {keyspace}.{function}({string.Join(", ", argTypes)})");

/// <summary>0x1500 Write_failure.</summary>
public sealed class CqlWriteFailureException(string message, CqlConsistency consistency, int received, int blockFor, int failures, string writeType)
    : CqlServerException(0x1500, "write failure", message, $"consistency {CqlConsistencyNames.Name(consistency)}, {received} of {blockFor} acknowledgements, {failures} replicas failed, write type {writeType}")
{
    /// <summary>Replicas that failed.</summary>
    public int Failures { get; } = failures;
}

/// <summary>0x2000 Syntax_error.</summary>
public sealed class CqlSyntaxException(string message) : CqlServerException(0x2000, "syntax error", message);

/// <summary>0x2100 Unauthorized.</summary>
public sealed class CqlUnauthorizedException(string message) : CqlServerException(0x2100, "unauthorized", message);

/// <summary>0x2200 Invalid.</summary>
public sealed class CqlInvalidQueryException(string message) : CqlServerException(0x2200, "invalid query", message);

/// <summary>0x2300 Config_error.</summary>
public sealed class CqlConfigErrorException(string message) : CqlServerException(0x2300, "configuration error", message);

/// <summary>0x2400 Already_exists: the keyspace, or the table when Table is not empty.</summary>
public sealed class CqlAlreadyExistsException(string message, string keyspace, string table)
    : CqlServerException(0x2400, "already exists", message, table.Length == 0 ? $"keyspace {keyspace}" : $"table {keyspace}.{table}")
{
    /// <summary>The keyspace.</summary>
    public string Keyspace { get; } = keyspace;

    /// <summary>The table, or "" when the keyspace exists.</summary>
    public string Table { get; } = table;
}

/// <summary>0x2500 Unprepared: the host does not know this prepared id.</summary>
public sealed class CqlUnpreparedException(string message, byte[] preparedId)
    : CqlServerException(0x2500, "unprepared statement", message, $"prepared id {Convert.ToHexStringLower(preparedId)}")
{
    /// <summary>The unknown prepared id.</summary>
    public byte[] PreparedId { get; } = preparedId;
}

/// <summary>An error code this client does not know.</summary>
public sealed class CqlUnknownServerException(int code, string message) : CqlServerException(code, "unknown error", message);
