using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>
/// One node with stream listeners for the stream test classes (the "streams" collection): plain TCP ports on
/// 127.0.0.1 that each test takes for itself (its routes name them in destinations, so tests never see each other's
/// connections), two <c>ssl</c> ports, a <c>proxy_protocol</c> port, a <c>udp</c> port, and ports on 127.0.2.1 and
/// 127.0.3.1 for the routing tests' destination addresses and ranges.
/// </summary>
public sealed class StreamNode : IAsyncLifetime
{
    private const int TcpPorts = 24;

    /// <summary>The loopback address of the destination-address routing tests.</summary>
    public static readonly IPAddress AddressA = IPAddress.Parse("127.0.2.1");

    /// <summary>The loopback address (in 127.0.3.0/24) of the destination-range routing tests.</summary>
    public static readonly IPAddress AddressB = IPAddress.Parse("127.0.3.1");

    private readonly int[] _tcp = [.. Enumerable.Range(0, TcpPorts).Select(_ => FreePorts.Next())];
    private int _taken;
    private TestNode? _node;

    /// <summary>The running node.</summary>
    public TestNode Node => _node ?? throw new InvalidOperationException("the node has not started");

    /// <summary>The <c>ssl</c> stream listener on 127.0.0.1.</summary>
    public int SslPort { get; } = FreePorts.Next();

    /// <summary>The <c>proxy_protocol</c> stream listener on 127.0.0.1.</summary>
    public int ProxyProtocolPort { get; } = FreePorts.Next();

    /// <summary>The <c>udp</c> stream listener on 127.0.0.1.</summary>
    public int UdpPort { get; } = FreePorts.Next();

    /// <summary>Two ports listened on at <see cref="AddressA"/>.</summary>
    public int[] PortsA { get; } = [FreePorts.Next(), FreePorts.Next()];

    /// <summary>Three ports listened on at <see cref="AddressB"/>.</summary>
    public int[] PortsB { get; } = [FreePorts.Next(), FreePorts.Next(), FreePorts.Next()];

    /// <summary>A plain TCP stream port on 127.0.0.1 no other test uses.</summary>
    public int TakePort()
    {
        var index = Interlocked.Increment(ref _taken) - 1;
        Assert.True(index < TcpPorts, $"the stream tests need more than {TcpPorts} TCP ports: raise StreamNode.TcpPorts");
        return _tcp[index];
    }

    /// <summary>A tcp service to <paramref name="backend"/> and a route for a port of its own (destinations); returns the port once it answers.</summary>
    internal async Task<int> TcpRouteAsync(StreamBackend backend)
    {
        var port = TakePort();
        await Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");
        await AnsweredByAsync(IPAddress.Loopback, port, backend.Name);
        return port;
    }

    /// <summary>Waits until a connection to <paramref name="address"/>:<paramref name="port"/> is answered by <paramref name="backend"/> (the config is live).</summary>
    public static Task AnsweredByAsync(IPAddress address, int port, string backend, IPEndPoint? source = null) =>
        Eventually.HoldsAsync(
            async () => await StreamClient.WhoAnswersAsync(address, port, source) == backend, TimeSpan.FromSeconds(15), $"{address}:{port} answered by {backend}");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var listen = _tcp.Select(p => $"127.0.0.1:{p}")
            .Append($"127.0.0.1:{SslPort} ssl")
            .Append($"127.0.0.1:{ProxyProtocolPort} proxy_protocol")
            .Append($"127.0.0.1:{UdpPort} udp")
            .Concat(PortsA.Select(p => $"{AddressA}:{p}"))
            .Concat(PortsB.Select(p => $"{AddressB}:{p}"));
        _node = await TestNode.StartAsync("--stream_listen", string.Join(", ", listen));
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

/// <summary>The test classes sharing one <see cref="StreamNode"/>.</summary>
[CollectionDefinition(Name)]
public sealed class StreamNodeCollection : ICollectionFixture<StreamNode>
{
    public const string Name = "streams";
}
