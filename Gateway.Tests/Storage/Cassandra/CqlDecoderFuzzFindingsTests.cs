using System.Buffers.Binary;
using System.Text;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// Server bytes the CQL frame fuzz harness (infra/fuzz) found escaping the decoder as something other than
/// <see cref="CqlProtocolException"/> (which the connection turns into the request's error), kept as regressions.
/// </summary>
public sealed class CqlDecoderFuzzFindingsTests
{
    private static readonly byte[] OneTimestampColumn =
        [.. Int(0x01), .. Int(1), .. Str("ks"), .. Str("t"), .. Str("at"), 0x00, 0x0B];

    [Fact]
    public void Rows_TimestampPastYear9999_IsAProtocolError()
    {
        // The fuzzer's find: 0x0068_00E5_0100_CF8B ms, which DateTimeOffset refuses with ArgumentOutOfRangeException.
        var body = Rows(OneTimestampColumn, rowCount: 1, [.. Int(8), 0x00, 0x68, 0x00, 0xE5, 0x01, 0x00, 0xCF, 0x8B]);

        var error = Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, body));

        Assert.Contains("outside years 1 to 9999", error.Message);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1_000_000)]
    public void Rows_CountTheBodyCannotHold_IsAProtocolError_NotAnAllocation(int rowCount)
    {
        var error = Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, Rows(OneTimestampColumn, rowCount, [])));

        Assert.Contains($"declares {rowCount} rows", error.Message);
    }

    [Fact]
    public void Rows_ListCountPastTheCell_IsAProtocolError_NotAnAllocation()
    {
        byte[] listOfInt = [.. Int(0x01), .. Int(1), .. Str("ks"), .. Str("t"), .. Str("l"), 0x00, 0x20, 0x00, 0x09];

        Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, Rows(listOfInt, 1, [.. Int(4), .. Int(int.MaxValue)])));
    }

    [Fact]
    public void Rows_ColumnCountPastTheBody_IsAProtocolError_NotAnAllocation()
    {
        Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, [.. Int(2), .. Int(0), .. Int(int.MaxValue)]));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Prepared_PrimaryKeyCountOutOfRange_IsAProtocolError(int pkCount)
    {
        byte[] body = [.. Int(4), .. Str("id"), .. Int(0), .. Int(0), .. Int(pkCount)];

        Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, body));
    }

    [Fact]
    public void Event_InetPortOutOfRange_IsAProtocolError()
    {
        byte[] body = [.. Str("STATUS_CHANGE"), .. Str("UP"), 4, 127, 0, 0, 1, .. Int(70_000)];

        var error = Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Event, body));

        Assert.Contains("port 70000", error.Message);
    }

    [Fact]
    public void Rows_TypeNestedThousandsDeep_IsAProtocolError_NotAStackOverflow()
    {
        // list<list<...<int>...>>: two bytes a level, so a 256 MiB frame could nest far past any stack.
        var nested = Enumerable.Repeat<byte[]>([0x00, 0x20], 100_000).SelectMany(b => b).Concat(new byte[] { 0x00, 0x09 });
        byte[] metadata = [.. Int(0x01), .. Int(1), .. Str("ks"), .. Str("t"), .. Str("deep"), .. nested];

        var error = Assert.Throws<CqlProtocolException>(() => Decode(CqlOpcode.Result, Rows(metadata, 0, [])));

        Assert.Contains("nests deeper than", error.Message);
    }

    private static CqlResponse Decode(CqlOpcode opcode, byte[] body) =>
        CqlResponseDecoder.Decode(CqlFrame.Parse(CqlFrame.Encode(new CqlFrameHeader(CqlFrameHeader.ResponseVersion, 0, 1, opcode, 0), body)));

    private static byte[] Rows(byte[] metadata, int rowCount, byte[] cells) => [.. Int(2), .. metadata, .. Int(rowCount), .. cells];

    private static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Str(string value)
    {
        var text = Encoding.UTF8.GetBytes(value);
        return [(byte)(text.Length >> 8), (byte)text.Length, .. text];
    }
}
