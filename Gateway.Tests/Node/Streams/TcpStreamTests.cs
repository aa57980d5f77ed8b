using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tests.Node.Streams;

/// <summary>TCP through a stream listener: bytes both ways in order, and half-close (one side's FIN passed on while the other keeps talking).</summary>
[Collection(StreamNodeCollection.Name)]
public sealed class TcpStreamTests(StreamNode fixture)
{
    private const int LargePayload = 4 * 1024 * 1024;

    [Fact]
    public async Task LargePayload_EchoedWhole_InOrder()
    {
        await using var backend = StreamBackend.Start("echo");
        var port = await fixture.TcpRouteAsync(backend);
        var payload = RandomNumberGenerator.GetBytes(LargePayload);

        await using var client = await StreamClient.ConnectAsync(port);
        Assert.Equal("echo", await client.ReadLineAsync());
        // Written while the echo is read: neither side's buffers need to hold it all.
        var writing = Task.Run(async () =>
        {
            await client.Stream.WriteAsync(payload);
            client.EndSending();
        });
        var echoed = await client.ReadToEndAsync();
        await writing;

        var expected = Encoding.Latin1.GetString(payload) + StreamBackend.EndMark;
        Assert.Equal(expected.Length, echoed.Length);
        Assert.True(SHA256.HashData(Encoding.Latin1.GetBytes(expected)).AsSpan().SequenceEqual(SHA256.HashData(Encoding.Latin1.GetBytes(echoed))),
            "the echo differs from what was sent");
    }

    [Fact]
    public async Task ClientEndsItsHalf_BackendStillAnswers_ThenTheClientSeesEof()
    {
        await using var backend = StreamBackend.Start("half");
        var port = await fixture.TcpRouteAsync(backend);

        await using var client = await StreamClient.ConnectAsync(port);
        Assert.Equal("half", await client.ReadLineAsync());
        await client.SendAsync("last words");
        client.EndSending();

        // The backend saw the FIN (it writes its end mark only then) and could still write; then its FIN came through.
        Assert.Equal("last words" + StreamBackend.EndMark, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task TwoConnections_EachGetsItsOwnEcho()
    {
        await using var backend = StreamBackend.Start("pair");
        var port = await fixture.TcpRouteAsync(backend);

        var before = backend.Connections;
        await using var one = await StreamClient.ConnectAsync(port);
        await using var two = await StreamClient.ConnectAsync(port);
        Assert.Equal("pair", await one.ReadLineAsync());
        Assert.Equal("pair", await two.ReadLineAsync());
        await two.SendAsync("second");
        await one.SendAsync("first");

        Assert.Equal("first", await one.ReadTextAsync(5));
        Assert.Equal("second", await two.ReadTextAsync(6));
        Assert.Equal(before + 2, backend.Connections);
    }

    [Fact]
    public async Task NothingMovesForTheServiceReadTimeout_TheGatewayClosesTheSession()
    {
        await using var backend = StreamBackend.Start("idle");
        var port = fixture.TakePort();
        await fixture.Node.RouteAsync(
            $$"""{"url":"tcp://127.0.0.1:{{backend.Port}}","read_timeout":300}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");
        await StreamNode.AnsweredByAsync(IPAddress.Loopback, port, backend.Name);

        await using var client = await StreamClient.ConnectAsync(port);
        Assert.Equal("idle", await client.ReadLineAsync());

        // Within the read's patience (10 s), well past 300 ms of silence both ways.
        Assert.Equal("", await client.ReadToEndAsync());
    }
}
