using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>UDP through a <c>udp</c> stream listener: a session per client address, each client getting its own answers.</summary>
[Collection(StreamNodeCollection.Name)]
public sealed class UdpStreamTests(StreamNode fixture)
{
    [Fact]
    public async Task TwoClients_EachGetsItsOwnAnswers_OverSessionsOfTheirOwn()
    {
        using var echo = new UdpEcho();
        await fixture.Node.RouteAsync($$"""{"url":"udp://127.0.0.1:{{echo.Port}}"}""", $$"""{"protocols":["udp"],"destinations":[{"port":{{fixture.UdpPort}}}]}""");
        // A fresh client address each try: a datagram that came before the route opened a refused session for its address.
        await Eventually.HoldsAsync(
            async () =>
            {
                using var probe = Client();
                return await ExchangeAsync(probe, "ready", TimeSpan.FromSeconds(1)) == "echo:ready";
            },
            TimeSpan.FromSeconds(15),
            "the udp route answers");
        var sessionsBefore = echo.Sources.Count;

        using var one = Client();
        using var two = Client();
        for (var round = 0; round < 3; round++)
        {
            await one.SendAsync(Encoding.ASCII.GetBytes($"one-{round}"));
            await two.SendAsync(Encoding.ASCII.GetBytes($"two-{round}"));
            Assert.Equal($"echo:two-{round}", await ReceiveAsync(two, StreamClient.Patience));
            Assert.Equal($"echo:one-{round}", await ReceiveAsync(one, StreamClient.Patience));
        }

        // The gateway sent each client's datagrams from a socket of that client's session.
        Assert.Equal(sessionsBefore + 2, echo.Sources.Count);
    }

    [Fact]
    public async Task IdleSession_EndsAfterTheServicesReadTimeout_AndIsLoggedWithItsBytes()
    {
        using var echo = new UdpEcho();

        // Sources and destinations together outrank the other test's destination-only route, for this client address only.
        var client = new IPEndPoint(IPAddress.Parse("127.0.8.1"), 0);
        var route = await fixture.Node.RouteAsync(
            $$"""{"url":"udp://127.0.0.1:{{echo.Port}}","read_timeout":300}""",
            $$$"""{"protocols":["udp"],"sources":[{"ip":"127.0.8.1"}],"destinations":[{"port":{{{fixture.UdpPort}}}}]}""");
        var path = Path.Combine(fixture.Node.Prefix, $"udp-{fixture.UdpPort}.log");
        await fixture.Node.CreateAsync($"/routes/{route}/plugins", $$$"""{"name":"file-log","protocols":["udp"],"config":{"path":"{{{path}}}"}}""");

        // Each try from a fresh port: a datagram that came before the route opened a refused session for its address.
        string? answer = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var udp = new UdpClient(client);
                udp.Connect(IPAddress.Loopback, fixture.UdpPort);
                answer = await ExchangeAsync(udp, "ping", TimeSpan.FromSeconds(1));
                return answer == "echo:ping";
            },
            TimeSpan.FromSeconds(15),
            "the udp route answers");

        // The session idles out after 300 ms; its record is written then.
        System.Text.Json.Nodes.JsonNode? record = null;
        await Eventually.HoldsAsync(
            () =>
            {
                record = File.Exists(path)
                    ? File.ReadAllLines(path).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).LastOrDefault(r => r["session"]?["status"]?.GetValue<int>() == 200)
                    : null;
                return record is not null;
            },
            TimeSpan.FromSeconds(15),
            "the idle session was logged");
        Assert.Equal("ping".Length, record!["session"]!["received"]!.GetValue<long>());
        Assert.Equal("echo:ping".Length, record["session"]!["sent"]!.GetValue<long>());
        Assert.Equal("ping".Length, record["upstream"]!["sent"]!.GetValue<long>());
        Assert.Equal("127.0.8.1", record["client_ip"]!.GetValue<string>());
        Assert.Equal(route, record["route"]!["id"]!.GetValue<string>());
    }

    private UdpClient Client()
    {
        var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(IPAddress.Loopback, fixture.UdpPort);
        return client;
    }

    private static async Task<string?> ExchangeAsync(UdpClient client, string text, TimeSpan patience)
    {
        await client.SendAsync(Encoding.ASCII.GetBytes(text));
        try
        {
            return await ReceiveAsync(client, patience);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<string> ReceiveAsync(UdpClient client, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var received = await client.ReceiveAsync(timeout.Token);
        return Encoding.ASCII.GetString(received.Buffer);
    }

    /// <summary>A UDP server on 127.0.0.1 answering each datagram with <c>echo:</c> and the datagram, remembering who sent it.</summary>
    private sealed class UdpEcho : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, FreePorts.Next()));
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<IPEndPoint, byte> _sources = new();

        public UdpEcho() => _ = RunAsync();

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        /// <summary>The addresses datagrams came from.</summary>
        public IReadOnlyCollection<IPEndPoint> Sources => [.. _sources.Keys];

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            try
            {
                while (true)
                {
                    var received = await _socket.ReceiveAsync(_stop.Token);
                    _sources.TryAdd(received.RemoteEndPoint, 0);
                    await _socket.Client.SendToAsync((byte[])[.. "echo:"u8, .. received.Buffer], SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopped.
            }
        }
    }
}
