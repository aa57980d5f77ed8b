using System.Net;
using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public class ListenerParserTests
{
    [Fact]
    public void ParseList_KongProxyDefault_GivesTwoListenersWithFlags()
    {
        var listeners = ListenerParser.ParseList("0.0.0.0:8000 reuseport backlog=16384, 0.0.0.0:8443 http2 ssl reuseport backlog=16384");

        Assert.Equal(2, listeners.Count);
        Assert.Equal(IPAddress.Any, listeners[0].Address);
        Assert.Equal(8000, listeners[0].Port);
        Assert.False(listeners[0].Ssl);
        Assert.False(listeners[0].Http2);
        Assert.True(listeners[0].HasFlag("reuseport"));
        Assert.Equal(["reuseport", "backlog=16384"], listeners[0].Flags);
        Assert.True(listeners[1].Ssl);
        Assert.True(listeners[1].Http2);
        Assert.Equal(8443, listeners[1].Port);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("  off  ")]
    public void ParseList_Off_GivesNone(string value) => Assert.Empty(ListenerParser.ParseList(value));

    [Fact]
    public void ParseList_BracketedIPv6_ParsesAddressAndPort()
    {
        var listener = Assert.Single(ListenerParser.ParseList("[::1]:8001 ssl"));

        Assert.Equal(IPAddress.IPv6Loopback, listener.Address);
        Assert.Equal("::1", listener.Host);
        Assert.Equal(8001, listener.Port);
        Assert.True(listener.Ssl);
        Assert.Equal("[::1]:8001 ssl", listener.ToString());
    }

    [Fact]
    public void ParseList_HostName_IsKeptWithoutAddress()
    {
        var listener = Assert.Single(ListenerParser.ParseList("localhost:8001"));

        Assert.Equal("localhost", listener.Host);
        Assert.Null(listener.Address);
    }

    [Fact]
    public void ParseList_StrayCommasAndSpaces_AreTolerated()
    {
        var listeners = ListenerParser.ParseList(" 127.0.0.1:1 ,, 127.0.0.1:2   proxy_protocol ,");

        Assert.Equal(["127.0.0.1:1", "127.0.0.1:2 proxy_protocol"], listeners.Select(l => l.ToString()));
        Assert.True(listeners[1].ProxyProtocol);
    }

    [Fact]
    public void ParseList_PortZero_IsAllowedForTests() => Assert.Equal(0, ListenerParser.ParseList("127.0.0.1:0").Single().Port);

    [Theory]
    [InlineData("abc", "'abc' is not an address:port")]
    [InlineData("127.0.0.1", "'127.0.0.1' is not an address:port")]
    [InlineData("127.0.0.1:", "'127.0.0.1:' is not an address:port")]
    [InlineData("127.0.0.1:80a", "'127.0.0.1:80a' is not an address:port")]
    [InlineData("1.2:80", "'1.2:80' is not an address:port")]
    [InlineData("::1:8001", "'::1:8001' is not an address:port")]
    [InlineData("[127.0.0.1]:80", "'[127.0.0.1]:80' is not an address:port")]
    [InlineData("[::1]8001", "'[::1]8001' is not an address:port")]
    [InlineData("0.0.0.0:70000", "port 70000 in '0.0.0.0:70000' is out of range (0-65535)")]
    [InlineData("", "expected 'off' or <ip>:<port> [flags], [... next entry ...]")]
    [InlineData("off, 127.0.0.1:1", "'off' cannot be combined with other listeners")]
    public void ParseList_Malformed_ThrowsWithReason(string value, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => ListenerParser.ParseList(value));
        Assert.Equal(reason, ex.Message);
    }

    [Fact]
    public void ParseList_UnknownFlag_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ListenerParser.ParseList("0.0.0.0:8443 sssl"));
        Assert.StartsWith("unknown flag 'sssl' in '0.0.0.0:8443 sssl' (expected ssl, http2,", ex.Message);
    }

    [Theory]
    [InlineData("backlog=x")]
    [InlineData("ipv6only=maybe")]
    public void ParseList_FlagWithBadValue_IsUnknown(string flag) =>
        Assert.Throws<FormatException>(() => ListenerParser.ParseList("0.0.0.0:1 " + flag));

    [Fact]
    public void ParseSingle_RejectsFlagsAndLists()
    {
        Assert.Equal("'0.0.0.0:7946 ssl' takes no flags (unexpected 'ssl')",
            Assert.Throws<FormatException>(() => ListenerParser.ParseSingle("0.0.0.0:7946 ssl")).Message);
        Assert.Equal("'0.0.0.0:1, 0.0.0.0:2' must be a single <ip>:<port>",
            Assert.Throws<FormatException>(() => ListenerParser.ParseSingle("0.0.0.0:1, 0.0.0.0:2")).Message);
    }

    [Fact]
    public void ParseStreamList_KongExamples_KeepTheirFlags()
    {
        // kong.conf.default's stream_listen examples, with udp and ssl entries.
        var listeners = ListenerParser.ParseStreamList("127.0.0.1:7000 reuseport backlog=16384, [::1]:1234 backlog=16384, 0.0.0.0:9053 udp, 0.0.0.0:9443 ssl proxy_protocol so_keepalive=30m::10");

        Assert.Equal(4, listeners.Count);
        Assert.Equal(16384, listeners[0].Backlog);
        Assert.True(listeners[0].HasFlag("reuseport"));
        Assert.Equal("::1", listeners[1].Host);
        Assert.True(listeners[2].Udp);
        Assert.True(listeners[3].Ssl && listeners[3].ProxyProtocol && !listeners[3].Udp);
        Assert.Empty(ListenerParser.ParseStreamList("off"));
    }

    [Theory]
    [InlineData("127.0.0.1:9000 ssl udp", "\"ssl\" parameter is incompatible with \"udp\"")]
    [InlineData("127.0.0.1:9000 udp proxy_protocol", "\"proxy_protocol\" parameter is incompatible with \"udp\"")]
    [InlineData("127.0.0.1:9000 udp backlog=10", "\"backlog\" parameter is incompatible with \"udp\"")]
    [InlineData("127.0.0.1:9000 http2", "unknown flag 'http2'")]
    [InlineData("127.0.0.1:9000 deferred", "unknown flag 'deferred'")]
    public void ParseStreamList_NginxRefusals_AreOneLine(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ListenerParser.ParseStreamList(value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ParseList_Http_RefusesTheUdpFlag() =>
        Assert.Contains("unknown flag 'udp'", Assert.Throws<FormatException>(() => ListenerParser.ParseList("127.0.0.1:8000 udp")).Message, StringComparison.Ordinal);
}
