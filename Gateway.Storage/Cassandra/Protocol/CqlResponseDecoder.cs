namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Decodes response frames (spec section 4.2) into <see cref="CqlResponse"/> records.</summary>
public static class CqlResponseDecoder
{
    /// <summary>Decodes one response frame.</summary>
    /// <param name="frame">The frame (uncompressed).</param>
    /// <param name="knownMetadata">Result metadata from PREPARE, used when a Rows result carries NO_METADATA.</param>
    public static CqlResponse Decode(CqlFrame frame, CqlResultMetadata? knownMetadata = null)
    {
        if ((frame.Header.Version & 0x80) == 0)
        {
            throw new CqlProtocolException($"frame version 0x{frame.Header.Version:X2} is not a response");
        }
        if ((frame.Header.Flags & 0x01) != 0)
        {
            throw new CqlProtocolException("compressed frames are not supported (STARTUP never asks for compression)");
        }
        var reader = new CqlReader(frame.Body.Span);
        Guid? tracingId = (frame.Header.Flags & CqlFrameHeader.TracingFlag) != 0 ? reader.ReadUuid() : null;
        var warnings = (frame.Header.Flags & CqlFrameHeader.WarningFlag) != 0 ? reader.ReadStringList() : [];
        var payload = (frame.Header.Flags & CqlFrameHeader.CustomPayloadFlag) != 0 ? reader.ReadBytesMap() : null;
        CqlResponse response = frame.Header.Opcode switch
        {
            CqlOpcode.Error => new CqlErrorResponse(ReadError(ref reader)),
            CqlOpcode.Ready => new CqlReadyResponse(),
            CqlOpcode.Authenticate => new CqlAuthenticateResponse(reader.ReadString()),
            CqlOpcode.AuthChallenge => new CqlAuthChallengeResponse(reader.ReadBytes()),
            CqlOpcode.AuthSuccess => new CqlAuthSuccessResponse(reader.ReadBytes()),
            CqlOpcode.Supported => new CqlSupportedResponse(reader.ReadStringMultimap()),
            CqlOpcode.Result => ReadResult(ref reader, knownMetadata),
            CqlOpcode.Event => ReadEvent(ref reader),
            _ => throw new CqlProtocolException($"opcode 0x{(byte)frame.Header.Opcode:X2} is not a response"),
        };
        return response with { TracingId = tracingId, Warnings = warnings, CustomPayload = payload };
    }

    /// <summary>Reads an ERROR body into the exception for its code.</summary>
    public static CqlServerException ReadError(ref CqlReader reader)
    {
        var code = reader.ReadInt();
        var message = reader.ReadString();
        switch (code)
        {
            case 0x0000: return new CqlServerErrorException(message);
            case 0x000A: return new CqlServerProtocolErrorException(message);
            case 0x0100: return new CqlAuthenticationException(message);
            case 0x1000:
                var unavailableCl = (CqlConsistency)reader.ReadShort();
                var required = reader.ReadInt();
                return new CqlUnavailableException(message, unavailableCl, required, reader.ReadInt());
            case 0x1001: return new CqlOverloadedException(message);
            case 0x1002: return new CqlBootstrappingException(message);
            case 0x1003: return new CqlTruncateException(message);
            case 0x1100:
                {
                    var cl = (CqlConsistency)reader.ReadShort();
                    var received = reader.ReadInt();
                    var blockFor = reader.ReadInt();
                    return new CqlWriteTimeoutException(message, cl, received, blockFor, reader.ReadString());
                }
            case 0x1200:
                {
                    var cl = (CqlConsistency)reader.ReadShort();
                    var received = reader.ReadInt();
                    var blockFor = reader.ReadInt();
                    return new CqlReadTimeoutException(message, cl, received, blockFor, reader.ReadByte() != 0);
                }
            case 0x1300:
                {
                    var cl = (CqlConsistency)reader.ReadShort();
                    var received = reader.ReadInt();
                    var blockFor = reader.ReadInt();
                    var failures = reader.ReadInt();
                    return new CqlReadFailureException(message, cl, received, blockFor, failures, reader.ReadByte() != 0);
                }
            case 0x1400:
                {
                    var keyspace = reader.ReadString();
                    var function = reader.ReadString();
                    return new CqlFunctionFailureException(message, keyspace, function, reader.ReadStringList());
                }
            case 0x1500:
                {
                    var cl = (CqlConsistency)reader.ReadShort();
                    var received = reader.ReadInt();
                    var blockFor = reader.ReadInt();
                    var failures = reader.ReadInt();
                    return new CqlWriteFailureException(message, cl, received, blockFor, failures, reader.ReadString());
                }
            case 0x2000: return new CqlSyntaxException(message);
            case 0x2100: return new CqlUnauthorizedException(message);
            case 0x2200: return new CqlInvalidQueryException(message);
            case 0x2300: return new CqlConfigErrorException(message);
            case 0x2400:
                var existingKeyspace = reader.ReadString();
                return new CqlAlreadyExistsException(message, existingKeyspace, reader.ReadString());
            case 0x2500: return new CqlUnpreparedException(message, reader.ReadShortBytes());
            default: return new CqlUnknownServerException(code, message);
        }
    }

