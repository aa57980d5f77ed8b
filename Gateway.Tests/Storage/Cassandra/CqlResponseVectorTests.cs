using System.Text;
using System.Text.Json.Nodes;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Section C of the vectors: every response frame decodes to exactly the values the DataStax driver decoded.</summary>
public sealed class CqlResponseVectorTests
{
    private static readonly Dictionary<string, Type> ErrorTypes = new()
    {
        ["UnavailableErrorMessage"] = typeof(CqlUnavailableException),
        ["WriteTimeoutErrorMessage"] = typeof(CqlWriteTimeoutException),
        ["ReadTimeoutErrorMessage"] = typeof(CqlReadTimeoutException),
        ["SyntaxException"] = typeof(CqlSyntaxException),
        ["UnauthorizedErrorMessage"] = typeof(CqlUnauthorizedException),
        ["InvalidRequestException"] = typeof(CqlInvalidQueryException),
        ["AlreadyExistsException"] = typeof(CqlAlreadyExistsException),
        ["PreparedQueryNotFound"] = typeof(CqlUnpreparedException),
        ["BadCredentials"] = typeof(CqlAuthenticationException),
        ["OverloadedErrorMessage"] = typeof(CqlOverloadedException),
    };

    public static IEnumerable<object[]> ResponseIds => CqlVectors.Ids("responses");

    [Theory]
    [MemberData(nameof(ResponseIds))]
    public void Decoder_GivesDriverDecodedValues(string id)
    {
        var vector = CqlVectors.Find("responses", id);
        var expected = vector["decoded"]!.AsObject();
        var frame = CqlFrame.Parse(Convert.FromHexString((string)vector["frame_hex"]!));
        CqlResultMetadata? known = null;
        if (vector["decode_context"]?["result_metadata_from"] is { } from)
        {
            var prepared = Decode(CqlVectors.Find("responses", (string)from!));
            known = Assert.IsType<CqlPreparedResult>(prepared).ResultMetadata;
        }

        var response = CqlResponseDecoder.Decode(frame, known);

        Assert.Equal((int)vector["stream_id"]!, frame.Header.Stream);
        Assert.Equal((int)vector["opcode"]!, (int)frame.Header.Opcode);
        Assert.Equal((int)vector["body_length"]!, frame.Header.Length);
        Assert.Equal(
            expected["warnings"]?.AsArray().Select(w => (string)w!).ToArray() ?? [],
            response.Warnings);
        Assert.Null(response.TracingId);
        Assert.Null(response.CustomPayload);
        switch (response)
        {
            case CqlReadyResponse:
                Assert.Equal("ReadyMessage", (string)expected["driver_class"]!);
                break;
            case CqlAuthenticateResponse authenticate:
                Assert.Equal((string)expected["authenticator"]!, authenticate.Authenticator);
                break;
            case CqlAuthSuccessResponse success:
                Assert.Equal((string)expected["token"]!, Encoding.UTF8.GetString(success.Token!));
                break;
            case CqlSupportedResponse supported:
                Assert.True(JsonNode.DeepEquals(expected["options"], new JsonObject(supported.Options.Select(o =>
                    KeyValuePair.Create(o.Key, (JsonNode?)new JsonArray(o.Value.Select(v => (JsonNode?)v).ToArray()))))));
                break;
            case CqlVoidResult:
                Assert.Equal("Void", (string)expected["kind_name"]!);
                break;
            case CqlSetKeyspaceResult keyspace:
                Assert.Equal((string)expected["keyspace"]!, keyspace.Keyspace);
                break;
            case CqlRowsResult rows:
                AssertRows(expected, rows);
                break;
            case CqlPreparedResult prepared:
                AssertPrepared(expected, prepared);
                break;
            case CqlSchemaChangeResult schema:
                AssertSchemaChange(expected["event"]!.AsObject(), schema.Change);
                break;
            case CqlErrorResponse error:
                AssertError(expected, error.Error);
                break;
            case CqlEventResponse evt:
                AssertEvent(expected, evt);
                break;
            default:
                Assert.Fail($"{id} decoded to unexpected {response.GetType().Name}");
                break;
        }
    }

    [Fact]
    public void Decoder_ErrorMessages_SayWhatFailed()
    {
        var unavailable = Error("C12a");
        var writeTimeout = Error("C12b");
        var alreadyExists = Error("C12g");
        var unprepared = Error("C12h");

        Assert.Equal("Cassandra unavailable (0x1000): Cannot achieve consistency level QUORUM [consistency QUORUM, 2 replicas required, 1 alive]", unavailable.Message);
        Assert.Equal("Cassandra write timeout (0x1100): Operation timed out - received only 0 responses. [consistency SERIAL, 0 of 2 acknowledgements, write type CAS]", writeTimeout.Message);
        Assert.Equal("Cassandra already exists (0x2400): Cannot add already existing table \"entities\" to keyspace \"gw\" [table gw.entities]", alreadyExists.Message);
        Assert.EndsWith("[prepared id cafebabe0123456789abcdef00112233]", unprepared.Message);
        Assert.StartsWith("Cassandra unprepared statement (0x2500): Prepared query with ID cafebabe", unprepared.Message);
    }

    private static CqlServerException Error(string id) =>
        Assert.IsType<CqlErrorResponse>(Decode(CqlVectors.Find("responses", id))).Error;

