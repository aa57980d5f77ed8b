using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Two nodes on a PostgreSQL server of the test's own, with Redis membership (so the cluster does not
/// depend on the database it loses): the database stops, the nodes keep their config, and recover
/// when it is back, without a restart.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class DatabaseDownTests
{
    [Fact]
    public async Task DatabaseStopped_WritesAnswer503_ReadsComeFromTheSnapshot_ARestartedNodeStarts_AndWritesResumeWhenItIsBack()
    {
        await using var postgres = await DedicatedPostgres.StartAsync();
        await using (var dataSource = postgres.Settings.CreateDataSource())
        {
            await PostgresMigrations.UpAsync(dataSource);
        }

        await using var backend = await Backend.StartAsync();
        var clusterId = $"down{Guid.NewGuid():N}";
        using var a = await ClusterNode.StartAsync("A", postgres.Settings, "redis", clusterId);
        using var b = await ClusterNode.StartAsync("B", postgres.Settings, "redis", clusterId);
        Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"kept","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
        Assert.Equal(201, (await a.CallAsync(HttpMethod.Post, "/services/kept/routes", """{"name":"before","paths":["/before"]}""")).Status);
        await Eventually.HoldsAsync(
            async () => (await b.StatusAsync())["config_snapshot_version"]!.GetValue<long>() == 2, TimeSpan.FromSeconds(3), "B's snapshot has the route");

        // Saved in the background (at most one file every 250 ms).
        await Eventually.HoldsAsync(() => Task.FromResult(SnapshotFile.TryRead(b.Prefix)?.Version == 2), TimeSpan.FromSeconds(3), "B's snapshot file has the route");

        // Proxied traffic on both nodes, and Admin reads on B, run without a pause while the database
        // stops under them: none may fail, and both keep being answered once it is gone.
        await using var traffic = ProxyTraffic.Start("/before", a, b);
        using var reading = new CancellationTokenSource();
        var readCount = 0;
        var failedReads = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var reads = Task.Run(async () =>
        {
            while (!reading.IsCancellationRequested)
            {
                var status = (await b.CallAsync(HttpMethod.Get, "/routes/before")).Status;
                Interlocked.Increment(ref readCount);
                if (status != 200)
                {
                    failedReads.Enqueue(status);
                }
            }
        });

        await postgres.StopServerAsync();
        var (proxiedAtStop, readsAtStop) = (traffic.Count, Volatile.Read(ref readCount));
        // Counted from the stop, and waited for (up to 10 s) rather than sampled in a fixed window: a pause of the
        // test process itself, where the upstream runs, made a 200 ms window see only a handful of answers.
        await Eventually.HoldsAsync(
            () => Task.FromResult(traffic.Count >= proxiedAtStop + 20 && Volatile.Read(ref readCount) >= readsAtStop + 10),
            TimeSpan.FromSeconds(10),
            "proxied requests and Admin reads keep being answered with the database stopped");
        await reading.CancelAsync();
        await reads;
        Assert.Empty(failedReads);
        Assert.Empty(await traffic.StopAsync());

        var (writeStatus, writeBody) = await a.CallAsync(HttpMethod.Post, "/routes", """{"name":"during","paths":["/during"]}""");
        Assert.Equal(503, writeStatus);
        Assert.Equal(AdminApi.UnavailableMessage, writeBody!["message"]!.GetValue<string>());
        Assert.Equal(503, (await b.CallAsync(HttpMethod.Delete, "/routes/before")).Status);
        var (readStatus, route) = await b.CallAsync(HttpMethod.Get, "/routes/before");
        Assert.Equal(200, readStatus);
        Assert.Equal("/before", route!["paths"]![0]!.GetValue<string>());
        var (listStatus, list) = await b.CallAsync(HttpMethod.Get, "/services/kept/routes");
        Assert.Equal(200, listStatus);
        Assert.Equal("before", Assert.Single(list!["data"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal(503, (await b.CallAsync(HttpMethod.Get, "/consumers")).Status);
        foreach (var node in new[] { a, b })
        {
            Assert.False((await node.StatusAsync())["database"]!["reachable"]!.GetValue<bool>());
        }

        // A node restarted while the database is down starts from prefix/config-snapshot.json.
        Assert.True(File.Exists(Path.Combine(b.Prefix, SnapshotFile.FileName)));
        b.Kill();
        await b.StartAsync();
        Assert.Equal(200, (await b.CallAsync(HttpMethod.Get, "/routes/before")).Status);
        Assert.False((await b.StatusAsync())["database"]!["reachable"]!.GetValue<bool>());
        using (var restarted = await b.Proxy.GetAsync("/before"))
        {
            Assert.Equal(200, (int)restarted.StatusCode);
        }


        await postgres.StartServerAsync();

        await Eventually.HoldsAsync(
            async () => (await a.CallAsync(HttpMethod.Post, "/routes", """{"name":"after","paths":["/after"]}""")).Status == 201,
            TimeSpan.FromSeconds(10),
            "A accepts writes again");
        await Eventually.HoldsAsync(async () => (await b.CallAsync(HttpMethod.Get, "/routes/after")).Status == 200, TimeSpan.FromSeconds(3), "B has the new route");
        Assert.True((await b.StatusAsync())["database"]!["reachable"]!.GetValue<bool>());
        Assert.Equal(404, (await b.CallAsync(HttpMethod.Get, "/routes/during")).Status);
    }
}
