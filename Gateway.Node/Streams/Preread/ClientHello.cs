using System.Buffers;
using System.Buffers.Binary;

namespace Gateway.Node.Streams.Preread;

/// <summary>
/// Reads the server name (SNI, RFC 6066) from a TLS ClientHello (RFC 8446 4.1.2) at the start of a connection, without
/// terminating TLS, as nginx's ssl_preread does for Kong's stream routes.
/// </summary>
public static class ClientHello
{
    /// <summary>
    /// The most bytes <see cref="TryReadServerName"/> ever needs: a ClientHello of up to 16 KiB (one full record) plus
    /// 2 KiB of record headers, enough for it to be split over hundreds of records. A longer one is Invalid.
    /// </summary>
    public const int MaxLength = MaxMessageLength + 2048;

    private const int MaxMessageLength = 16384;
    private const int RecordHeaderLength = 5;
    private const int HandshakeHeaderLength = 4;
    private const int MaxRecordLength = 16384; // 2^14, RFC 8446 5.1
    private const byte HandshakeContentType = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostNameType = 0;
    private const int MaxHostNameLength = 255;

    /// <summary>
    /// Parses the ClientHello at the start of <paramref name="data"/>, reassembling it when it spans several records.
    /// </summary>
    /// <param name="data">The bytes received so far.</param>
    /// <param name="serverName">When Complete, the server_name extension's host_name in lower case, or null when the
    /// client sent none; otherwise null.</param>
    /// <param name="error">A short reason when Invalid, otherwise null.</param>
    /// <returns>Complete, NeedMore when <paramref name="data"/> is a valid prefix, or Invalid when it is not a TLS
    /// ClientHello or any of its lengths is inconsistent.</returns>
    public static PrereadStatus TryReadServerName(ReadOnlySpan<byte> data, out string? serverName, out string? error)
    {
        serverName = null;
        error = null;
        if (data.Length > MaxLength)
        {
            data = data[..MaxLength];
        }
        var status = MeasureMessage(data, out var messageLength, out var records, out error);
        if (status == PrereadStatus.NeedMore && data.Length == MaxLength)
        {
            return Fail("ClientHello spread over more than MaxLength (18432) bytes", out error);
        }
        if (status != PrereadStatus.Complete)
        {
            return status;
        }
        if (records == 1)
        {
            // The usual case: the whole message is in the first record, parse it where it lies.
            var body = data.Slice(RecordHeaderLength + HandshakeHeaderLength, messageLength - HandshakeHeaderLength);
            return ParseBody(body, out serverName, out error);
        }
        var rented = ArrayPool<byte>.Shared.Rent(messageLength);
        try
        {
            var message = rented.AsSpan(0, messageLength);
            Reassemble(data, message);
            return ParseBody(message[HandshakeHeaderLength..], out serverName, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Walks the records: checks each header as its bytes arrive, reads the handshake header (which may itself be
    // split over records) and finds whether all of the message's bytes are here, and over how many records.
    private static PrereadStatus MeasureMessage(ReadOnlySpan<byte> data, out int messageLength, out int records, out string? error)
    {
        messageLength = -1;
        records = 0;
        error = null;
        Span<byte> handshakeHeader = stackalloc byte[HandshakeHeaderLength];
        var gathered = 0;
        var offset = 0;
        while (true)
        {
            var header = data[offset..];
            if (header.Length > 0 && header[0] != HandshakeContentType)
            {
                // RFC 8446 5.1: handshake messages are never interleaved with other record types.
                return Fail(records == 0 ? "not a TLS handshake record" : "ClientHello interleaved with another record type", out error);
            }
            if ((header.Length > 1 && header[1] != 3) || (header.Length > 2 && (header[2] < 1 || header[2] > 4)))
            {
                return Fail("TLS record version is not 0x0301 to 0x0304", out error);
            }
            if (header.Length < RecordHeaderLength)
            {
                return PrereadStatus.NeedMore;
            }
            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
            if (recordLength == 0 || recordLength > MaxRecordLength)
            {
                return Fail("TLS record length is 0 or over 16384", out error);
            }
            records++;
            var fragment = header.Slice(RecordHeaderLength, Math.Min(recordLength, header.Length - RecordHeaderLength));
            for (var i = 0; i < fragment.Length && gathered + i < HandshakeHeaderLength; i++)
            {
                handshakeHeader[gathered + i] = fragment[i];
                if (gathered + i == 0 && fragment[0] != ClientHelloType)
                {
                    return Fail("TLS handshake is not a ClientHello", out error);
                }
            }
            gathered += fragment.Length;
            if (messageLength < 0 && gathered >= HandshakeHeaderLength)
            {
                var bodyLength = (handshakeHeader[1] << 16) | (handshakeHeader[2] << 8) | handshakeHeader[3];
                if (bodyLength > MaxMessageLength - HandshakeHeaderLength)
                {
                    return Fail("ClientHello longer than 16384 bytes", out error);
                }
                messageLength = HandshakeHeaderLength + bodyLength;
            }
            if (messageLength >= 0 && gathered >= messageLength)
            {
                return PrereadStatus.Complete;
            }
            if (fragment.Length < recordLength)
            {
                return PrereadStatus.NeedMore;
            }
            offset += RecordHeaderLength + recordLength;
        }
    }

    // Copies the message's bytes out of the records MeasureMessage found complete and well formed.
    private static void Reassemble(ReadOnlySpan<byte> data, Span<byte> message)
    {
        var offset = 0;
        while (!message.IsEmpty)
        {
            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 3)..]);
            var fragment = data.Slice(offset + RecordHeaderLength, Math.Min(recordLength, message.Length));
            fragment.CopyTo(message);
            message = message[fragment.Length..];
            offset += RecordHeaderLength + recordLength;
        }
    }

    // RFC 8446 4.1.2: legacy_version, random, legacy_session_id, cipher_suites, legacy_compression_methods, then
    // extensions (absent only in pre-TLS 1.2 hellos), which must fill the rest of the message exactly.
    private static PrereadStatus ParseBody(ReadOnlySpan<byte> body, out string? serverName, out string? error)
    {
        serverName = null;
        error = null;
        const int fixedLength = 2 + 32;
        if (body.Length < fixedLength + 1)
        {
            return Fail("ClientHello shorter than its fixed fields", out error);
        }
        if (body[0] != 3)
        {
            return Fail("ClientHello version is not 3.x", out error);
        }
        var p = fixedLength;
        int sessionIdLength = body[p++];
        if (sessionIdLength > 32 || body.Length - p < sessionIdLength)
        {
            return Fail("ClientHello session id overruns the message", out error);
        }
        p += sessionIdLength;
        if (body.Length - p < 2)
        {
            return Fail("ClientHello cipher suites overrun the message", out error);
        }
        int cipherSuitesLength = BinaryPrimitives.ReadUInt16BigEndian(body[p..]);
        p += 2;
        if (cipherSuitesLength < 2 || cipherSuitesLength % 2 != 0 || body.Length - p < cipherSuitesLength)
        {
            return Fail("ClientHello cipher suites overrun the message", out error);
        }
        p += cipherSuitesLength;
        if (body.Length - p < 1)
        {
            return Fail("ClientHello compression methods overrun the message", out error);
        }
        int compressionLength = body[p++];
        if (compressionLength < 1 || body.Length - p < compressionLength)
        {
            return Fail("ClientHello compression methods overrun the message", out error);
        }
        p += compressionLength;
        if (p == body.Length)
        {
            return PrereadStatus.Complete;
        }
        if (body.Length - p < 2 || BinaryPrimitives.ReadUInt16BigEndian(body[p..]) != body.Length - p - 2)
        {
            return Fail("ClientHello extensions length does not match the message", out error);
        }
        var extensions = body[(p + 2)..];
        string? found = null;
        while (!extensions.IsEmpty)
        {
            if (extensions.Length < 4)
            {
                return Fail("ClientHello extension overruns the message", out error);
            }
            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            int length = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (extensions.Length - 4 < length)
            {
                return Fail("ClientHello extension overruns the message", out error);
            }
            if (type == ServerNameExtension)
            {
                // RFC 8446 4.2: no extension type appears twice.
                if (found is not null)
                {
                    return Fail("ClientHello has two server_name extensions", out error);
                }
                if (ReadHostName(extensions.Slice(4, length), out found, out error) == PrereadStatus.Invalid)
                {
                    return PrereadStatus.Invalid;
                }
            }
            extensions = extensions[(4 + length)..];
        }
        // Only now that every extension is known to be well formed.
        serverName = found;
        return PrereadStatus.Complete;
    }

    // RFC 6066 3: a ServerNameList of one host_name entry (OpenSSL, which the backend likely runs, refuses any other
    // shape), ASCII without a trailing dot; DNS name characters only, so no NUL or control byte reaches a route match.
    private static PrereadStatus ReadHostName(ReadOnlySpan<byte> extension, out string? serverName, out string? error)
    {
        serverName = null;
        error = null;
        if (extension.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(extension) != extension.Length - 2)
        {
            return Fail("server_name list length does not match the extension", out error);
        }
        var list = extension[2..];
        if (list.Length < 3 || list[0] != HostNameType)
        {
            return Fail("server_name list does not start with a host_name", out error);
        }
        var name = list[3..];
        if (BinaryPrimitives.ReadUInt16BigEndian(list[1..]) != name.Length)
        {
            return Fail("server_name list is not exactly one host_name", out error);
        }
        if (name.IsEmpty || name.Length > MaxHostNameLength || name[^1] == '.' || !IsHostName(name))
        {
            return Fail("server_name host_name is not a DNS name", out error);
        }
        Span<char> chars = stackalloc char[MaxHostNameLength];
        for (var i = 0; i < name.Length; i++)
        {
            chars[i] = char.ToLowerInvariant((char)name[i]);
        }
        serverName = new string(chars[..name.Length]);
        return PrereadStatus.Complete;
    }

    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != '-' && b != '.' && b != '_')
            {
                return false;
            }
        }
        return true;
    }

    private static PrereadStatus Fail(string reason, out string? error)
    {
        error = reason;
        return PrereadStatus.Invalid;
    }
}
