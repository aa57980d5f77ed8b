using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Gateway.Tests.Node.Streams;

/// <summary>A <c>proxy_protocol</c> stream listener: the v1 or v2 header's source address is the client the router sees; a broken header closes the connection.</summary>
[Collection(StreamNodeCollection.Name)]
public sealed class ProxyProtocolTests(StreamNode fixture) : IAsyncLifetime
{
    private readonly StreamBackend _backend = StreamBackend.Start("behind-proxy");

    [Fact]
    public async Task V1Header_ItsSourceMatchesTheRoute()
    {
        await using var client = await StreamClient.ConnectAsync(fixture.ProxyProtocolPort);
        await client.SendAsync($"PROXY TCP4 10.1.2.3 127.0.0.1 40000 {fixture.ProxyProtocolPort}\r\n");

        Assert.Equal(_backend.Name, await client.GreetingAsync());
    }

    [Fact]
    public async Task V2Header_ItsSourceMatchesTheRoute()
    {
        await using var client = await StreamClient.ConnectAsync(fixture.ProxyProtocolPort);
        await client.Stream.WriteAsync(V2Header(IPAddress.Parse("10.1.2.3"), 40001, IPAddress.Loopback, fixture.ProxyProtocolPort));

        Assert.Equal(_backend.Name, await client.GreetingAsync());
    }

    [Fact]
    public async Task HeaderOfAnotherSource_NoRoute_Closed()
    {
        await using var client = await StreamClient.ConnectAsync(fixture.ProxyProtocolPort);
        await client.SendAsync($"PROXY TCP4 10.9.9.9 127.0.0.1 40002 {fixture.ProxyProtocolPort}\r\n");

        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task BrokenHeader_Closed()
    {
        await using var client = await StreamClient.ConnectAsync(fixture.ProxyProtocolPort);
        await client.SendAsync("NOT A PROXY HEADER\r\n");

        Assert.Equal("", await client.ReadToEndAsync());
        Assert.DoesNotContain(_backend.FirstBytes, b => b.Contains("NOT A PROXY", StringComparison.Ordinal));
    }

    public async Task InitializeAsync()
    {
        await fixture.Node.RouteAsync(
            $$"""{"url":"tcp://127.0.0.1:{{_backend.Port}}"}""",
            $$"""{"protocols":["tcp"],"sources":[{"ip":"10.1.2.3"}],"destinations":[{"port":{{fixture.ProxyProtocolPort}}}]}""");
    }

    public async Task DisposeAsync()
    {
        // Each test made its own route; none is left for the next.
        var routes = await fixture.Node.GetAsync("/routes?size=1000");
        foreach (var route in routes["data"]!.AsArray())
        {
            if (route!["sources"]?.ToJsonString().Contains("10.1.2.3", StringComparison.Ordinal) == true)
            {
                await fixture.Node.CallAsync(HttpMethod.Delete, $"/routes/{route["id"]}");
            }
        }

        await _backend.DisposeAsync();
    }

    /// <summary>A PROXY protocol v2 header (PROXY command, TCP over IPv4).</summary>
    private static byte[] V2Header(IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        var header = new byte[16 + 12];
        "\r\n\r\n\0\r\nQUIT\n"u8.CopyTo(header);
        header[12] = 0x21;
        header[13] = 0x11;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 12);
        source.GetAddressBytes().CopyTo(header, 16);
        destination.GetAddressBytes().CopyTo(header, 20);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(24), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(26), (ushort)destinationPort);
        return header;
    }
}
