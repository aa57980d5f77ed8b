using System.Text;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Byte layouts from doc/native_protocol_v4.spec for what the driver vectors do not cover.</summary>
public sealed class CqlSpecLayoutTests
{
    [Fact]
    public void Decode_TracingWarningAndCustomPayload_AreReadInSpecOrder()
    {
        // Section 2.2: tracing id [uuid] first, then the warnings [string list], then the custom payload [bytes map].
        var writer = new CqlWriter();
        var tracing = Guid.Parse("11223344-5566-7788-99aa-bbccddeeff00");
        writer.WriteUuid(tracing);
        writer.WriteStringList(["slow"]);
        writer.WriteShort(1);
        writer.WriteString("k");
        writer.WriteBytes([0xAB]);
        writer.WriteInt(1); // Void
        var flags = (byte)(CqlFrameHeader.TracingFlag | CqlFrameHeader.WarningFlag | CqlFrameHeader.CustomPayloadFlag);
        var bytes = CqlFrame.Encode(new CqlFrameHeader(CqlFrameHeader.ResponseVersion, flags, 3, CqlOpcode.Result, 0), writer.WrittenSpan);

        var response = CqlResponseDecoder.Decode(CqlFrame.Parse(bytes));

        Assert.IsType<CqlVoidResult>(response);
        Assert.Equal(tracing, response.TracingId);
        Assert.Equal(["slow"], response.Warnings);
        Assert.Equal([0xAB], response.CustomPayload!["k"]);
    }

