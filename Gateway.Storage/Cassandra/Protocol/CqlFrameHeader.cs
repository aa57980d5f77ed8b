using System.Buffers.Binary;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>The 9-byte v4 frame header: version, flags, stream (int16), opcode, body length (int32).</summary>
/// <param name="Version">0x04 for a request, 0x84 for a response (the direction bit is set).</param>
/// <param name="Flags">Frame flags (compression 0x01, tracing 0x02, custom payload 0x04, warning 0x08).</param>
/// <param name="Stream">Stream id; -1 for server events.</param>
/// <param name="Opcode">The message kind.</param>
/// <param name="Length">Length of the body that follows.</param>
public readonly record struct CqlFrameHeader(byte Version, byte Flags, short Stream, CqlOpcode Opcode, int Length)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 9;

    /// <summary>The request version byte of protocol v4.</summary>
    public const byte RequestVersion = 0x04;

    /// <summary>The response version byte of protocol v4.</summary>
    public const byte ResponseVersion = 0x84;

    /// <summary>Tracing flag: a response body starts with a tracing id.</summary>
    public const byte TracingFlag = 0x02;

    /// <summary>Custom payload flag: the body carries a [bytes map] after warnings.</summary>
    public const byte CustomPayloadFlag = 0x04;

    /// <summary>Warning flag: a response body carries a [string list] of warnings.</summary>
    public const byte WarningFlag = 0x08;

    /// <summary>Largest body the spec allows (256 MB).</summary>
    public const int MaxBodyLength = 256 * 1024 * 1024;

    /// <summary>Writes the header into the first 9 bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = Flags;
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], Stream);
        destination[4] = (byte)Opcode;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], Length);
    }

    /// <summary>Reads a header, checking the protocol version and the body length.</summary>
    public static CqlFrameHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new CqlProtocolException($"frame header needs {Size} bytes, got {source.Length}");
        }
        var version = source[0];
        if ((version & 0x7F) != RequestVersion)
        {
            throw new CqlProtocolException($"unsupported protocol version 0x{version:X2} in frame header (expected v4)");
        }
        var length = BinaryPrimitives.ReadInt32BigEndian(source[5..]);
        if (length < 0 || length > MaxBodyLength)
        {
            throw new CqlProtocolException($"frame body length {length} is out of range");
        }
        return new CqlFrameHeader(version, source[1], BinaryPrimitives.ReadInt16BigEndian(source[2..]), (CqlOpcode)source[4], length);
    }
}
