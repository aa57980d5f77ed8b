using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Stream multiplexing, timeouts and the handshake of one connection, against the framing-level fake server.</summary>
public sealed class CqlConnectionTests
{
    private static readonly (string, CqlType)[] TextColumn = [("v", CqlType.Text)];

    [Fact]
    public async Task Send_NoResponse_TimesOutAndKeepsStreamReservedUntilLateResponse()
    {
        var release = new TaskCompletionSource();
        await using var server = FakeCqlServer.Start(async request =>
        {
            if (request.Text == "SELECT slow")
            {
                await release.Task;
            }
            await request.RowsAsync(TextColumn, [request.Text]);
        });
        var options = new CqlClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) };
        await using var connection = await CqlConnection.OpenAsync("127.0.0.1", server.Port, options, CancellationToken.None);

        var timeout = await Assert.ThrowsAsync<CqlRequestTimeoutException>(() => Query(connection, "SELECT slow"));
        Assert.Equal($"Query request to 127.0.0.1:{server.Port} got no response within 1000 ms", timeout.Message);
        Assert.Equal(1, connection.StreamsInUse);

        Assert.Equal("SELECT fast", await Query(connection, "SELECT fast"));
        release.SetResult();
        await WaitUntil(() => connection.StreamsInUse == 0);
        Assert.Equal("SELECT again", await Query(connection, "SELECT again"));

        // STARTUP on 0, the timed-out query holds 0, the next takes 1, and 0 is reused once its late answer came.
        Assert.Equal([0, 0, 1, 0], server.StreamIds.Select(s => (int)s));
    }

    [Fact]
    public async Task Send_ConcurrentRequests_UseDistinctStreamsAndGetTheirOwnAnswers()
    {
        var received = new List<FakeCqlRequest>();
        var all = new TaskCompletionSource();
        await using var server = FakeCqlServer.Start(request =>
        {
            lock (received)
            {
                received.Add(request);
                if (received.Count == 3)
                {
                    all.SetResult();
                }
            }
            return Task.CompletedTask;
        });
        await using var connection = await CqlConnection.OpenAsync("127.0.0.1", server.Port, new CqlClientOptions(), CancellationToken.None);

        var queries = new[] { "SELECT 1", "SELECT 2", "SELECT 3" }.Select(q => Query(connection, q)).ToArray();
        await all.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // Answer in reverse order: each caller must still get the answer to its own stream.
        foreach (var request in received.AsEnumerable().Reverse())
        {
            await request.RowsAsync(TextColumn, [request.Text]);
        }

        Assert.Equal(["SELECT 1", "SELECT 2", "SELECT 3"], await Task.WhenAll(queries));
        Assert.Equal([0, 1, 2], received.Select(r => (int)r.Stream).Order());
        Assert.Equal(0, connection.StreamsInUse);
    }

    [Fact]
    public async Task Send_ServerClosesConnection_FailsInFlightRequest()
    {
        await using var server = FakeCqlServer.Start(request =>
        {
            request.DropConnection();
            return Task.CompletedTask;
        });
        await using var connection = await CqlConnection.OpenAsync("127.0.0.1", server.Port, new CqlClientOptions(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<CqlConnectionException>(() => Query(connection, "SELECT 1"));

        Assert.Equal($"connection to Cassandra host 127.0.0.1:{server.Port} failed: the server closed the connection", error.Message);
        Assert.True(connection.IsClosed);
    }

    [Fact]
    public async Task Open_PasswordAuthenticator_SendsSaslPlainToken()
    {
        await using var server = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["ok"]), requiredToken: CqlRequests.PlainSaslToken("gateway", "s3cret"));
        var options = new CqlClientOptions { Username = "gateway", Password = "s3cret" };

        await using var connection = await CqlConnection.OpenAsync("127.0.0.1", server.Port, options, CancellationToken.None);

        Assert.Equal("ok", await Query(connection, "SELECT 1"));
    }

    [Fact]
    public async Task Open_BadPassword_ThrowsAuthenticationError()
    {
        await using var server = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["ok"]), requiredToken: CqlRequests.PlainSaslToken("gateway", "s3cret"));
        var options = new CqlClientOptions { Username = "gateway", Password = "wrong" };

        var error = await Assert.ThrowsAsync<CqlAuthenticationException>(() => CqlConnection.OpenAsync("127.0.0.1", server.Port, options, CancellationToken.None));

        Assert.Equal("Cassandra authentication failed (0x0100): Provided username and/or password are incorrect", error.Message);
    }

    [Fact]
    public async Task Open_AuthenticatorWithoutUsername_SaysSo()
    {
        await using var server = FakeCqlServer.Start(request => Task.CompletedTask, requiredToken: [0]);

        var error = await Assert.ThrowsAsync<CqlConnectionException>(() => CqlConnection.OpenAsync("127.0.0.1", server.Port, new CqlClientOptions(), CancellationToken.None));

        Assert.EndsWith("the server requires authentication (org.apache.cassandra.auth.PasswordAuthenticator) but no username is configured", error.Message);
    }

    internal static async Task<string> Query(CqlConnection connection, string cql)
    {
        var response = await connection.SendAsync(CqlOpcode.Query, CqlRequests.Query(cql, new CqlQueryParameters()), null, CancellationToken.None);
        return (string)Assert.IsType<CqlRowsResult>(response).Rows[0][0]!;
    }

    internal static Task WaitUntil(Func<bool> condition) => Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(5), "condition");
}
