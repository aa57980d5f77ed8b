using System.Security.Authentication;
using System.Text;
using Gateway.Node.Streams.Preread;

namespace Gateway.Tests.Node.Streams.Preread;

/// <summary>
/// The server name read from TLS ClientHellos: real ones written by SslStream, the same re-split over many records,
/// every truncation, hand-made hellos broken in each length field (RFC 8446 4.1.2, RFC 6066 3) and a seeded fuzz run.
/// </summary>
public sealed class ClientHelloTests
{
    public static TheoryData<string, string, string?> RealHellos() => new()
    {
        { "TLS 1.2 and 1.3", "Example.COM", "example.com" },
        { "TLS 1.2 only", "tls12.example.org", "tls12.example.org" },
        { "TLS 1.3 only", "tls13.example.net", "tls13.example.net" },
        { "with ALPN", "www.example.com", "www.example.com" },
        // An IDN travels as its A-label (browsers convert; .NET under invariant globalization would send raw UTF-8,
        // which RFC 6066 forbids and the hand-made "UTF-8 host_name" case shows is Invalid).
        { "IDN", "xn--BCHER-kva.example", "xn--bcher-kva.example" },
        { "longest labels", $"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.example", $"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.example" },
        // No SNI: an IP literal is never sent as a server name (RFC 6066 3), nor is an empty host.
        { "IP literal", "127.0.0.1", null },
        { "no target host", "", null },
    };

    [Theory]
    [MemberData(nameof(RealHellos))]
    public async Task TryReadServerName_RealClientHello_IsComplete(string name, string targetHost, string? expected)
    {
        var hello = await CaptureAsync(name, targetHost);
        AssertComplete(hello, expected);
        AssertEveryPrefixNeedsMore(hello);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(37)]
    [InlineData(512)]
    public async Task TryReadServerName_RealClientHelloSplitOverRecords_IsComplete(int fragmentLength)
    {
        var message = MessageOf(await CapturedClientHello.CaptureAsync("split.example.com"));
        var records = Records(message, fragmentLength);
        Assert.True(records.Length <= ClientHello.MaxLength, $"{records.Length} bytes");
        AssertComplete(records, "split.example.com");
        AssertEveryPrefixNeedsMore(records);
        // Bytes after the message (its record's rest, the next record) are not read.
        AssertComplete([.. records, 23, 3, 3, 0, 1, 0], "split.example.com");
    }

    [Fact]
    public void TryReadServerName_HandMadeHellos_AreComplete()
    {
        AssertComplete(Records(Handshake(Body(Sni("a")))), "a");
        AssertComplete(Records(Handshake(Body(Sni("Under_Score-1.EXAMPLE")))), "under_score-1.example");
        AssertComplete(Records(Handshake(Body([.. Extension(10, [0, 2, 0, 29]), .. Sni("b.example"), .. Extension(43, [2, 3, 4])]))), "b.example");
        // No extensions at all (TLS 1.0 style), empty extensions, and extensions without server_name.
        AssertComplete(Records(Handshake(Body(null))), null);
        AssertComplete(Records(Handshake(Body([]))), null);
        AssertComplete(Records(Handshake(Body(Extension(16, [0, 3, 2, (byte)'h', (byte)'2'])))), null);
        AssertComplete(Records(Handshake(Body(Sni("c.example"), sessionId: new byte[32], cipherSuites: new byte[200]))), "c.example");
        // Each legacy record version from TLS 1.0 to 1.3.
        for (byte minor = 1; minor <= 4; minor++)
        {
            AssertComplete(Records(Handshake(Body(Sni("v.example"))), version: minor), "v.example");
        }
        // The handshake header itself split over two records.
        AssertComplete(Records(Handshake(Body(Sni("h.example"))), 2), "h.example");
        // The message ending inside a longer record (trailing handshake bytes are not ours to judge).
        AssertComplete(Records([.. Handshake(Body(Sni("t.example"))), 0, 0]), "t.example");
    }

