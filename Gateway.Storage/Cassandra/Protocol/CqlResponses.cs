using System.Net;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>A decoded response; the frame-level extras (tracing id, warnings, custom payload) are on every kind.</summary>
public abstract record CqlResponse
{
    /// <summary>Warnings the server attached (flag 0x08).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Tracing session id (flag 0x02).</summary>
    public Guid? TracingId { get; init; }

    /// <summary>Custom payload (flag 0x04).</summary>
    public IReadOnlyDictionary<string, byte[]?>? CustomPayload { get; init; }
}

/// <summary>READY: the connection is ready for queries.</summary>
public sealed record CqlReadyResponse : CqlResponse;

/// <summary>AUTHENTICATE: the server wants SASL authentication with this authenticator class.</summary>
public sealed record CqlAuthenticateResponse(string Authenticator) : CqlResponse;

/// <summary>AUTH_CHALLENGE: another SASL round.</summary>
public sealed record CqlAuthChallengeResponse(byte[]? Token) : CqlResponse;

/// <summary>AUTH_SUCCESS: authentication is complete.</summary>
public sealed record CqlAuthSuccessResponse(byte[]? Token) : CqlResponse;

/// <summary>SUPPORTED: the STARTUP options the server accepts.</summary>
public sealed record CqlSupportedResponse(IReadOnlyDictionary<string, IReadOnlyList<string>> Options) : CqlResponse;

/// <summary>ERROR, as the exception it maps to.</summary>
public sealed record CqlErrorResponse(CqlServerException Error) : CqlResponse;

/// <summary>EVENT: a topology, status or schema change pushed on stream -1.</summary>
/// <param name="EventType">TOPOLOGY_CHANGE, STATUS_CHANGE or SCHEMA_CHANGE.</param>
/// <param name="Change">NEW_NODE, REMOVED_NODE, UP, DOWN; or the schema change type.</param>
/// <param name="Address">The node, for topology and status changes.</param>
/// <param name="SchemaChange">The change, for SCHEMA_CHANGE.</param>
public sealed record CqlEventResponse(string EventType, string Change, IPEndPoint? Address, CqlSchemaChange? SchemaChange) : CqlResponse;

/// <summary>RESULT Void.</summary>
public sealed record CqlVoidResult : CqlResponse;

/// <summary>RESULT Rows: metadata and rows of cells in column order (null for a null cell).</summary>
public sealed record CqlRowsResult(CqlResultMetadata Metadata, IReadOnlyList<CqlColumn> Columns, IReadOnlyList<object?[]> Rows) : CqlResponse
{
    /// <summary>State for the next page, or null on the last page.</summary>
    public byte[]? PagingState => Metadata.PagingState;

    /// <summary>Index of a column by name; -1 when absent.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>RESULT Set_keyspace.</summary>
public sealed record CqlSetKeyspaceResult(string Keyspace) : CqlResponse;

/// <summary>RESULT Prepared: the id, the bind variables and the metadata of the rows it will return.</summary>
public sealed record CqlPreparedResult(byte[] Id, IReadOnlyList<CqlColumn> BindColumns, IReadOnlyList<int> PartitionKeyIndexes, CqlResultMetadata ResultMetadata) : CqlResponse;

/// <summary>RESULT Schema_change.</summary>
public sealed record CqlSchemaChangeResult(CqlSchemaChange Change) : CqlResponse;
