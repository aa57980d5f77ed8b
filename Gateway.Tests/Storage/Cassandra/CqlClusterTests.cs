using System.Net;
using System.Net.Sockets;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Failover, reconnection, re-preparation and schema agreement of the pool, against the framing-level fake server.</summary>
public sealed class CqlClusterTests
{
    private static readonly (string, CqlType)[] TextColumn = [("v", CqlType.Text)];
    private static readonly Guid VersionA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid VersionB = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Fact]
    public async Task Query_FirstContactPointDown_FailsOverToNext()
    {
        var deadPort = FreePort();
        await using var alive = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["alive"]));
        await using var cluster = new CqlCluster(new CqlClientOptions
        {
            ContactPoints = [$"127.0.0.1:{deadPort}", alive.ContactPoint],
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("alive", Text(await cluster.QueryAsync("SELECT 1")));
        }

        Assert.Equal(4, alive.Requests.Count);
        Assert.Equal(1, alive.ConnectionsAccepted);
    }

    [Fact]
    public async Task Query_ConnectionLostMidRequest_RetriesOnAnotherHost()
    {
        await using var dropping = FakeCqlServer.Start(request =>
        {
            request.DropConnection();
            return Task.CompletedTask;
        });
        await using var alive = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["alive"]));
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [dropping.ContactPoint, alive.ContactPoint] });

        Assert.Equal("alive", Text(await cluster.QueryAsync("SELECT 1")));
        Assert.Single(dropping.Requests);
        Assert.Single(alive.Requests);
    }

    [Fact]
    public async Task Query_HostDown_ReconnectsAfterBackoff()
    {
        var server = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["first"]));
        var port = server.Port;
        await using var cluster = new CqlCluster(new CqlClientOptions
        {
            ContactPoints = [server.ContactPoint],
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(400),
        });
        Assert.Equal("first", Text(await cluster.QueryAsync("SELECT 1")));

        await server.DisposeAsync();
        var lost = await Assert.ThrowsAsync<CqlNoHostAvailableException>(() => cluster.QueryAsync("SELECT 1"));
        Assert.StartsWith($"no Cassandra host available: 127.0.0.1:{port}: connection to Cassandra host 127.0.0.1:{port} failed", lost.Message);

        await using var restarted = FakeCqlServer.Start(request => request.RowsAsync(TextColumn, ["second"]), port);
        var backingOff = await Assert.ThrowsAsync<CqlNoHostAvailableException>(() => cluster.QueryAsync("SELECT 1"));
        Assert.Contains("down after 1 failed attempts, next reconnect in", backingOff.Message);
        Assert.Equal(0, restarted.ConnectionsAccepted);

        await Task.Delay(500);
        Assert.Equal("second", Text(await cluster.QueryAsync("SELECT 1")));
        Assert.Equal(1, restarted.ConnectionsAccepted);
    }

    [Fact]
    public async Task Execute_Unprepared_RePreparesAndRetriesOnce()
    {
        var id = new byte[] { 0xCA, 0xFE };
        var forgotten = 1;
        await using var server = FakeCqlServer.Start(request => request.Opcode switch
        {
            CqlOpcode.Prepare => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared(id, [("k", CqlType.Text)], TextColumn)),
            CqlOpcode.Execute when Interlocked.Decrement(ref forgotten) >= 0 => request.ReplyAsync(CqlOpcode.Error, FakeCqlReplies.Unprepared(id)),
            _ => request.RowsAsync(TextColumn, ["executed"]),
        });
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        var response = await cluster.ExecuteAsync("SELECT v FROM t WHERE k = ?", ["abc"]);

        Assert.Equal("executed", Text(response));
        Assert.Equal([CqlOpcode.Prepare, CqlOpcode.Execute, CqlOpcode.Prepare, CqlOpcode.Execute], server.Requests.Select(r => r.Opcode));
    }

    [Fact]
    public async Task Batch_PreparesEachStatement_AndSendsOneLoggedBatchOfTheirIdsAndValues()
    {
        await using var server = FakeCqlServer.Start(request => request.Opcode switch
        {
            CqlOpcode.Prepare => request.ReplyAsync(
                CqlOpcode.Result, FakeCqlReplies.Prepared(request.Text.StartsWith("INSERT", StringComparison.Ordinal) ? [0x01] : [0x02], [("k", CqlType.Text), ("n", CqlType.Bigint)], [])),
            _ => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Void()),
        });
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        await cluster.BatchAsync(CqlBatchType.Logged, [("INSERT INTO t (k, n) VALUES (?, ?)", ["a", 1L]), ("UPDATE u SET n = ? WHERE k = ?", ["b", 2L])]);

        Assert.Equal([CqlOpcode.Prepare, CqlOpcode.Prepare, CqlOpcode.Batch], server.Requests.Select(r => r.Opcode));
        var batch = new CqlReader(server.Requests.Last().Body);
        Assert.Equal((byte)CqlBatchType.Logged, batch.ReadByte());
        Assert.Equal(2, batch.ReadShort());
        foreach (var (id, text, number) in new[] { ((byte)0x01, "a", 1L), ((byte)0x02, "b", 2L) })
        {
            Assert.Equal(1, batch.ReadByte());
            Assert.Equal([id], batch.ReadShortBytes());
            Assert.Equal(2, batch.ReadShort());
            Assert.Equal(text, System.Text.Encoding.UTF8.GetString(batch.ReadBytes()!));
            Assert.Equal(number, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(batch.ReadBytes()));
        }
    }

    [Fact]
    public async Task Batch_Unprepared_RePreparesEveryStatementAndRetriesOnce()
    {
        var forgotten = 1;
        await using var server = FakeCqlServer.Start(request => request.Opcode switch
        {
            CqlOpcode.Prepare => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared([0x07], [], [])),
            CqlOpcode.Batch when Interlocked.Decrement(ref forgotten) >= 0 => request.ReplyAsync(CqlOpcode.Error, FakeCqlReplies.Unprepared([0x07])),
            _ => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Void()),
        });
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        await cluster.BatchAsync(CqlBatchType.Logged, [("DELETE FROM t WHERE k = 'a'", []), ("DELETE FROM t WHERE k = 'b'", [])]);

        Assert.Equal(
            [CqlOpcode.Prepare, CqlOpcode.Prepare, CqlOpcode.Batch, CqlOpcode.Prepare, CqlOpcode.Prepare, CqlOpcode.Batch],
            server.Requests.Select(r => r.Opcode));
    }

    [Fact]
    public async Task Execute_UnpreparedTwice_Throws()
    {
        var id = new byte[] { 0xCA, 0xFE };
        await using var server = FakeCqlServer.Start(request => request.Opcode == CqlOpcode.Prepare
            ? request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared(id, [], TextColumn))
            : request.ReplyAsync(CqlOpcode.Error, FakeCqlReplies.Unprepared(id)));
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        var error = await Assert.ThrowsAsync<CqlUnpreparedException>(() => cluster.ExecuteAsync("SELECT v FROM t"));

        Assert.Equal("Cassandra unprepared statement (0x2500): Prepared query with ID cafe not found [prepared id cafe]", error.Message);
        Assert.Equal(2, server.Requests.Count(r => r.Opcode == CqlOpcode.Execute));
    }

    [Fact]
    public async Task Execute_SecondCall_UsesCachedPreparedId()
    {
        var id = new byte[] { 0x01 };
        await using var server = FakeCqlServer.Start(request => request.Opcode == CqlOpcode.Prepare
            ? request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared(id, [], TextColumn))
            : request.RowsAsync(TextColumn, [request.Text]));
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        await cluster.ExecuteAsync("SELECT v FROM t");
        var second = await cluster.ExecuteAsync("SELECT v FROM t");

        Assert.Equal("01", Text(second));
        Assert.Single(server.Requests, r => r.Opcode == CqlOpcode.Prepare);
    }

    [Fact]
    public async Task Execute_WrongValueCount_SaysHowMany()
    {
        await using var server = FakeCqlServer.Start(request =>
            request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared([1], [("k", CqlType.Text)], TextColumn)));
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.ExecuteAsync("SELECT v FROM t WHERE k = ?", []));

        Assert.Equal("statement has 1 bind markers but 0 values were given", error.Message);
    }

    [Fact]
    public async Task Ddl_WaitsUntilPeersAgreeOnSchemaVersion()
    {
        var peersAsked = 0;
        await using var server = FakeCqlServer.Start(request => request.Text switch
        {
            var q when q.StartsWith("CREATE", StringComparison.Ordinal) => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.SchemaChange("gw", "t")),
            var q when q.Contains("system.local", StringComparison.Ordinal) => request.RowsAsync([("schema_version", CqlType.Uuid)], [VersionA]),
            _ => request.RowsAsync([("peer", CqlType.Text), ("schema_version", CqlType.Uuid)],
                ["10.0.0.2", Interlocked.Increment(ref peersAsked) < 3 ? VersionB : VersionA]),
        });
        await using var cluster = new CqlCluster(new CqlClientOptions
        {
            ContactPoints = [server.ContactPoint],
            SchemaAgreementInterval = TimeSpan.FromMilliseconds(20),
        });

        var change = Assert.IsType<CqlSchemaChangeResult>(await cluster.QueryAsync("CREATE TABLE gw.t (k text PRIMARY KEY)"));

        Assert.Equal("t", change.Change.Name);
        Assert.Equal(3, peersAsked);
    }

    [Fact]
    public async Task Ddl_NoSchemaAgreement_TimesOutNamingVersions()
    {
        await using var server = FakeCqlServer.Start(request => request.Text switch
        {
            var q when q.StartsWith("CREATE", StringComparison.Ordinal) => request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.SchemaChange("gw", "t")),
            var q when q.Contains("system.local", StringComparison.Ordinal) => request.RowsAsync([("schema_version", CqlType.Uuid)], [VersionA]),
            _ => request.RowsAsync([("peer", CqlType.Text), ("schema_version", CqlType.Uuid)], ["10.0.0.2", VersionB]),
        });
        await using var cluster = new CqlCluster(new CqlClientOptions
        {
            ContactPoints = [server.ContactPoint],
            SchemaAgreementTimeout = TimeSpan.FromMilliseconds(200),
            SchemaAgreementInterval = TimeSpan.FromMilliseconds(20),
        });

        var error = await Assert.ThrowsAsync<CqlSchemaAgreementException>(() => cluster.QueryAsync("CREATE TABLE gw.t (k text PRIMARY KEY)"));

        Assert.Matches("^schema agreement not reached after [0-9]+ ms; schema versions: 00000000-0000-0000-0000-00000000000a, 00000000-0000-0000-0000-00000000000b$", error.Message);
    }

    [Fact]
    public async Task ExecuteAllPages_FollowsPagingState()
    {
        await using var server = FakeCqlServer.Start(request =>
        {
            if (request.Opcode == CqlOpcode.Prepare)
            {
                return request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared([7], [], TextColumn));
            }
            // Flags byte after id (3 bytes) and consistency (2): 0x04 page size, 0x08 paging state.
            var hasState = (request.Body[5] & 0x08) != 0;
            return request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Rows(TextColumn, [[hasState ? "page2" : "page1"]], hasState ? null : [0x42]));
        });
        await using var cluster = new CqlCluster(new CqlClientOptions { ContactPoints = [server.ContactPoint] });

        var rows = await cluster.ExecuteAllPagesAsync("SELECT v FROM t", options: new CqlStatementOptions { PageSize = 1 });

        Assert.Equal(["page1", "page2"], rows.Select(r => (string)r[0]!));
    }

    private static string Text(CqlResponse response) => (string)Assert.IsType<CqlRowsResult>(response).Rows[0][0]!;

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