    [Fact]
    public void TryReadServerName_LargestClientHello_IsCompleteAndOneByteMoreIsInvalid()
    {
        // A padding extension (21) brings the message to exactly 16384 bytes: two records, since one holds 2^14.
        var small = Handshake(Body(Sni("max.example")));
        var padding = 16384 - small.Length - 4;
        var message = Handshake(Body([.. Sni("max.example"), .. Extension(21, new byte[padding])]));
        Assert.Equal(16384, message.Length);
        AssertComplete(Records(message), "max.example");

        var tooLong = Handshake(Body([.. Sni("max.example"), .. Extension(21, new byte[padding + 1])]));
        var records = Records(tooLong);
        AssertInvalid(records.AsSpan(0, 9), "ClientHello longer than 16384 bytes");
        AssertEveryPrefixNeedsMore(records.AsSpan(0, 8));
    }

    [Fact]
    public void TryReadServerName_SpreadPastMaxLength_IsInvalid()
    {
        // A 4 KiB hello in one-byte records needs 24 KiB, more than MaxLength: the reader gives up at MaxLength.
        var message = Handshake(Body([.. Sni("far.example"), .. Extension(21, new byte[4000])]));
        var records = Records(message, 1);
        Assert.True(records.Length > ClientHello.MaxLength);
        AssertInvalid(records.AsSpan(0, ClientHello.MaxLength), "spread over more than MaxLength");
        AssertInvalid(records, "spread over more than MaxLength");
        AssertNeedsMore(records.AsSpan(0, ClientHello.MaxLength - 1));
    }

    public static TheoryData<string, byte[], int, string> MalformedRecords() => new()
    {
        // What is wrong, the bytes, from which prefix length it is already Invalid, and the reason.
        { "application data", [23, 3, 1, 0, 5, 1, 0, 0, 1, 0], 1, "not a TLS handshake record" },
        { "alert", [21, 3, 1, 0, 2, 2, 40], 1, "not a TLS handshake record" },
        { "SSLv2 hello", [0x80, 0x2E, 0x01, 0x03, 0x01], 1, "not a TLS handshake record" },
        { "HTTP", "GET / HTTP/1.1\r\n"u8.ToArray(), 1, "not a TLS handshake record" },
        { "SSL 3.0 record", [22, 3, 0, 0, 4, 1, 0, 0, 0], 3, "version is not 0x0301 to 0x0304" },
        { "record version 3.5", [22, 3, 5, 0, 4, 1, 0, 0, 0], 3, "version is not 0x0301 to 0x0304" },
        { "record version 2.1", [22, 2, 1, 0, 4, 1, 0, 0, 0], 2, "version is not 0x0301 to 0x0304" },
        { "empty record", [22, 3, 1, 0, 0, 22, 3, 1, 0, 4, 1, 0, 0, 0], 5, "record length is 0 or over 16384" },
        { "record over 2^14", [22, 3, 1, 0x40, 0x01, 1, 0, 0, 0], 5, "record length is 0 or over 16384" },
        { "ServerHello", [22, 3, 3, 0, 4, 2, 0, 0, 0], 6, "not a ClientHello" },
        { "Finished", [22, 3, 3, 0, 4, 20, 0, 0, 0], 6, "not a ClientHello" },
        { "handshake over 16 KiB", [22, 3, 1, 0, 4, 1, 0, 0x40, 0x00], 9, "ClientHello longer than 16384 bytes" },
        { "handshake of 2^24-1", [22, 3, 1, 0, 4, 1, 0xFF, 0xFF, 0xFF], 9, "ClientHello longer than 16384 bytes" },
        {
            "alert between fragments",
            [22, 3, 1, 0, 2, 1, 0, 21, 3, 1, 0, 2, 0, 40],
            8,
            "interleaved with another record type"
        },
        { "second record's version", [22, 3, 1, 0, 2, 1, 0, 22, 3, 9, 0, 2, 0, 40], 10, "version is not 0x0301 to 0x0304" },
        { "empty second record", [22, 3, 1, 0, 2, 1, 0, 22, 3, 1, 0, 0], 12, "record length is 0 or over 16384" },
    };

    [Theory]
    [MemberData(nameof(MalformedRecords))]
    public void TryReadServerName_MalformedRecordLayer_IsInvalidAsSoonAsItShows(string name, byte[] bytes, int decidedAt, string reason)
    {
        _ = name;
        AssertEveryPrefixNeedsMore(bytes.AsSpan(0, decidedAt - 1));
        for (var length = decidedAt; length <= bytes.Length; length++)
        {
            AssertInvalid(bytes.AsSpan(0, length), reason);
        }
    }

