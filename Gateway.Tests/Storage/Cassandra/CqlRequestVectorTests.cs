using System.Text.Json.Nodes;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Section A of the vectors: every request frame the DataStax driver encoded is reproduced byte for byte from its inputs.</summary>
public sealed class CqlRequestVectorTests
{
    public static IEnumerable<object[]> RequestIds => CqlVectors.Ids("requests");

    [Theory]
    [MemberData(nameof(RequestIds))]
    public void Encoder_ReproducesDriverFrame(string id)
    {
        var vector = CqlVectors.Find("requests", id);
        var inputs = vector["inputs"]!.AsObject();
        var opcode = (CqlOpcode)(int)vector["opcode"]!;
        var body = opcode switch
        {
            CqlOpcode.Options => CqlRequests.Options(),
            CqlOpcode.Startup => CqlRequests.Startup(inputs["options"]!.AsObject().Select(o => KeyValuePair.Create(o.Key, (string)o.Value!))),
            CqlOpcode.AuthResponse => AuthResponse(inputs),
            CqlOpcode.Register => CqlRequests.Register(inputs["event_types"]!.AsArray().Select(e => (string)e!).ToList()),
            CqlOpcode.Query => CqlRequests.Query((string)inputs["query"]!, Parameters(inputs)),
            CqlOpcode.Prepare => CqlRequests.Prepare((string)inputs["query"]!),
            CqlOpcode.Execute => CqlRequests.Execute(Convert.FromHexString((string)inputs["prepared_id_hex"]!), Parameters(inputs)),
            CqlOpcode.Batch => Batch(inputs),
            _ => throw new NotSupportedException(opcode.ToString()),
        };
        var frame = CqlFrame.EncodeRequest((short)(int)vector["stream_id"]!, opcode, body);

        Assert.Equal((string)vector["body_hex"]!, CqlVectors.Hex(body));
        Assert.Equal((string)vector["frame_hex"]!, CqlVectors.Hex(frame));
    }

    [Fact]
    public void PlainSaslToken_MatchesDriverPlainTextAuthProvider()
    {
        var inputs = CqlVectors.Find("requests", "A3")["inputs"]!;

        var token = CqlRequests.PlainSaslToken((string)inputs["username"]!, (string)inputs["password"]!);

        Assert.Equal((string)inputs["token_hex"]!, CqlVectors.Hex(token));
    }

    private static byte[] AuthResponse(JsonObject inputs)
    {
        Assert.Equal("PLAIN", (string)inputs["mechanism"]!);
        return CqlRequests.AuthResponse(CqlRequests.PlainSaslToken((string)inputs["username"]!, (string)inputs["password"]!));
    }

    private static CqlQueryParameters Parameters(JsonObject inputs) => new()
    {
        Consistency = (CqlConsistency)(int)inputs["consistency_code"]!,
        Values = inputs["values"] is JsonArray values ? values.Select(v => Bind(v!.AsObject())).ToList() : null,
        PageSize = (int?)inputs["page_size"],
        PagingState = inputs["paging_state_hex"] is { } paging ? Convert.FromHexString((string)paging!) : null,
        SerialConsistency = inputs["serial_consistency_code"] is { } serial ? (CqlConsistency)(int)serial : null,
        DefaultTimestamp = (long?)inputs["default_timestamp_us"],
    };

    private static byte[] Batch(JsonObject inputs)
    {
        var entries = inputs["queries"]!.AsArray().Select(q =>
        {
            var values = q!["values"]!.AsArray().Select(v => Bind(v!.AsObject())).ToList();
            return (int)q["kind"]! == 1
                ? CqlBatchEntry.ForPrepared(Convert.FromHexString((string)q["prepared_id_hex"]!), values)
                : CqlBatchEntry.ForQuery((string)q["query"]!, values);
        }).ToList();
        return CqlRequests.Batch(
            (CqlBatchType)(int)inputs["batch_type_code"]!,
            entries,
            (CqlConsistency)(int)inputs["consistency_code"]!,
            inputs["serial_consistency_code"] is { } serial ? (CqlConsistency)(int)serial : null,
            (long?)inputs["default_timestamp_us"]);
    }

    // The value is serialized from its listed JSON value and type, then checked against the driver's own bytes.
    private static CqlValue Bind(JsonObject value)
    {
        var type = CqlType.Parse((string)value["cql_type"]!);
        var bound = CqlValue.Of(type, CqlVectors.ToClr(type, value["value"]));
        if (value["serialized_hex"] is { } expected)
        {
            Assert.Equal((string)expected!, CqlVectors.Hex(bound.Bytes!));
        }
        return bound;
    }
}
