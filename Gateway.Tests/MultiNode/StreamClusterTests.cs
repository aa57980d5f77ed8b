using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Stream routes on a two-node PostgreSQL cluster: a tcp route written on node A proxies on node B's stream listener,
/// and a change written on A reaches B's router as HTTP routes do.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class StreamClusterTests
{
    [Fact]
    public async Task TcpRouteWrittenOnA_ProxiesOnB_AndItsRemovalOnA_ClosesNewConnectionsOnB()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var echoing = EchoAsync(echo, stop.Token);
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        var nodes = new List<ClusterNode>();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            var clusterId = $"stream{Guid.NewGuid():N}";
            var streamPorts = new[] { FreePorts.Next(), FreePorts.Next() };
            foreach (var (name, port) in new[] { ("A", streamPorts[0]), ("B", streamPorts[1]) })
            {
                nodes.Add(await ClusterNode.StartAsync(name, database, "postgres", clusterId, extra: ["--stream_listen", $"127.0.0.1:{port}"]));
            }

            var (a, b) = (nodes[0], nodes[1]);
            var echoPort = ((IPEndPoint)echo.LocalEndpoint).Port;
            Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"echo","url":"tcp://127.0.0.1:{{echoPort}}"}""")).Status);
            var (created, route) = await a.CallAsync(HttpMethod.Post, "/routes",
                $$$"""{"name":"echo","protocols":["tcp"],"destinations":[{"port":{{{streamPorts[0]}}}},{"port":{{{streamPorts[1]}}}}],"service":{"name":"echo"}}""");
            Assert.Equal(201, created);

            await Eventually.HoldsAsync(async () => await EchoesAsync(streamPorts[1], "through B"), TimeSpan.FromSeconds(10), "node B proxies the route written on A");
            Assert.True(await EchoesAsync(streamPorts[0], "through A"));

            Assert.Equal(204, (await a.CallAsync(HttpMethod.Delete, $"/routes/{route!["id"]}")).Status);
            await Eventually.HoldsAsync(async () => !await EchoesAsync(streamPorts[1], "after removal"), TimeSpan.FromSeconds(10), "node B dropped the route removed on A");
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }

            await stop.CancelAsync();
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }

        await echoing;
    }

    /// <summary>Whether a connection to the stream port gets <paramref name="text"/> back (false when the gateway closes it).</summary>
    private static async Task<bool> EchoesAsync(int port, string text)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // A reset: nothing came back.
        }

        return Encoding.ASCII.GetString(received.ToArray()) == text;
    }

    private static async Task EchoAsync(TcpListener listener, CancellationToken token)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        await stream.CopyToAsync(stream, token);
                        client.Client.Shutdown(SocketShutdown.Send);
                    }
                }, token);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }
}