    [Theory]
    [InlineData(0x0000, "Cassandra server error (0x0000): boom")]
    [InlineData(0x000A, "Cassandra protocol error (0x000A): boom")]
    [InlineData(0x1002, "Cassandra coordinator is bootstrapping (0x1002): boom")]
    [InlineData(0x1003, "Cassandra truncate failed (0x1003): boom")]
    [InlineData(0x2300, "Cassandra configuration error (0x2300): boom")]
    [InlineData(0x7777, "Cassandra unknown error (0x7777): boom")]
    public void Decode_ErrorsWithoutDetails_NameTheError(int code, string message)
    {
        var error = DecodeError(code, "boom", _ => { });

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Decode_ReadFailure_CarriesFailures()
    {
        var error = DecodeError(0x1300, "failed", w =>
        {
            w.WriteShort((ushort)CqlConsistency.Quorum);
            w.WriteInt(1);
            w.WriteInt(2);
            w.WriteInt(1);
            w.WriteByte(1);
        });

        Assert.Equal(1, Assert.IsType<CqlReadFailureException>(error).Failures);
        Assert.Equal("Cassandra read failure (0x1300): failed [consistency QUORUM, 1 of 2 responses, 1 replicas failed, data present]", error.Message);
    }

    [Fact]
    public void Decode_WriteFailure_CarriesWriteType()
    {
        var error = DecodeError(0x1500, "failed", w =>
        {
            w.WriteShort((ushort)CqlConsistency.LocalQuorum);
            w.WriteInt(0);
            w.WriteInt(2);
            w.WriteInt(2);
            w.WriteString("SIMPLE");
        });

        Assert.IsType<CqlWriteFailureException>(error);
        Assert.Equal("Cassandra write failure (0x1500): failed [consistency LOCAL_QUORUM, 0 of 2 acknowledgements, 2 replicas failed, write type SIMPLE]", error.Message);
    }

    [Fact]
    public void Decode_FunctionFailure_NamesTheFunction()
    {
        var error = DecodeError(0x1400, "udf threw", w =>
        {
            w.WriteString("gw");
            w.WriteString("f");
            w.WriteStringList(["int", "text"]);
        });

        Assert.IsType<CqlFunctionFailureException>(error);
        Assert.Equal("Cassandra function failure (0x1400): udf threw [function gw.f(int, text)]", error.Message);
    }

    [Fact]
    public void Decode_AlreadyExistsKeyspace_HasEmptyTable()
    {
        var error = DecodeError(0x2400, "exists", w =>
        {
            w.WriteString("gw");
            w.WriteString("");
        });

        Assert.Equal("Cassandra already exists (0x2400): exists [keyspace gw]", error.Message);
    }

    [Fact]
    public void Decode_AuthChallenge_ReadsToken()
    {
        var writer = new CqlWriter();
        writer.WriteBytes("abc"u8);
        var bytes = CqlFrame.Encode(new CqlFrameHeader(CqlFrameHeader.ResponseVersion, 0, 2, CqlOpcode.AuthChallenge, 0), writer.WrittenSpan);

        var challenge = Assert.IsType<CqlAuthChallengeResponse>(CqlResponseDecoder.Decode(CqlFrame.Parse(bytes)));

        Assert.Equal("abc", Encoding.UTF8.GetString(challenge.Token!));
    }

    [Fact]
    public void Decode_AuthSuccessNullToken_IsNull()
    {
        // Cassandra's PasswordAuthenticator sends [bytes] length -1; the vectors leave this frame out.
        var bytes = Convert.FromHexString("8400000210000000" + "04" + "ffffffff");

        var success = Assert.IsType<CqlAuthSuccessResponse>(CqlResponseDecoder.Decode(CqlFrame.Parse(bytes)));

        Assert.Null(success.Token);
    }

    [Fact]
    public void QueryParameters_SkipMetadata_SetsFlag0x02()
    {
        var body = CqlRequests.Execute([0x01], new CqlQueryParameters { Consistency = CqlConsistency.One, SkipMetadata = true });

        Assert.Equal("00010100010" + "2", CqlVectors.Hex(body));
    }

    [Fact]
    public void Header_WrongVersion_IsRejected()
    {
        var error = Assert.Throws<CqlProtocolException>(() => CqlFrameHeader.Read(Convert.FromHexString("830000010200000000")));

        Assert.Equal("CQL protocol violation: unsupported protocol version 0x83 in frame header (expected v4)", error.Message);
    }

    [Fact]
    public void Decode_TruncatedBody_IsProtocolError()
    {
        var error = Assert.Throws<CqlProtocolException>(() => CqlResponseDecoder.Decode(CqlFrame.Parse(Convert.FromHexString("84000001080000000200" + "00"))));

        Assert.Equal("CQL protocol violation: message truncated: needed 4 bytes at offset 0, 2 left", error.Message);
    }

    [Fact]
    public void Serialize_TimeuuidOfVersion4_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => CqlValueCodec.Serialize(CqlType.Timeuuid, Guid.Parse("7e7b7d1e-3e2a-4a1e-9c1a-2f1f0c9b1a11")));

        Assert.Equal("timeuuid must be a version 1 uuid, got version 4: 7e7b7d1e-3e2a-4a1e-9c1a-2f1f0c9b1a11", error.Message);
    }

    [Fact]
    public void Decode_MapWithNullValue_KeepsNull()
    {
        var writer = new CqlWriter();
        writer.WriteInt(1);
        writer.WriteBytes("k"u8);
        writer.WriteInt(-1);

        var map = Assert.IsType<Dictionary<object, object?>>(CqlValueCodec.Deserialize(CqlType.MapOf(CqlType.Text, CqlType.Text), writer.WrittenSpan));

        Assert.Null(map["k"]);
    }

    private static CqlServerException DecodeError(int code, string message, Action<CqlWriter> details)
    {
        var writer = new CqlWriter();
        writer.WriteInt(code);
        writer.WriteString(message);
        details(writer);
        var bytes = CqlFrame.Encode(new CqlFrameHeader(CqlFrameHeader.ResponseVersion, 0, 9, CqlOpcode.Error, 0), writer.WrittenSpan);
        return Assert.IsType<CqlErrorResponse>(CqlResponseDecoder.Decode(CqlFrame.Parse(bytes))).Error;
    }
}
