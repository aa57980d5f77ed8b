using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Routing;
using Gateway.Node.Streams.Routing;
using Gateway.Storage.Snapshot;

namespace Gateway.Tests.Node.Streams.Routing;

/// <summary>
/// Kong's stream router, traditional_compatible (kong/router/transform.lua stream_get_priority and get_expression),
/// as a table: which route a connection gets, by protocol, SNI, source and destination, priority and created_at.
/// </summary>
public class StreamRouteTableTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.7");
    private static readonly IPAddress Server = IPAddress.Parse("127.0.0.1");

    [Fact]
    public void Destinations_PortMatches_OtherPortDoesNot()
    {
        var table = Table(Route("a", "tcp", destinations: [Endpoint(port: 9000)]));

        Assert.Equal("a", Match(table, "tcp", dstPort: 9000));
        Assert.Null(Match(table, "tcp", dstPort: 9001));
    }

    [Fact]
    public void Sources_IpAndCidr_MatchTheClientAddress()
    {
        var table = Table(
            Route("exact", "tcp", sources: [Endpoint("10.0.0.7")]),
            Route("range", "tcp", sources: [Endpoint("10.0.0.0/8")]));

        Assert.Equal("exact", Match(table, "tcp", src: "10.0.0.7"));
        Assert.Equal("range", Match(table, "tcp", src: "10.9.9.9"));
        Assert.Null(Match(table, "tcp", src: "192.168.1.1"));
    }

    [Fact]
    public void Endpoint_WithIpAndPort_NeedsBoth()
    {
        var table = Table(Route("both", "tcp", sources: [Endpoint("10.0.0.7", 5000)]));

        Assert.Equal("both", Match(table, "tcp", src: "10.0.0.7", srcPort: 5000));
        Assert.Null(Match(table, "tcp", src: "10.0.0.7", srcPort: 5001));
        Assert.Null(Match(table, "tcp", src: "10.0.0.8", srcPort: 5000));
    }

    [Fact]
    public void SourceAndDestination_OutranksEither()
    {
        // Kong: "[src] + [dst] has higher priority than [sni]" and than either alone.
        var table = Table(
            Route("dst", "tcp", destinations: [Endpoint("127.0.0.1", 9000)], createdAt: 1),
            Route("src", "tcp", sources: [Endpoint("10.0.0.7", 5000)], createdAt: 2),
            Route("src+dst", "tcp", sources: [Endpoint(port: 5000)], destinations: [Endpoint(port: 9000)], createdAt: 3));

        Assert.Equal("src+dst", Match(table, "tcp", srcPort: 5000, dstPort: 9000));
        Assert.Equal("dst", Match(table, "tcp", srcPort: 5001, dstPort: 9000));
    }

    [Fact]
    public void Source_OutranksDestination()
    {
        // The source bits sit above the destination bits.
        var table = Table(
            Route("dst", "tcp", destinations: [Endpoint("127.0.0.1", 9000)], createdAt: 1),
            Route("src", "tcp", sources: [Endpoint(port: 5000)], createdAt: 2));

        Assert.Equal("src", Match(table, "tcp", srcPort: 5000, dstPort: 9000));
    }

    [Fact]
    public void ExactIp_OutranksPort_OutranksCidr()
    {
        var table = Table(
            Route("cidr", "tcp", destinations: [Endpoint("127.0.0.0/8")], createdAt: 1),
            Route("port", "tcp", destinations: [Endpoint(port: 9000)], createdAt: 2),
            Route("ip", "tcp", destinations: [Endpoint("127.0.0.1")], createdAt: 3));

        Assert.Equal("ip", Match(table, "tcp", dstPort: 9000));
        Assert.Equal("port", Match(table, "tcp", dst: "127.0.0.2", dstPort: 9000));
        Assert.Equal("cidr", Match(table, "tcp", dst: "127.0.0.2", dstPort: 9001));
    }

    [Fact]
    public void EqualPriority_OlderRouteWins()
    {
        var table = Table(
            Route("newer", "tcp", destinations: [Endpoint(port: 9000)], createdAt: 20),
            Route("older", "tcp", destinations: [Endpoint(port: 9000)], createdAt: 10));

        Assert.Equal("older", Match(table, "tcp", dstPort: 9000));
        Assert.Equal(["older", "newer"], table.Routes.Select(r => r.Name));
    }

    [Fact]
    public void Snis_ChooseAmongTlsRoutes_AndOutrankDestinations()
    {
        var table = Table(
            Route("any", "tls", destinations: [Endpoint(port: 9443)], createdAt: 1),
            Route("a", "tls", snis: ["a.example."], createdAt: 2),
            Route("b", "tls_passthrough", snis: ["B.example"], createdAt: 3));

        Assert.Equal("a", Match(table, "tls", dstPort: 9443, sni: "a.example"));
        Assert.Equal("b", Match(table, "tls", dstPort: 9443, sni: "b.example"));
        Assert.Equal("any", Match(table, "tls", dstPort: 9443, sni: "c.example"));
        Assert.Equal("any", Match(table, "tls", dstPort: 9443, sni: null));
    }

    [Fact]
    public void Snis_DoNotConstrainPlainTcp()
    {
        // Kong/kong#6425: on a connection without TLS the snis condition is not considered.
        var table = Table(Route("mixed", ["tcp", "tls"], snis: ["a.example"], destinations: [Endpoint(port: 9000)]));

        Assert.Equal("mixed", Match(table, "tcp", dstPort: 9000));
        Assert.Null(Match(table, "tls", dstPort: 9000, sni: "b.example"));
    }

    [Fact]
    public void Protocol_MustBeTheRoutes()
    {
        var table = Table(
            Route("udp", "udp", destinations: [Endpoint(port: 9000)]),
            Route("passthrough", "tls_passthrough", snis: ["a.example"]));

        Assert.Equal("udp", Match(table, "udp", dstPort: 9000));
        Assert.Null(Match(table, "tcp", dstPort: 9000));

        // A tls or tls_passthrough route takes TLS connections only (Kong 3.9's lets it outrank tcp and udp routes everywhere).
        Assert.Null(Match(table, "udp", dstPort: 9001));
        Assert.Null(Match(table, "tcp", dstPort: 9001));
    }

    [Fact]
    public void HttpRoutes_AndRoutesOfDisabledServices_AreLeftOut()
    {
        var service = new JsonObject { ["id"] = "s1", ["host"] = "127.0.0.1", ["port"] = 9, ["protocol"] = "tcp", ["enabled"] = false };
        var disabled = Route("disabled", "tcp", destinations: [Endpoint(port: 9000)]);
        disabled["service"] = new JsonObject { ["id"] = "s1" };
        var http = new JsonObject { ["id"] = "h", ["name"] = "http", ["protocols"] = new JsonArray("http"), ["paths"] = new JsonArray("/") };

        var table = Table([service], disabled, http);

        Assert.Empty(table.Routes);
    }

    [Fact]
    public void Ipv6_Endpoints_Match()
    {
        var table = Table(Route("v6", "tcp", sources: [Endpoint("fd00::/8")]));

        Assert.Equal("v6", Match(table, "tcp", src: "fd00::1"));
        Assert.Null(Match(table, "tcp", src: "10.0.0.7"));
    }

    private static string? Match(StreamRouteTable table, string scheme, string? src = null, int srcPort = 40000, string? dst = null, int dstPort = 9000, string? sni = null) =>
        table.Match(new StreamRequest(scheme, src is null ? Client : IPAddress.Parse(src), srcPort, dst is null ? Server : IPAddress.Parse(dst), dstPort, sni))?.Name;

    private static JsonObject Endpoint(string? ip = null, int? port = null)
    {
        var endpoint = new JsonObject();
        if (ip is not null)
        {
            endpoint["ip"] = ip;
        }

        if (port is not null)
        {
            endpoint["port"] = port;
        }

        return endpoint;
    }

    private static JsonObject Route(string name, string protocol, JsonObject[]? sources = null, JsonObject[]? destinations = null, string[]? snis = null, long createdAt = 1) =>
        Route(name, [protocol], sources, destinations, snis, createdAt);

    private static JsonObject Route(string name, string[] protocols, JsonObject[]? sources = null, JsonObject[]? destinations = null, string[]? snis = null, long createdAt = 1) => new()
    {
        ["id"] = $"id-{name}",
        ["name"] = name,
        ["created_at"] = createdAt,
        ["protocols"] = new JsonArray([.. protocols.Select(p => (JsonNode?)p)]),
        ["sources"] = sources is null ? null : new JsonArray([.. sources]),
        ["destinations"] = destinations is null ? null : new JsonArray([.. destinations]),
        ["snis"] = snis is null ? null : new JsonArray([.. snis.Select(s => (JsonNode?)s)]),
    };

    private static StreamRouteTable Table(params JsonObject[] routes) => Table([], routes);

    private static StreamRouteTable Table(JsonObject[] services, params JsonObject[] routes)
    {
        var data = new ConfigData(1, new Dictionary<string, IReadOnlyList<JsonObject>> { ["services"] = services, ["routes"] = routes });
        return StreamRouteTable.Build(data, RouteTable.Build(data).Services);
    }
}
