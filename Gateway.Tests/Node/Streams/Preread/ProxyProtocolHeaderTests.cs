using System.Net;
using System.Text;
using Gateway.Node.Streams.Preread;

namespace Gateway.Tests.Node.Streams.Preread;

/// <summary>
/// PROXY protocol v1 and v2 headers as haproxy's proxy-protocol.txt defines them: the spec's examples and limits,
/// every truncation of every valid header, each malformation with its reason, and a seeded fuzz run.
/// </summary>
public sealed class ProxyProtocolHeaderTests
{
    private const string AllF = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";

    // haproxy 2.x sending v2 for 172.19.0.1:42578 -> 172.19.0.3:80, followed by the client's "GET ".
    private static readonly byte[] HaproxyV2Capture = Convert.FromHexString(
        "0D0A0D0A000D0A515549540A2111000CAC130001AC130003A652005047455420");

    public static TheoryData<string, string?, string?, int> V1Headers() => new()
    {
        { "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1:56324", "192.168.0.11:443", 47 },
        // The spec's worst cases: 56 bytes for TCP4, 104 for TCP6 and 107 for UNKNOWN.
        { "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255:65535", "255.255.255.255:65535", 56 },
        { $"PROXY TCP6 {AllF} {AllF} 65535 65535\r\n", $"[{AllF}]:65535", $"[{AllF}]:65535", 104 },
        { $"PROXY UNKNOWN {AllF} {AllF} 65535 65535\r\n", null, null, 107 },
        { "PROXY UNKNOWN\r\n", null, null, 15 },
        { "PROXY TCP4 0.0.0.0 10.0.0.1 0 0\r\n", "0.0.0.0:0", "10.0.0.1:0", 33 },
        { "PROXY TCP6 ::1 2001:db8::1 1234 443\r\n", "[::1]:1234", "[2001:db8::1]:443", 37 },
        { "PROXY TCP6 ::ffff:10.0.0.1 ::ffff:10.0.0.2 1 2\r\n", "[::ffff:10.0.0.1]:1", "[::ffff:10.0.0.2]:2", 48 },
        { "PROXY TCP6 2001:DB8::A ::1 1 2\r\n", "[2001:db8::a]:1", "[::1]:2", 32 },
        // Leading zeros in ports are taken, as haproxy's read_uint does.
        { "PROXY TCP4 1.2.3.4 5.6.7.8 00080 08080\r\n", "1.2.3.4:80", "5.6.7.8:8080", 40 },
    };

