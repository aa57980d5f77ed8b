using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Fuzz;

/// <summary>
/// The CQL v4 client's decoding of server bytes: <see cref="CqlFrame.Parse"/> and
/// <see cref="CqlResponseDecoder.Decode"/>. Bytes a server should not send are documented as
/// <see cref="CqlProtocolException"/>.
/// </summary>
internal static class CqlFrameHarness
{
    /// <summary>What a PREPARE answered, for Rows results that carry NO_METADATA.</summary>
    private static readonly CqlResultMetadata Prepared = new(
        3,
        [
            new CqlColumn("ks", "t", "name", CqlType.Text),
            new CqlColumn("ks", "t", "at", CqlType.Timestamp),
            new CqlColumn("ks", "t", "tags", CqlType.MapOf(CqlType.Text, CqlType.ListOf(CqlType.Uuid))),
        ],
        null,
        false);

    /// <summary>
    /// Input: a flags byte, an opcode byte, then the body, framed with the right length so the decoder
    /// sees every body; the raw input is also parsed as a whole frame, header checks included.
    /// </summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        Decode(input.ToArray());
        if (input.Length >= 2)
        {
            var header = new CqlFrameHeader(CqlFrameHeader.ResponseVersion, input[0], 1, (CqlOpcode)input[1], 0);
            Decode(CqlFrame.Encode(header, input[2..]));
        }
    }

    private static void Decode(byte[] bytes)
    {
        try
        {
            _ = CqlResponseDecoder.Decode(CqlFrame.Parse(bytes), Prepared);
        }
        catch (CqlProtocolException)
        {
            // The connection closes with a protocol error naming the host.
        }
    }
}
