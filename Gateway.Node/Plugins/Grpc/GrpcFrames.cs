using System.Buffers.Binary;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// gRPC's length-prefixed messages (Kong's <c>grpc.frame</c> and <c>grpc.unframe</c>): a flags byte (0 for a
/// message, 0x80 for grpc-web's trailer frame), a big-endian 32-bit length, the payload.
/// </summary>
public static class GrpcFrames
{
    /// <summary>The flags of a message frame.</summary>
    public const byte Message = 0x00;

    /// <summary>The flags of grpc-web's trailer frame.</summary>
    public const byte Trailers = 0x80;

    private const int PrefixLength = 5;

    /// <summary>Appends one frame holding <paramref name="payload"/> to <paramref name="output"/>.</summary>
    public static void Write(Stream output, byte flags, ReadOnlySpan<byte> payload)
    {
        Span<byte> prefix = stackalloc byte[PrefixLength];
        prefix[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)payload.Length);
        output.Write(prefix);
        output.Write(payload);
    }

    /// <summary>One frame holding <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte flags, ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream(payload.Length + PrefixLength);
        Write(output, flags, payload);
        return output.ToArray();
    }

    /// <summary>
    /// Takes the first whole frame off <paramref name="body"/>; false when what is left is not a whole frame (a
    /// truncated prefix or payload), which the caller treats as the end.
    /// </summary>
    public static bool TryRead(ref ReadOnlyMemory<byte> body, out byte flags, out ReadOnlyMemory<byte> payload)
    {
        var span = body.Span;
        var length = span.Length < PrefixLength ? uint.MaxValue : BinaryPrimitives.ReadUInt32BigEndian(span[1..]);
        if (length > (uint)(span.Length - PrefixLength) || span.Length < PrefixLength)
        {
            flags = 0;
            payload = default;
            return false;
        }

        flags = span[0];
        payload = body.Slice(PrefixLength, (int)length);
        body = body[(PrefixLength + (int)length)..];
        return true;
    }
}