    public static TheoryData<string, byte[], string> MalformedBodies()
    {
        var sni = Sni("x.example");
        var random = new byte[32];
        return new()
        {
            { "too short", [3, 3, .. new byte[31]], "shorter than its fixed fields" },
            { "client version 2.0", Body(sni, version: 0x0200), "version is not 3.x" },
            { "session id of 33", Body(sni, sessionId: new byte[33]), "session id" },
            { "session id overrun", [3, 3, .. random, 5, 1, 2], "session id" },
            { "no cipher suites", Body(sni, cipherSuites: []), "cipher suites" },
            { "odd cipher suites", Body(sni, cipherSuites: [0x13, 0x01, 0x13]), "cipher suites" },
            { "cipher suites overrun", [3, 3, .. random, 0, 0x01, 0x00, 0x13, 0x01], "cipher suites" },
            { "cipher suites length cut", [3, 3, .. random, 0, 0x00], "cipher suites" },
            { "no compression methods", Body(sni, compression: []), "compression methods" },
            { "compression overrun", [3, 3, .. random, 0, 0, 2, 0x13, 0x01, 3, 0], "compression methods" },
            { "compression length missing", [3, 3, .. random, 0, 0, 2, 0x13, 0x01], "compression methods" },
            { "extensions length one byte", [.. Body(null), 0], "extensions length does not match" },
            { "extensions longer than the message", WithExtensionsLength(sni, +1), "extensions length does not match" },
            { "extensions shorter than the message", WithExtensionsLength(sni, -1), "extensions length does not match" },
            { "extension header cut", Body([0, 10, 0]), "extension overruns" },
            { "extension data overrun", Body([0, 10, 0, 9, 1, 2]), "extension overruns" },
            { "extension after SNI overruns", Body([.. sni, 0, 43, 0xFF, 0xFF]), "extension overruns" },
            { "two server_name extensions", Body([.. sni, .. Sni("y.example")]), "two server_name extensions" },
            { "empty server_name extension", Body(Extension(0, [])), "list length does not match" },
            { "server_name list longer", Body(Extension(0, [0, 13, 0, 0, 9, .. "x.example"u8])), "list length does not match" },
            { "server_name list shorter", Body(Extension(0, [0, 11, 0, 0, 9, .. "x.example"u8])), "list length does not match" },
            { "empty server_name list", Body(Extension(0, [0, 0])), "does not start with a host_name" },
            { "name type 1", Body(Extension(0, [0, 12, 1, 0, 9, .. "x.example"u8])), "does not start with a host_name" },
            { "host_name length cut", Body(Extension(0, [0, 2, 0, 0])), "does not start with a host_name" },
            { "host_name longer than list", Body(Extension(0, [0, 12, 0, 0, 10, .. "x.example"u8])), "exactly one host_name" },
            { "two host_names", Body(Extension(0, [0, 16, 0, 0, 1, (byte)'a', 0, 0, 9, .. "x.example"u8])), "exactly one host_name" },
            { "empty host_name", Body(Extension(0, [0, 3, 0, 0, 0])), "not a DNS name" },
            { "NUL in host_name", Body(Sni("good.example\0evil.example")), "not a DNS name" },
            { "space in host_name", Body(Sni("a b.example")), "not a DNS name" },
            { "trailing dot", Body(Sni("x.example.")), "not a DNS name" },
            { "UTF-8 host_name", Body(SniBytes(Encoding.UTF8.GetBytes("bücher.example"))), "not a DNS name" },
            { "host_name of 256", Body(Sni(new string('a', 256))), "not a DNS name" },
            { "colon in host_name", Body(Sni("x.example:443")), "not a DNS name" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void TryReadServerName_MalformedClientHello_IsInvalidWithReason(string name, byte[] body, string reason)
    {
        _ = name;
        var records = Records(Handshake(body));
        AssertInvalid(records, reason);
        AssertEveryPrefixNeedsMore(records);
        // The same over many records takes the reassembly path, with the same verdict.
        AssertInvalid(Records(Handshake(body), 7), reason);
    }

    [Fact]
    public void TryReadServerName_Empty_NeedsMore() => AssertNeedsMore([]);

    [Fact]
    public void TryReadServerName_AllocatesOnlyTheName()
    {
        var single = Records(Handshake(Body([.. Extension(10, [0, 2, 0, 29]), .. Sni("alloc.example.com")])));
        var split = Records(Handshake(Body([.. Extension(10, [0, 2, 0, 29]), .. Sni("alloc.example.com")])), 16);
        byte[][] all = [single, split, single[..^1], split[..^1]];
        foreach (var data in all)
        {
            ClientHello.TryReadServerName(data, out _, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ClientHello.TryReadServerName(all[2], out _, out _);
            ClientHello.TryReadServerName(all[3], out _, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ClientHello.TryReadServerName(single, out _, out _);
            ClientHello.TryReadServerName(split, out _, out _);
        }
        // One 17-character string (about 60 bytes) per call; reassembly borrows from the shared pool.
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 1, 200 * 64);
    }

    [Fact]
    public async Task TryReadServerName_RandomMutations_NeverThrowAndKeepTheContract()
    {
        var real = await CapturedClientHello.CaptureAsync("fuzz.example.com");
        byte[][] seeds =
        [
            real,
            Records(MessageOf(real), 3),
            Records(MessageOf(real), 200),
            Records(Handshake(Body([.. Extension(10, [0, 2, 0, 29]), .. Sni("hand.example")]))),
            Records(Handshake(Body(null))),
        ];
        var random = new Random(20261208);
        var outcomes = new int[3];
        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            var data = ByteMutator.Mutate(seeds[random.Next(seeds.Length)], random);
            var status = ClientHello.TryReadServerName(data, out var serverName, out var error);
            outcomes[(int)status]++;
            switch (status)
            {
                case PrereadStatus.Complete:
                    Assert.Null(error);
                    if (serverName is not null)
                    {
                        Assert.Matches("^[a-z0-9._-]{1,255}$", serverName);
                    }
                    // What follows the message never changes the answer.
                    Assert.Equal(PrereadStatus.Complete, ClientHello.TryReadServerName([.. data, 1, 2, 3], out var again, out _));
                    Assert.Equal(serverName, again);
                    break;
                case PrereadStatus.NeedMore:
                    Assert.Null(serverName);
                    Assert.Null(error);
                    Assert.True(data.Length < ClientHello.MaxLength);
                    break;
                default:
                    Assert.Null(serverName);
                    Assert.False(string.IsNullOrEmpty(error));
                    break;
            }
        }
        Assert.All(outcomes, count => Assert.True(count > 500, string.Join(",", outcomes)));
    }

    [Fact]
    public void TryReadServerName_RandomValidHellos_ReturnTheirName()
    {
        const string nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
        var random = new Random(11);
        for (var iteration = 0; iteration < 2_000; iteration++)
        {
            var name = new string([.. Enumerable.Range(0, random.Next(1, 256)).Select(_ => nameChars[random.Next(nameChars.Length)])]);
            if (name.EndsWith('.'))
            {
                name = name[..^1] + "x";
            }
            byte[] Other() => Extension((ushort)random.Next(1, 65536), [.. Enumerable.Range(0, random.Next(30)).Select(_ => (byte)random.Next(256))]);
            var extensions = new List<byte>();
            for (var i = random.Next(4); i > 0; i--)
            {
                extensions.AddRange(Other());
            }
            var withName = random.Next(8) != 0;
            if (withName)
            {
                extensions.AddRange(Sni(name));
            }
            for (var i = random.Next(4); i > 0; i--)
            {
                extensions.AddRange(Other());
            }
            var body = Body(
                [.. extensions],
                sessionId: new byte[random.Next(33)],
                cipherSuites: new byte[2 * random.Next(1, 100)],
                compression: new byte[random.Next(1, 4)],
                version: 0x0300 | random.Next(5));
            var records = Records(Handshake(body), random.Next(1, 600), (byte)random.Next(1, 5));
            if (records.Length > ClientHello.MaxLength)
            {
                continue;
            }

            AssertComplete([.. records, .. new byte[random.Next(4)]], withName ? name.ToLowerInvariant() : null);
            if (iteration % 50 == 0)
            {
                AssertEveryPrefixNeedsMore(records);
            }
        }
    }

    private static Task<byte[]> CaptureAsync(string name, string targetHost) => name switch
    {
        "TLS 1.2 only" => CapturedClientHello.CaptureAsync(targetHost, SslProtocols.Tls12),
        "TLS 1.3 only" => CapturedClientHello.CaptureAsync(targetHost, SslProtocols.Tls13),
        "with ALPN" => CapturedClientHello.CaptureAsync(targetHost, SslProtocols.None, "h2", "http/1.1"),
        _ => CapturedClientHello.CaptureAsync(targetHost),
    };

    // The handshake message of a capture that SslStream wrote as one record.
    private static byte[] MessageOf(byte[] records)
    {
        Assert.Equal(22, records[0]);
        var length = (records[3] << 8) | records[4];
        Assert.Equal(records.Length, 5 + length);
        return records[5..];
    }

    internal static byte[] Body(byte[]? extensions, byte[]? sessionId = null, byte[]? cipherSuites = null, byte[]? compression = null, int version = 0x0303)
    {
        sessionId ??= [];
        cipherSuites ??= [0x13, 0x01, 0xC0, 0x2F];
        compression ??= [0];
        byte[] fixedPart =
        [
            (byte)(version >> 8), (byte)version, .. Enumerable.Range(0, 32).Select(i => (byte)i),
            (byte)sessionId.Length, .. sessionId,
            (byte)(cipherSuites.Length >> 8), (byte)cipherSuites.Length, .. cipherSuites,
            (byte)compression.Length, .. compression,
        ];
        return extensions is null ? fixedPart : [.. fixedPart, (byte)(extensions.Length >> 8), (byte)extensions.Length, .. extensions];
    }

    internal static byte[] Handshake(byte[] body, byte type = 1) =>
        [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    internal static byte[] Records(byte[] message, int fragmentLength = 16384, byte version = 1)
    {
        var records = new List<byte>();
        for (var offset = 0; offset < message.Length; offset += fragmentLength)
        {
            var fragment = message.AsSpan(offset, Math.Min(fragmentLength, message.Length - offset));
            records.AddRange([22, 3, version, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment]);
        }
        return [.. records];
    }

    private static byte[] Extension(ushort type, byte[] data) =>
        [(byte)(type >> 8), (byte)type, (byte)(data.Length >> 8), (byte)data.Length, .. data];

    private static byte[] Sni(string hostName) => SniBytes(Encoding.Latin1.GetBytes(hostName));

    private static byte[] SniBytes(byte[] hostName) =>
        Extension(0, [(byte)((hostName.Length + 3) >> 8), (byte)(hostName.Length + 3), 0, (byte)(hostName.Length >> 8), (byte)hostName.Length, .. hostName]);

    // A body whose extensions length field is off by delta from the extensions that follow it.
    private static byte[] WithExtensionsLength(byte[] extensions, int delta)
    {
        var body = Body(extensions);
        var at = body.Length - extensions.Length - 2;
        var length = extensions.Length + delta;
        body[at] = (byte)(length >> 8);
        body[at + 1] = (byte)length;
        return body;
    }

    private static void AssertComplete(ReadOnlySpan<byte> data, string? expected)
    {
        Assert.Equal(PrereadStatus.Complete, ClientHello.TryReadServerName(data, out var serverName, out var error));
        Assert.Null(error);
        Assert.Equal(expected, serverName);
    }

    private static void AssertNeedsMore(ReadOnlySpan<byte> data)
    {
        Assert.Equal(PrereadStatus.NeedMore, ClientHello.TryReadServerName(data, out var serverName, out var error));
        Assert.Null(serverName);
        Assert.Null(error);
    }

    private static void AssertEveryPrefixNeedsMore(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            AssertNeedsMore(data[..i]);
        }
    }

    private static void AssertInvalid(ReadOnlySpan<byte> data, string reason)
    {
        Assert.Equal(PrereadStatus.Invalid, ClientHello.TryReadServerName(data, out var serverName, out var error));
        Assert.Null(serverName);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
