using System.Text.Json.Nodes;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Section B of the vectors: every value is serialized byte for byte as the driver's cqltypes did, and reads back.</summary>
public sealed class CqlValueVectorTests
{
    public static IEnumerable<object[]> ValueIds => CqlVectors.Ids("values");

    [Theory]
    [MemberData(nameof(ValueIds))]
    public void Serialize_MatchesDriverBytes(string id)
    {
        var vector = CqlVectors.Find("values", id);
        var type = CqlType.Parse((string)vector["cql_type"]!);

        var bytes = CqlValueCodec.Serialize(type, CqlVectors.ToClr(type, vector["value"])!);

        Assert.Equal((string)vector["hex"]!, CqlVectors.Hex(bytes));
    }

    [Theory]
    [MemberData(nameof(ValueIds))]
    public void Deserialize_DriverBytes_GivesListedValue(string id)
    {
        var vector = CqlVectors.Find("values", id);
        var type = CqlType.Parse((string)vector["cql_type"]!);

        var value = CqlValueCodec.Deserialize(type, Convert.FromHexString((string)vector["hex"]!));

        Assert.True(JsonNode.DeepEquals(vector["value"], CqlVectors.ToJson(value)), $"{id}: {CqlVectors.ToJson(value)?.ToJsonString()}");
    }

    [Fact]
    public void Serialize_NaiveDateTime_IsTreatedAsUtc()
    {
        var bytes = CqlValueCodec.Serialize(CqlType.Timestamp, new DateTime(2023, 11, 14, 22, 13, 20, 123));

        Assert.Equal((string)CqlVectors.Find("values", "B17")["hex"]!, CqlVectors.Hex(bytes));
    }

    [Fact]
    public void Serialize_NonAsciiIntoAscii_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => CqlValueCodec.Serialize(CqlType.Ascii, "héllo"));

        Assert.Equal("ascii value contains a non-ASCII character: 'héllo'", error.Message);
    }

    [Fact]
    public void Serialize_WrongClrType_NamesBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => CqlValueCodec.Serialize(CqlType.Int, "7"));

        Assert.Equal("cannot serialize a String as CQL int", error.Message);
    }

    [Fact]
    public void Deserialize_IntOfWrongLength_IsProtocolError()
    {
        var error = Assert.Throws<CqlProtocolException>(() => CqlValueCodec.Deserialize(CqlType.Int, [1, 2]));

        Assert.Equal("CQL protocol violation: a int value must be 4 bytes, got 2", error.Message);
    }
}
