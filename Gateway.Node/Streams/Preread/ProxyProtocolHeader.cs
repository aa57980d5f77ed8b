using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Node.Streams.Preread;

/// <summary>
/// A PROXY protocol header (haproxy's proxy-protocol.txt, versions 1 and 2) sent by a load balancer ahead of the
/// client's bytes: the client's address as the balancer saw it, and the address the client connected to.
/// </summary>
/// <param name="Source">The client's address; null for v1 <c>UNKNOWN</c>, v2 <c>LOCAL</c>, or a family with no IP
/// endpoint (v2 <c>UNSPEC</c>, <c>UNIX</c>), where the spec says to use the connection's own addresses.</param>
/// <param name="Destination">The address the client connected to; null exactly when <paramref name="Source"/> is.</param>
public sealed record ProxyProtocolHeader(IPEndPoint? Source, IPEndPoint? Destination)
{
    /// <summary>
    /// The most bytes <see cref="TryParse"/> ever needs: a v2 header with the largest address block (AF_UNIX, 216 bytes)
    /// and up to 2 KiB of TLVs (v1 is at most 107 bytes). Longer v2 headers are Invalid.
    /// </summary>
    public const int MaxLength = V2HeaderLength + UnixAddressLength + MaxTlvLength;

    // The longest v1 header the spec allows, CRLF included.
    private const int V1MaxLength = 107;

    private const int V2HeaderLength = 16;
    private const int UnixAddressLength = 216;
    private const int MaxTlvLength = 2048;
    private const int TlvHeaderLength = 3;

    // Immutable, so the many headers without addresses (health checks send LOCAL) share one.
    private static readonly ProxyProtocolHeader Unaddressed = new(null, null);

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// Parses the PROXY header at the start of <paramref name="data"/>; the bytes after it are the client's.
    /// Either signature is recognised from its first byte, anything else is Invalid at once.
    /// </summary>
    /// <param name="data">The bytes received so far.</param>
    /// <param name="header">The header when Complete, otherwise null.</param>
    /// <param name="length">The header's length in bytes when Complete (skip it), otherwise 0.</param>
    /// <param name="error">A short reason when Invalid, otherwise null.</param>
    /// <returns>Complete, NeedMore when <paramref name="data"/> is a valid prefix, or Invalid.</returns>
    public static PrereadStatus TryParse(ReadOnlySpan<byte> data, out ProxyProtocolHeader? header, out int length, out string? error)
    {
        header = null;
        length = 0;
        error = null;
        if (data.IsEmpty)
        {
            return PrereadStatus.NeedMore;
        }
        var status = data[0] == V1Prefix[0]
            ? ParseV1(data, out header, out length, out error)
            : data[0] == V2Signature[0]
                ? ParseV2(data, out header, out length, out error)
                : Fail("not a PROXY protocol header", out error);
        if (status != PrereadStatus.Complete)
        {
            header = null;
            length = 0;
        }
        return status;
    }

