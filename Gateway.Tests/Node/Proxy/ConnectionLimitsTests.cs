using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>
/// Client connections against nginx_events_worker_connections (3 here) and nginx_http_keepalive_timeout (1 s): idle
/// connections do not pile up, and past the count a new connection is closed unanswered while the open ones go on.
/// </summary>
public sealed class ConnectionLimitsTests(ConnectionLimitsTests.ConnectionsFixture fixture) : IClassFixture<ConnectionLimitsTests.ConnectionsFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task PastTheCount_ANewConnectionIsClosedUnanswered_AndServedOnceOneCloses()
    {
        await using var backend = await Backend.StartAsync();
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{backend.Port}}}""", """{"hosts":["count.test"]}""");
        var held = new List<RawConnection>();
        try
        {
            // Each holds a request in flight (the backend waits), so none is idle and none is closed for it.
            while (held.Count < ConnectionsFixture.Connections)
            {
                held.Add(await HoldAsync(backend, held.Count + 1));
            }

            await using (var refused = await RawConnection.OpenAsync(Node.ProxyPort))
            {
                try
                {
                    await refused.SendAsync("GET / HTTP/1.1\r\nHost: count.test\r\n\r\n");
                }
                catch (IOException)
                {
                    // Closed before the request was written: refused all the same.
                }

                Assert.Null(await refused.ReadResponseAsync());
            }

            await held[0].DisposeAsync();
            held.RemoveAt(0);
            await Eventually.HoldsAsync(ServedAsync, TimeSpan.FromSeconds(20), "a new connection is served once one closed");
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task IdleConnection_ClosedAfterTheKeepaliveTimeout()
    {
        await Node.RouteAsync($$"""{"host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"hosts":["idle.test"]}""");
        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);
            await connection.SendAsync("GET / HTTP/1.1\r\nHost: idle.test\r\n\r\n");
            if ((await connection.ReadResponseAsync())?.Status != 200)
            {
                return false; // a connection of another test not released yet
            }

            Assert.True(await connection.ClosedByServerAsync());
            return true;
        }, TimeSpan.FromSeconds(20), "an idle connection was served, then closed");
    }

    [Fact]
    public async Task SilentConnection_Closed()
    {
        // A client that connects and sends nothing holds its connection for the keepalive timeout at most.
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);

        Assert.True(await connection.ClosedByServerAsync());
    }

    /// <summary>A connection with a request the backend is still answering: opened again until the node takes it (an earlier test's connection may still count).</summary>
    private async Task<RawConnection> HoldAsync(Backend backend, int requests)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var connection = await RawConnection.OpenAsync(Node.ProxyPort);
            await connection.SendAsync("GET /slow?ms=30000 HTTP/1.1\r\nHost: count.test\r\n\r\n");
            for (var wait = 0; wait < 100 && backend.Requests < requests; wait++)
            {
                await Task.Delay(20);
            }

            if (backend.Requests >= requests)
            {
                return connection;
            }

            await connection.DisposeAsync();
        }

        throw new InvalidOperationException($"the node took no connection for request {requests}");
    }

    private async Task<bool> ServedAsync()
    {
        await using var connection = await RawConnection.OpenAsync(Node.ProxyPort);
        await connection.SendAsync("GET /fast HTTP/1.1\r\nHost: count.test\r\nConnection: close\r\n\r\n");
        return (await connection.ReadResponseAsync())?.Status == 200;
    }

    /// <summary>A node taking 3 client connections, closing idle ones after 1 s.</summary>
    public sealed class ConnectionsFixture : NodeFixture
    {
        /// <summary>nginx_events_worker_connections.</summary>
        public const int Connections = 3;

        /// <inheritdoc />
        protected override string[] NodeArguments =>
        [
            "--nginx_events_worker_connections", $"{Connections}",
            "--nginx_http_keepalive_timeout", "1s",
        ];
    }
}