    private static CqlResponse ReadResult(ref CqlReader reader, CqlResultMetadata? knownMetadata)
    {
        var kind = reader.ReadInt();
        switch (kind)
        {
            case 0x0001:
                return new CqlVoidResult();
            case 0x0002:
                var metadata = CqlResultMetadata.Read(ref reader);
                var columns = metadata.NoMetadata
                    ? knownMetadata?.Columns ?? throw new CqlProtocolException("Rows result has NO_METADATA and no prepared metadata is known")
                    : metadata.Columns;
                if (columns.Count != metadata.ColumnCount)
                {
                    throw new CqlProtocolException($"Rows result has {metadata.ColumnCount} columns but the metadata describes {columns.Count}");
                }
                var rowCount = reader.ReadInt();

                // Every cell takes at least its 4-byte length: a count the body cannot hold is refused
                // before it becomes an allocation (or, with no columns, a loop) of that size.
                if ((long)rowCount * Math.Max(1, columns.Count) * 4 > reader.Remaining)
                {
                    throw new CqlProtocolException($"Rows result declares {rowCount} rows but only {reader.Remaining} bytes follow");
                }
                var rows = new List<object?[]>(Math.Max(0, rowCount));
                for (var r = 0; r < rowCount; r++)
                {
                    var row = new object?[columns.Count];
                    for (var c = 0; c < columns.Count; c++)
                    {
                        var length = reader.ReadInt();
                        row[c] = length < 0 ? null : CqlValueCodec.Deserialize(columns[c].Type, reader.ReadRaw(length));
                    }
                    rows.Add(row);
                }
                return new CqlRowsResult(metadata, columns, rows);
            case 0x0003:
                return new CqlSetKeyspaceResult(reader.ReadString());
            case 0x0004:
                var id = reader.ReadShortBytes();
                var flags = reader.ReadInt();
                var count = reader.ReadInt();
                var pkCount = reader.ReadInt();
                var pkIndexes = new List<int>(Math.Clamp(pkCount, 0, reader.Remaining / 2));
                for (var i = 0; i < pkCount; i++)
                {
                    pkIndexes.Add(reader.ReadShort());
                }
                var bindColumns = CqlResultMetadata.ReadColumns(ref reader, flags, count);
                return new CqlPreparedResult(id, bindColumns, pkIndexes, CqlResultMetadata.Read(ref reader));
            case 0x0005:
                return new CqlSchemaChangeResult(CqlSchemaChange.Read(ref reader));
            default:
                throw new CqlProtocolException($"unknown RESULT kind 0x{kind:X4}");
        }
    }

    private static CqlEventResponse ReadEvent(ref CqlReader reader)
    {
        var type = reader.ReadString();
        switch (type)
        {
            case "TOPOLOGY_CHANGE":
            case "STATUS_CHANGE":
                var change = reader.ReadString();
                return new CqlEventResponse(type, change, reader.ReadInet(), null);
            case "SCHEMA_CHANGE":
                var schemaChange = CqlSchemaChange.Read(ref reader);
                return new CqlEventResponse(type, schemaChange.ChangeType, null, schemaChange);
            default:
                throw new CqlProtocolException($"unknown event type '{type}'");
        }
    }
}
