using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>
/// Kong's traditional_compatible stream priority through real connections, with the cases of Kong's stream router spec
/// (spec/01-unit/08-router_spec.lua, "#stream context": [sources], [destinations], [sni] vs [src]/[dst]) on loopback
/// addresses: an exact address over a port over a CIDR, address and port together over either, sources and
/// destinations together over one of them, created_at between equals; no route closes the connection.
/// </summary>
[Collection(StreamNodeCollection.Name)]
public sealed class StreamRoutingTests(StreamNode fixture) : IAsyncLifetime
{
    private readonly List<StreamBackend> _backends = [];

    [Fact]
    public async Task Destinations_ExactAddressOverPortOverCidr_AddressAndPortOverEither()
    {
        var (a, b) = (StreamNode.AddressA, StreamNode.AddressB);
        await RouteAsync("dst-ip", $$"""{"destinations":[{"ip":"{{a}}"}]}""");
        await RouteAsync("dst-port", $$"""{"destinations":[{"port":{{fixture.PortsA[0]}}},{"port":{{fixture.PortsB[0]}}}]}""");
        await RouteAsync("dst-range", """{"destinations":[{"ip":"127.0.3.0/24"}]}""");
        await RouteAsync("dst-ip-port", $$"""{"destinations":[{"ip":"{{a}}","port":{{fixture.PortsA[1]}}}]}""");
        await RouteAsync("dst-range-port", $$"""{"destinations":[{"ip":"127.0.3.0/24","port":{{fixture.PortsB[1]}}}]}""");

        await StreamNode.AnsweredByAsync(b, fixture.PortsB[2], "dst-range");
        Assert.Equal("dst-ip", await StreamClient.WhoAnswersAsync(a, fixture.PortsA[0]));
        Assert.Equal("dst-ip-port", await StreamClient.WhoAnswersAsync(a, fixture.PortsA[1]));
        Assert.Equal("dst-port", await StreamClient.WhoAnswersAsync(b, fixture.PortsB[0]));
        Assert.Equal("dst-range-port", await StreamClient.WhoAnswersAsync(b, fixture.PortsB[1]));
    }

    [Fact]
    public async Task Sources_WithDestinations_OverDestinationsOnly_ExactOverPortOverCidr()
    {
        var port = fixture.TakePort();
        var sourcePort = FreePorts.Next();
        await RouteAsync("dst-only", $$"""{"destinations":[{"port":{{port}}}]}""");
        await RouteAsync("src-ip", $$"""{"sources":[{"ip":"127.0.5.7"}],"destinations":[{"port":{{port}}}]}""");
        await RouteAsync("src-range", $$"""{"sources":[{"ip":"127.0.5.0/24"}],"destinations":[{"port":{{port}}}]}""");
        await RouteAsync("src-port", $$"""{"sources":[{"port":{{sourcePort}}}],"destinations":[{"port":{{port}}}]}""");

        await StreamNode.AnsweredByAsync(IPAddress.Loopback, port, "src-ip", From("127.0.5.7"));
        Assert.Equal("dst-only", await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port));
        Assert.Equal("src-range", await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, From("127.0.5.9")));
        Assert.Equal("src-port", await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, From("127.0.0.1", sourcePort)));
        Assert.Equal("src-port", await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, From("127.0.5.9", sourcePort)));
        Assert.Equal("src-ip", await StreamClient.WhoAnswersAsync(IPAddress.Loopback, port, From("127.0.5.7", sourcePort)));
    }

    [Fact]
    public async Task EqualRoutes_TheOlderCreatedAtWins()
    {
        var port = fixture.TakePort();
        await RouteAsync("newer", $$"""{"destinations":[{"port":{{port}}}],"created_at":1900000000}""");
        await RouteAsync("older", $$"""{"destinations":[{"port":{{port}}}],"created_at":1800000000}""");

        await StreamNode.AnsweredByAsync(IPAddress.Loopback, port, "older");
    }

    [Fact]
    public async Task NoRoute_TheConnectionIsClosedAtOnce()
    {
        var port = fixture.TakePort();

        await using var client = await StreamClient.ConnectAsync(port);

        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Snis_OverSourcesAlone_SourcesAndDestinationsOverSnis()
    {
        await RouteAsync("by-sni", """{"protocols":["tls"],"snis":["prio.example"]}""");
        await RouteAsync("by-source", """{"protocols":["tls"],"sources":[{"ip":"127.0.5.20"}]}""");
        await RouteAsync("by-source-destination", $$"""{"protocols":["tls"],"sources":[{"ip":"127.0.5.21"}],"destinations":[{"port":{{fixture.SslPort}}}]}""");

        await Eventually.HoldsAsync(
            async () => await TlsWhoAnswersAsync("127.0.5.20", "prio.example") == "by-sni", TimeSpan.FromSeconds(15), "the sni route answers");
        Assert.Equal("by-source", await TlsWhoAnswersAsync("127.0.5.20", "other.example"));
        Assert.Equal("by-source-destination", await TlsWhoAnswersAsync("127.0.5.21", "prio.example"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    private static IPEndPoint From(string address, int port = 0) => new(IPAddress.Parse(address), port);

    private async Task<string?> TlsWhoAnswersAsync(string source, string serverName)
    {
        await using var client = await StreamClient.ConnectAsync(IPAddress.Loopback, fixture.SslPort, From(source));
        (await client.StartTlsAsync(serverName)).Dispose();
        return await client.GreetingAsync();
    }

    /// <summary>A backend named <paramref name="name"/>, a tcp service to it and a route on it (tcp unless the fields say).</summary>
    private async Task RouteAsync(string name, string fields)
    {
        var backend = StreamBackend.Start(name);
        _backends.Add(backend);
        var route = fields.Contains("\"protocols\"", StringComparison.Ordinal) ? fields : """{"protocols":["tcp"],""" + fields[1..];
        await fixture.Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", route);
    }
}