    private static PrereadStatus ParseV1(ReadOnlySpan<byte> data, out ProxyProtocolHeader? header, out int length, out string? error)
    {
        header = null;
        length = 0;
        error = null;
        var prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return Fail("not a PROXY protocol header", out error);
        }
        // The CR must come by byte 106 for the CRLF to end within 107 bytes.
        var window = data[..Math.Min(data.Length, V1MaxLength - 1)];
        var cr = -1;
        for (var i = V1Prefix.Length; i < window.Length; i++)
        {
            var b = window[i];
            if (b == '\r')
            {
                cr = i;
                break;
            }
            // Printable ASCII only: a NUL or a bare LF in the line is never valid, so say so before the line ends.
            if (b < 0x20 || b > 0x7E)
            {
                return Fail("v1 header has a byte that is not printable ASCII", out error);
            }
        }
        if (cr < 0)
        {
            return window.Length < V1MaxLength - 1 ? PrereadStatus.NeedMore : Fail("v1 header longer than 107 bytes", out error);
        }
        if (cr + 1 >= data.Length)
        {
            return PrereadStatus.NeedMore;
        }
        if (data[cr + 1] != '\n')
        {
            return Fail("v1 header does not end with CRLF", out error);
        }
        length = cr + 2;
        return ParseV1Line(data[V1Prefix.Length..cr], out header, out error);
    }

    private static PrereadStatus ParseV1Line(ReadOnlySpan<byte> line, out ProxyProtocolHeader? header, out string? error)
    {
        header = null;
        error = null;
        var space = line.IndexOf((byte)' ');
        var protocol = space < 0 ? line : line[..space];
        // The spec has receivers ignore whatever follows UNKNOWN up to the CRLF.
        if (protocol.SequenceEqual("UNKNOWN"u8))
        {
            header = Unaddressed;
            return PrereadStatus.Complete;
        }
        var family = protocol.SequenceEqual("TCP4"u8) ? AddressFamily.InterNetwork
            : protocol.SequenceEqual("TCP6"u8) ? AddressFamily.InterNetworkV6
            : AddressFamily.Unknown;
        if (family == AddressFamily.Unknown)
        {
            return Fail("v1 protocol is not TCP4, TCP6 or UNKNOWN", out error);
        }
        // Exactly one space between fields: a doubled or trailing space makes an empty field, which nothing accepts.
        Span<Range> fields = stackalloc Range[4];
        var count = 0;
        var rest = space < 0 ? default : line[(space + 1)..];
        foreach (var field in rest.Split((byte)' '))
        {
            if (count == fields.Length)
            {
                return Fail("v1 header has more than five fields", out error);
            }
            fields[count++] = field;
        }
        if (space < 0 || count < fields.Length)
        {
            return Fail("v1 header has fewer than five fields", out error);
        }
        var sourceAddress = ParseV1Address(rest[fields[0]], family);
        var destinationAddress = ParseV1Address(rest[fields[1]], family);
        if (sourceAddress is null || destinationAddress is null)
        {
            return Fail(family == AddressFamily.InterNetwork ? "v1 address is not an IPv4 address" : "v1 address is not an IPv6 address", out error);
        }
        var sourcePort = ParseV1Port(rest[fields[2]]);
        var destinationPort = ParseV1Port(rest[fields[3]]);
        if (sourcePort < 0 || destinationPort < 0)
        {
            return Fail("v1 port is not a number from 0 to 65535", out error);
        }
        header = new ProxyProtocolHeader(new IPEndPoint(sourceAddress, sourcePort), new IPEndPoint(destinationAddress, destinationPort));
        return PrereadStatus.Complete;
    }

    private static IPAddress? ParseV1Address(ReadOnlySpan<byte> text, AddressFamily family) =>
        family == AddressFamily.InterNetwork ? ParseDottedQuad(text) : ParseIPv6(text);

    // inet_pton's IPv4 form, as haproxy uses: four decimal octets, no leading zeros (IPAddress.Parse would also take
    // "127.1" or octal and hex forms).
    private static IPAddress? ParseDottedQuad(ReadOnlySpan<byte> text)
    {
        Span<byte> octets = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var dot = text.IndexOf((byte)'.');
            var part = i < 3 ? (dot < 0 ? default : text[..dot]) : text;
            if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return null;
            }
            var value = 0;
            foreach (var digit in part)
            {
                if (digit < '0' || digit > '9')
                {
                    return null;
                }
                value = value * 10 + digit - '0';
            }
            if (value > 255)
            {
                return null;
            }
            octets[i] = (byte)value;
            if (i < 3)
            {
                text = text[(dot + 1)..];
            }
        }
        return new IPAddress(octets);
    }

    // inet_pton's IPv6 form: hex groups, colons and an optional dotted IPv4 tail; no zone id, no brackets.
    private static IPAddress? ParseIPv6(ReadOnlySpan<byte> text)
    {
        const int longest = 45; // ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255
        if (text.IsEmpty || text.Length > longest)
        {
            return null;
        }
        Span<char> chars = stackalloc char[longest];
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            if (!char.IsAsciiHexDigit(c) && c != ':' && c != '.')
            {
                return null;
            }
            chars[i] = c;
        }
        // An embedded IPv4 tail is held to the same dotted-quad rule as TCP4 addresses.
        if (text.Contains((byte)'.') && ParseDottedQuad(text[(text.LastIndexOf((byte)':') + 1)..]) is null)
        {
            return null;
        }
        return IPAddress.TryParse(chars[..text.Length], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;
    }

    // Decimal 0 to 65535; leading zeros are accepted as haproxy's read_uint does, within five digits.
    private static int ParseV1Port(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text.Length > 5)
        {
            return -1;
        }
        var value = 0;
        foreach (var digit in text)
        {
            if (digit < '0' || digit > '9')
            {
                return -1;
            }
            value = value * 10 + digit - '0';
        }
        return value <= IPEndPoint.MaxPort ? value : -1;
    }

    private static PrereadStatus ParseV2(ReadOnlySpan<byte> data, out ProxyProtocolHeader? header, out int length, out string? error)
    {
        header = null;
        length = 0;
        error = null;
        var signature = Math.Min(data.Length, V2Signature.Length);
        if (!data[..signature].SequenceEqual(V2Signature[..signature]))
        {
            return Fail("not a PROXY protocol header", out error);
        }
        // Check the version/command and family/transport bytes as soon as they arrive.
        if (data.Length > 12)
        {
            if (data[12] >> 4 != 2)
            {
                return Fail("v2 header version is not 2", out error);
            }
            if ((data[12] & 0x0F) > 1)
            {
                return Fail("v2 command is not LOCAL or PROXY", out error);
            }
        }
        var local = data.Length > 12 && (data[12] & 0x0F) == 0;
        // LOCAL has receivers discard the whole block, the family byte included, as haproxy does.
        if (data.Length > 13 && !local && (data[13] >> 4 > 3 || (data[13] & 0x0F) > 2))
        {
            return Fail("v2 address family or transport is not valid", out error);
        }
        if (data.Length < V2HeaderLength)
        {
            return PrereadStatus.NeedMore;
        }
        var total = V2HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (total > MaxLength)
        {
            return Fail("v2 header longer than MaxLength (2280 bytes)", out error);
        }
        if (data.Length < total)
        {
            return PrereadStatus.NeedMore;
        }
        length = total;
        // LOCAL and UNSPEC carry no addresses: the spec has receivers ignore the block and use the connection's own.
        if (local || data[13] >> 4 == 0)
        {
            header = Unaddressed;
            return PrereadStatus.Complete;
        }
        var block = data[V2HeaderLength..total];
        var addressLength = (data[13] >> 4) switch
        {
            1 => 12,
            2 => 36,
            _ => UnixAddressLength,
        };
        if (block.Length < addressLength)
        {
            return Fail("v2 length is shorter than its address block", out error);
        }
        if (!TlvsAreWellFormed(block[addressLength..]))
        {
            return Fail("v2 TLV overruns the header", out error);
        }
        header = addressLength switch
        {
            12 => new ProxyProtocolHeader(
                new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block[8..])),
                new IPEndPoint(new IPAddress(block[4..8]), BinaryPrimitives.ReadUInt16BigEndian(block[10..]))),
            36 => new ProxyProtocolHeader(
                new IPEndPoint(new IPAddress(block[..16]), BinaryPrimitives.ReadUInt16BigEndian(block[32..])),
                new IPEndPoint(new IPAddress(block[16..32]), BinaryPrimitives.ReadUInt16BigEndian(block[34..]))),
            _ => Unaddressed,
        };
        return PrereadStatus.Complete;
    }

    // TLVs are skipped, but each one's three-byte header and value must lie inside the block, as haproxy checks.
    private static bool TlvsAreWellFormed(ReadOnlySpan<byte> tlvs)
    {
        while (!tlvs.IsEmpty)
        {
            if (tlvs.Length < TlvHeaderLength)
            {
                return false;
            }
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..]);
            if (tlvs.Length - TlvHeaderLength < valueLength)
            {
                return false;
            }
            tlvs = tlvs[(TlvHeaderLength + valueLength)..];
        }
        return true;
    }

    private static PrereadStatus Fail(string reason, out string? error)
    {
        error = reason;
        return PrereadStatus.Invalid;
    }
}
