namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>One whole frame: header and body.</summary>
/// <param name="Header">The header; its Length equals the body length.</param>
/// <param name="Body">The body bytes.</param>
public sealed record CqlFrame(CqlFrameHeader Header, ReadOnlyMemory<byte> Body)
{
    /// <summary>Builds a request frame (version 0x04, no flags) for a body.</summary>
    public static byte[] EncodeRequest(short stream, CqlOpcode opcode, ReadOnlySpan<byte> body) =>
        Encode(new CqlFrameHeader(CqlFrameHeader.RequestVersion, 0, stream, opcode, body.Length), body);

    /// <summary>Header followed by body, as sent on the wire.</summary>
    public static byte[] Encode(CqlFrameHeader header, ReadOnlySpan<byte> body)
    {
        var frame = new byte[CqlFrameHeader.Size + body.Length];
        (header with { Length = body.Length }).WriteTo(frame);
        body.CopyTo(frame.AsSpan(CqlFrameHeader.Size));
        return frame;
    }

    /// <summary>Parses a whole frame held in memory (tests and the fake server use this).</summary>
    public static CqlFrame Parse(ReadOnlyMemory<byte> bytes)
    {
        var header = CqlFrameHeader.Read(bytes.Span);
        if (bytes.Length - CqlFrameHeader.Size < header.Length)
        {
            throw new CqlProtocolException($"frame declares a {header.Length}-byte body but only {bytes.Length - CqlFrameHeader.Size} bytes follow");
        }
        return new CqlFrame(header, bytes.Slice(CqlFrameHeader.Size, header.Length));
    }
}