    private static CqlResponse Decode(JsonObject vector) =>
        CqlResponseDecoder.Decode(CqlFrame.Parse(Convert.FromHexString((string)vector["frame_hex"]!)));

    private static void AssertRows(JsonObject expected, CqlRowsResult rows)
    {
        Assert.Equal((bool)expected["metadata_in_frame"]!, !rows.Metadata.NoMetadata);
        Assert.Equal(Strings(expected["column_names"]), rows.Columns.Select(c => c.Name));
        Assert.Equal(Strings(expected["column_driver_types"]), rows.Columns.Select(c => c.Type.ToString()));
        if (expected["columns"] is JsonArray columns)
        {
            AssertColumns(columns, rows.Columns);
        }
        Assert.Equal((string?)expected["paging_state_hex"], rows.PagingState is null ? null : CqlVectors.Hex(rows.PagingState));
        var actual = new JsonArray(rows.Rows.Select(r => (JsonNode?)new JsonArray(r.Select(CqlVectors.ToJson).ToArray())).ToArray());
        Assert.True(JsonNode.DeepEquals(expected["rows"], actual), actual.ToJsonString());
    }

    private static void AssertPrepared(JsonObject expected, CqlPreparedResult prepared)
    {
        Assert.Equal((string)expected["query_id_hex"]!, CqlVectors.Hex(prepared.Id));
        Assert.Equal(expected["pk_indexes"]!.AsArray().Select(i => (int)i!), prepared.PartitionKeyIndexes);
        AssertColumns(expected["bind_columns"]!.AsArray(), prepared.BindColumns);
        if (expected["result_columns"] is JsonArray resultColumns)
        {
            Assert.False(prepared.ResultMetadata.NoMetadata);
            AssertColumns(resultColumns, prepared.ResultMetadata.Columns);
        }
        else
        {
            Assert.True(prepared.ResultMetadata.NoMetadata);
            Assert.Equal(0, prepared.ResultMetadata.ColumnCount);
        }
        Assert.Equal((string?)expected["result_paging_state_hex"], prepared.ResultMetadata.PagingState is { } p ? CqlVectors.Hex(p) : null);
    }

    private static void AssertColumns(JsonArray expected, IReadOnlyList<CqlColumn> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((string)expected[i]!["keyspace"]!, actual[i].Keyspace);
            Assert.Equal((string)expected[i]!["table"]!, actual[i].Table);
            Assert.Equal((string)expected[i]!["name"]!, actual[i].Name);
            Assert.Equal((string)expected[i]!["driver_type"]!, actual[i].Type.ToString());
        }
    }

    private static void AssertSchemaChange(JsonObject expected, CqlSchemaChange change)
    {
        Assert.Equal((string)expected["change_type"]!, change.ChangeType);
        Assert.Equal((string)expected["target_type"]!, change.Target);
        Assert.Equal((string)expected["keyspace"]!, change.Keyspace);
        Assert.Equal((string?)expected["table"] ?? "", change.Name);
    }

    private static void AssertError(JsonObject expected, CqlServerException error)
    {
        Assert.IsType(ErrorTypes[(string)expected["driver_class"]!], error);
        Assert.Equal((int)expected["error_code"]!, error.Code);
        Assert.Equal((string)expected["message"]!, error.ServerMessage);
        var info = expected["info"];
        switch (error)
        {
            case CqlUnavailableException e:
                Assert.Equal((int)info!["consistency"]!, (int)e.Consistency);
                Assert.Equal((int)info["required_replicas"]!, e.Required);
                Assert.Equal((int)info["alive_replicas"]!, e.Alive);
                break;
            case CqlWriteTimeoutException e:
                Assert.Equal((int)info!["consistency"]!, (int)e.Consistency);
                Assert.Equal((int)info["received_responses"]!, e.Received);
                Assert.Equal((int)info["required_responses"]!, e.BlockFor);
                Assert.Equal((string)info["write_type_name"]!, e.WriteType);
                break;
            case CqlReadTimeoutException e:
                Assert.Equal((int)info!["consistency"]!, (int)e.Consistency);
                Assert.Equal((int)info["received_responses"]!, e.Received);
                Assert.Equal((int)info["required_responses"]!, e.BlockFor);
                Assert.Equal((bool)info["data_retrieved"]!, e.DataPresent);
                break;
            case CqlAlreadyExistsException e:
                Assert.Equal((string)info!["keyspace"]!, e.Keyspace);
                Assert.Equal((string)info["table"]!, e.Table);
                break;
            case CqlUnpreparedException e:
                Assert.Equal((string)info!, CqlVectors.Hex(e.PreparedId));
                break;
            default:
                Assert.Null(info);
                break;
        }
    }

    private static void AssertEvent(JsonObject expected, CqlEventResponse evt)
    {
        Assert.Equal((string)expected["event_type"]!, evt.EventType);
        var args = expected["event_args"]!.AsObject();
        Assert.Equal((string)args["change_type"]!, evt.Change);
        if (args["address"] is JsonObject address)
        {
            Assert.Equal((string)address["ip"]!, evt.Address!.Address.ToString());
            Assert.Equal((int)address["port"]!, evt.Address.Port);
        }
        else
        {
            AssertSchemaChange(args, evt.SchemaChange!);
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!);
}