    [Theory]
    [MemberData(nameof(V1Headers))]
    public void TryParse_V1SpecHeader_IsComplete(string text, string? source, string? destination, int expectedLength)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expectedLength, bytes.Length);
        AssertComplete(bytes, source, destination, expectedLength);
        // The client's bytes after the header are not part of it.
        AssertComplete([.. bytes, .. "GET / HTTP/1.1\r\n"u8], source, destination, expectedLength);
    }

    [Theory]
    [MemberData(nameof(V1Headers))]
    public void TryParse_V1TruncatedAtEveryByte_NeedsMore(string text, string? source, string? destination, int expectedLength)
    {
        _ = (source, destination, expectedLength);
        AssertEveryPrefixNeedsMore(Encoding.ASCII.GetBytes(text));
    }

    [Theory]
    [InlineData("PROXY TCP4 01.2.3.4 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.004 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 256.1.1.1 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1.2.3.4.5 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 127.1 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 0x7f.0.0.1 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1.2.3. 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1..3.4 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 +1.2.3.4 1.2.3.4 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 ::1 ::1 1 2\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP6 1.2.3.4 1.2.3.4 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 [::1] ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 ::g ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 1::2::3 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 ::1.2.3 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 ::ffff:1.2.3.04 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 ::ffff:1.2.3.256 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 1.2.3.4::1 ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP6 : ::1 1 2\r\n", "not an IPv6 address")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 99999\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 -1 2\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 +1 2\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 0x10 2\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 000080 2\r\n", "port")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n", "more than five fields")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n", "more than five fields")]
    [InlineData("PROXY TCP4 1.2.3.4  1.2.3.4 1 2\r\n", "more than five fields")]
    [InlineData("PROXY TCP4  1.2.3.4 1.2.3.4 1\r\n", "not an IPv4 address")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n", "fewer than five fields")]
    [InlineData("PROXY TCP4\r\n", "fewer than five fields")]
    [InlineData("PROXY TCP4 \r\n", "fewer than five fields")]
    [InlineData("PROXY \r\n", "not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n", "not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY tcp4 1.2.3.4 1.2.3.4 1 2\r\n", "not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY UNKNOWNX\r\n", "not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY  TCP4 1.2.3.4 1.2.3.4 1 2\r\n", "not TCP4, TCP6 or UNKNOWN")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n", "not printable ASCII")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\tx\r\n", "not printable ASCII")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\0\r\n", "not printable ASCII")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX", "CRLF")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\r\r\n", "CRLF")]
    [InlineData("PROXY\r\n", "not a PROXY protocol header")]
    [InlineData("proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n", "not a PROXY protocol header")]
    [InlineData("PROXYTCP4 1.2.3.4 1.2.3.4 1 2\r\n", "not a PROXY protocol header")]
    [InlineData("GET / HTTP/1.1\r\n", "not a PROXY protocol header")]
    public void TryParse_MalformedV1_IsInvalidWithReason(string text, string reason) =>
        AssertInvalid(Encoding.ASCII.GetBytes(text), reason);

    [Fact]
    public void TryParse_V1NonAsciiByte_IsInvalid() =>
        AssertInvalid([.. "PROXY TCP4 1.2.3.4 1.2.3.4 1 "u8, 0xC3, 0xA9, .. "\r\n"u8], "not printable ASCII");

    [Fact]
    public void TryParse_V1LineWithoutCrlfIn107Bytes_IsInvalid()
    {
        // With no CR in its first 106 bytes, no CRLF can end the line by byte 107: Invalid without waiting for more.
        var line = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('a', 92));
        Assert.Equal(106, line.Length);
        AssertEveryPrefixNeedsMore(line);
        AssertInvalid(line, "longer than 107 bytes");
        AssertInvalid([.. line, (byte)'\r', (byte)'\n'], "longer than 107 bytes");
        // One byte shorter, the CRLF lands on bytes 106 and 107: the spec's longest header.
        AssertComplete([.. line[..^1], (byte)'\r', (byte)'\n'], null, null, 107);
    }

    [Fact]
    public void TryParse_HaproxyV2Capture_IsComplete() =>
        AssertComplete(HaproxyV2Capture, "172.19.0.1:42578", "172.19.0.3:80", 28);

    public static TheoryData<string, byte[], string?, string?> V2Headers() => new()
    {
        { "TCP4", V2(0x21, 0x11, [192, 0, 2, 1, 198, 51, 100, 7, 0xDC, 0x04, 0x01, 0xBB]), "192.0.2.1:56324", "198.51.100.7:443" },
        { "UDP4", V2(0x21, 0x12, [10, 0, 0, 1, 10, 0, 0, 2, 0, 53, 0, 53]), "10.0.0.1:53", "10.0.0.2:53" },
        { "TCP4 UNSPEC transport", V2(0x21, 0x10, [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2]), "10.0.0.1:1", "10.0.0.2:2" },
        { "TCP6", V2(0x21, 0x21, [.. IPv6("2001:db8::1"), .. IPv6("2001:db8::2"), 0xFF, 0xFF, 0, 0]), "[2001:db8::1]:65535", "[2001:db8::2]:0" },
        { "UDP6", V2(0x21, 0x22, [.. IPv6("::1"), .. IPv6("::ffff:1.2.3.4"), 0, 1, 0, 2]), "[::1]:1", "[::ffff:1.2.3.4]:2" },
        { "UNIX", V2(0x21, 0x31, new byte[216]), null, null },
        { "UNIX DGRAM", V2(0x21, 0x32, new byte[216]), null, null },
        { "UNSPEC", V2(0x21, 0x00, []), null, null },
        { "UNSPEC with bytes", V2(0x21, 0x00, [1, 2, 3]), null, null },
        { "LOCAL", V2(0x20, 0x00, []), null, null },
        { "LOCAL with TCP4 block", V2(0x20, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]), null, null },
        // LOCAL discards the block, family byte included, as the spec and haproxy do.
        { "LOCAL with unknown family", V2(0x20, 0xFF, [9, 9]), null, null },
        {
            "TCP4 with TLVs",
            V2(0x21, 0x11, [
                127, 0, 0, 1, 127, 0, 0, 2, 0x30, 0x39, 0x01, 0xBB,
                0x01, 0, 2, (byte)'h', (byte)'2', // PP2_TYPE_ALPN
                0x02, 0, 11, .. "example.com"u8, // PP2_TYPE_AUTHORITY
                0x03, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF, // PP2_TYPE_CRC32C (not checked)
                0x04, 0, 0, // PP2_TYPE_NOOP, empty
                0x20, 0, 8, 0x01, 0, 0, 0, 0, 0x21, 0, 0, // PP2_TYPE_SSL with an empty PP2_SUBTYPE_SSL_VERSION
                0xEA, 0, 3, 1, 2, 3, // custom range
            ]),
            "127.0.0.1:12345",
            "127.0.0.2:443"
        },
        { "TCP6 with TLV", V2(0x21, 0x21, [.. IPv6("::1"), .. IPv6("::2"), 0, 1, 0, 2, 0x05, 0, 1, 7]), "[::1]:1", "[::2]:2" },
    };

    [Theory]
    [MemberData(nameof(V2Headers))]
    public void TryParse_V2Header_IsComplete(string name, byte[] bytes, string? source, string? destination)
    {
        _ = name;
        AssertComplete(bytes, source, destination, bytes.Length);
        AssertComplete([.. bytes, 0x16, 0x03, 0x01], source, destination, bytes.Length);
    }

    [Theory]
    [MemberData(nameof(V2Headers))]
    public void TryParse_V2TruncatedAtEveryByte_NeedsMore(string name, byte[] bytes, string? source, string? destination)
    {
        _ = (name, source, destination);
        AssertEveryPrefixNeedsMore(bytes);
    }

    [Fact]
    public void TryParse_V2AtMaxLength_IsComplete()
    {
        var tlv = new byte[ProxyProtocolHeader.MaxLength - 16 - 216];
        tlv[0] = 0xE0;
        tlv[1] = (byte)((tlv.Length - 3) >> 8);
        tlv[2] = (byte)(tlv.Length - 3);
        var header = V2(0x21, 0x31, [.. new byte[216], .. tlv]);
        Assert.Equal(ProxyProtocolHeader.MaxLength, header.Length);
        AssertComplete(header, null, null, header.Length);
    }

    [Fact]
    public void TryParse_V2LongerThanMaxLength_IsInvalidFromItsFixedHeader()
    {
        var length = ProxyProtocolHeader.MaxLength - 16 + 1;
        byte[] header = [.. Signature, 0x21, 0x11, (byte)(length >> 8), (byte)length];
        AssertInvalid(header, "v2 header longer than");
        AssertInvalid([.. Signature, 0x21, 0x11, 0xFF, 0xFF], "v2 header longer than");
    }

    [Theory]
    [InlineData(0x11, 0x11, "version is not 2")]
    [InlineData(0x31, 0x11, "version is not 2")]
    [InlineData(0x01, 0x11, "version is not 2")]
    [InlineData(0x22, 0x11, "command is not LOCAL or PROXY")]
    [InlineData(0x2F, 0x11, "command is not LOCAL or PROXY")]
    [InlineData(0x21, 0x41, "family or transport")]
    [InlineData(0x21, 0xF1, "family or transport")]
    [InlineData(0x21, 0x13, "family or transport")]
    [InlineData(0x21, 0x1F, "family or transport")]
    public void TryParse_V2BadVersionCommandOrFamily_IsInvalidAsSoonAsTheByteArrives(byte versionCommand, byte family, string reason)
    {
        byte[] full = [.. Signature, versionCommand, family, 0, 12, .. new byte[12]];
        // The first bad byte decides: the version/command byte at offset 12, the family byte at 13.
        var decidingLength = reason.Contains("family", StringComparison.Ordinal) ? 14 : 13;
        for (var length = decidingLength; length <= full.Length; length++)
        {
            AssertInvalid(full.AsSpan(0, length), reason);
        }
        AssertEveryPrefixNeedsMore(full.AsSpan(0, decidingLength - 1));
    }

    [Theory]
    [InlineData(0x11, 11)]
    [InlineData(0x12, 0)]
    [InlineData(0x21, 35)]
    [InlineData(0x21, 12)]
    [InlineData(0x31, 215)]
    public void TryParse_V2LengthShorterThanAddresses_IsInvalid(byte family, int length) =>
        AssertInvalid(V2(0x21, family, new byte[length]), "shorter than its address block");

    [Theory]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x01, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x01 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x05, 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x00, 0x01, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x01, 0x00, 0x01, 7, 0x02 })]
    public void TryParse_V2TlvOverrunningTheHeader_IsInvalid(byte[] tlvs) =>
        AssertInvalid(V2(0x21, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2, .. tlvs]), "TLV overruns the header");

    [Fact]
    public void TryParse_SignatureWrongAtAnyByte_IsInvalidAtThatByte()
    {
        byte[] header = V2(0x21, 0x11, new byte[12]);
        for (var i = 0; i < 12; i++)
        {
            var corrupt = (byte[])header.Clone();
            corrupt[i] ^= 0x40;
            AssertInvalid(corrupt.AsSpan(0, i + 1), "not a PROXY protocol header");
            AssertInvalid(corrupt, "not a PROXY protocol header");
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0x03, 0x01 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { (byte)'G' })]
    [InlineData(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0D })]
    public void TryParse_NeitherSignature_IsInvalidAtOnce(byte[] data) =>
        AssertInvalid(data, "not a PROXY protocol header");

    [Fact]
    public void TryParse_Empty_NeedsMore() => AssertNeedsMore([]);

    [Fact]
    public void TryParse_AllocatesOnlyTheHeader()
    {
        var v1 = Encoding.ASCII.GetBytes("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        var local = V2(0x20, 0x00, []);
        byte[][] all = [v1, v1[..^1], HaproxyV2Capture, HaproxyV2Capture[..20], local];
        foreach (var data in all)
        {
            ProxyProtocolHeader.TryParse(data, out _, out _, out _);
        }

        // NeedMore and LOCAL (health checks, the most frequent header) allocate nothing.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ProxyProtocolHeader.TryParse(all[1], out _, out _, out _);
            ProxyProtocolHeader.TryParse(all[3], out _, out _, out _);
            ProxyProtocolHeader.TryParse(local, out _, out _, out _);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // A TCP4 header is the record, two endpoints and two addresses.
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ProxyProtocolHeader.TryParse(v1, out _, out _, out _);
            ProxyProtocolHeader.TryParse(HaproxyV2Capture, out _, out _, out _);
        }
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 1, 200 * 256);
    }

    [Fact]
    public void TryParse_RandomMutations_NeverThrowAndKeepTheContract()
    {
        byte[][] seeds =
        [
            HaproxyV2Capture,
            .. V1Headers().Select(row => Encoding.ASCII.GetBytes((string)row[0])),
            .. V2Headers().Select(row => (byte[])row[1]),
        ];
        var random = new Random(20261208);
        var outcomes = new int[3];
        for (var iteration = 0; iteration < 30_000; iteration++)
        {
            var data = ByteMutator.Mutate(seeds[random.Next(seeds.Length)], random);
            var status = ProxyProtocolHeader.TryParse(data, out var header, out var length, out var error);
            outcomes[(int)status]++;
            switch (status)
            {
                case PrereadStatus.Complete:
                    Assert.NotNull(header);
                    Assert.Null(error);
                    Assert.InRange(length, 15, Math.Min(data.Length, ProxyProtocolHeader.MaxLength));
                    Assert.Equal(header.Source is null, header.Destination is null);
                    // The header's own bytes decide it: what follows never matters.
                    Assert.Equal(PrereadStatus.Complete, ProxyProtocolHeader.TryParse(data.AsSpan(0, length), out var again, out var againLength, out _));
                    Assert.Equal(header, again);
                    Assert.Equal(length, againLength);
                    break;
                case PrereadStatus.NeedMore:
                    Assert.Null(header);
                    Assert.Null(error);
                    Assert.Equal(0, length);
                    Assert.True(data.Length < ProxyProtocolHeader.MaxLength);
                    break;
                default:
                    Assert.Null(header);
                    Assert.Equal(0, length);
                    Assert.False(string.IsNullOrEmpty(error));
                    break;
            }
        }
        // The mutations reach every outcome, so the run exercises more than the first byte check.
        Assert.All(outcomes, count => Assert.True(count > 1000, string.Join(",", outcomes)));
    }

    [Fact]
    public void TryParse_RandomValidHeaders_RoundTrip()
    {
        var random = new Random(7);
        for (var iteration = 0; iteration < 3_000; iteration++)
        {
            var v6 = random.Next(2) == 0;
            var source = new IPEndPoint(RandomAddress(random, v6), random.Next(65536));
            var destination = new IPEndPoint(RandomAddress(random, v6), random.Next(65536));
            byte[] header;
            if (random.Next(2) == 0)
            {
                header = Encoding.ASCII.GetBytes($"PROXY {(v6 ? "TCP6" : "TCP4")} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n");
            }
            else
            {
                var tlvs = Enumerable.Range(0, random.Next(4)).SelectMany(_ =>
                {
                    var value = new byte[random.Next(40)];
                    random.NextBytes(value);
                    return (byte[])[(byte)random.Next(256), 0, (byte)value.Length, .. value];
                });
                byte[] ports = [(byte)(source.Port >> 8), (byte)source.Port, (byte)(destination.Port >> 8), (byte)destination.Port];
                header = V2(0x21, (byte)((v6 ? 0x20 : 0x10) | random.Next(3)),
                    [.. source.Address.GetAddressBytes(), .. destination.Address.GetAddressBytes(), .. ports, .. tlvs]);
            }
            var payload = new byte[random.Next(8)];
            random.NextBytes(payload);

            Assert.Equal(PrereadStatus.Complete, ProxyProtocolHeader.TryParse([.. header, .. payload], out var parsed, out var length, out var error));
            Assert.Null(error);
            Assert.Equal(header.Length, length);
            Assert.Equal(new ProxyProtocolHeader(source, destination), parsed);
            if (iteration % 50 == 0)
            {
                AssertEveryPrefixNeedsMore(header);
            }
        }
    }

    private static IPAddress RandomAddress(Random random, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        random.NextBytes(bytes);
        // Runs of zeros, so "::" compression and IPv4-mapped forms come up.
        if (v6 && random.Next(2) == 0)
        {
            Array.Clear(bytes, random.Next(8), random.Next(9));
        }
        return new IPAddress(bytes);
    }

    private static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static byte[] V2(byte versionCommand, byte family, byte[] block) =>
        [.. Signature, versionCommand, family, (byte)(block.Length >> 8), (byte)block.Length, .. block];

    private static byte[] IPv6(string address) => IPAddress.Parse(address).GetAddressBytes();

    private static void AssertComplete(ReadOnlySpan<byte> data, string? source, string? destination, int expectedLength)
    {
        Assert.Equal(PrereadStatus.Complete, ProxyProtocolHeader.TryParse(data, out var header, out var length, out var error));
        Assert.Null(error);
        Assert.NotNull(header);
        Assert.Equal(expectedLength, length);
        Assert.Equal(source, header.Source?.ToString());
        Assert.Equal(destination, header.Destination?.ToString());
    }

    private static void AssertNeedsMore(ReadOnlySpan<byte> data)
    {
        Assert.Equal(PrereadStatus.NeedMore, ProxyProtocolHeader.TryParse(data, out var header, out var length, out var error));
        Assert.Null(header);
        Assert.Equal(0, length);
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
        Assert.Equal(PrereadStatus.Invalid, ProxyProtocolHeader.TryParse(data, out var header, out var length, out var error));
        Assert.Null(header);
        Assert.Equal(0, length);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
