using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>The gateway executable with stream_listen: bad values and a port in use stop start-up with one line; a connection no route matches is logged as Kong logs it.</summary>
public sealed class StreamStartupTests : IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-stream-").FullName;

    [Theory]
    [InlineData("127.0.0.1:1 ssl udp", "\"ssl\" parameter is incompatible with \"udp\" in '127.0.0.1:1 ssl udp'")]
    [InlineData("127.0.0.1:1 http2", "unknown flag 'http2' in '127.0.0.1:1 http2' (expected ssl, udp, proxy_protocol,")]
    public async Task BadStreamListen_ExitsWithOneLine(string value, string reason)
    {
        var (code, stdout, stderr) = await NodeProcess.RunAsync([.. Arguments(), "--stream_listen", value]);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr);
        Assert.StartsWith($"gateway: invalid value for stream_listen (from --stream_listen): {reason}", line, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task StreamPortInUse_ExitsWithOneLineNamingIt()
    {
        var port = FreePorts.Next();
        using var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();

        var (code, _, stderr) = await NodeProcess.RunAsync([.. Arguments(), "--stream_listen", $"127.0.0.1:{port}"]);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr);
        Assert.StartsWith($"gateway: stream_listen 127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRoute_ConnectionClosed_AndLoggedAsKongLogsIt()
    {
        var port = FreePorts.Next();
        using var node = NodeProcess.Start([.. Arguments(), "--stream_listen", $"127.0.0.1:{port}"]);
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    await using var client = await StreamClient.ConnectAsync(port);
                    return await client.ReadToEndAsync() == "";
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            $"the stream listener on {port} closes an unrouted connection");

        await Eventually.HoldsAsync(
            () => node.Stdout.Any(l => l.Contains("no Route found with those values", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the no-route log line");
    }

    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    private List<string> Arguments() =>
        ["start", .. TestNode.Arguments(_prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next())];
}
