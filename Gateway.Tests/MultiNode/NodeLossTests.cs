using Gateway.Storage.Migrations;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>Three nodes with Redis membership: one is killed, the others keep working, membership drops it, and it rejoins.</summary>
[Collection(MultiNodeCollection.Name)]
public sealed class NodeLossTests
{

    [Fact]
    public async Task NodeKilled_OthersKeepServingWithoutErrors_MembershipDropsIt_AndItRejoinsOnRestart()
    {
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            await using var backend = await Backend.StartAsync();
            var clusterId = $"loss{Guid.NewGuid():N}";
            using var a = await ClusterNode.StartAsync("A", database, "redis", clusterId);
            using var b = await ClusterNode.StartAsync("B", database, "redis", clusterId);
            using var c = await ClusterNode.StartAsync("C", database, "redis", clusterId);
            await Eventually.HoldsAsync(async () => await a.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(30), "A sees 3 active silos");
            Assert.Equal(201, (await c.CallAsync(HttpMethod.Post, "/services", $$"""{"name":"svc","url":"http://127.0.0.1:{{backend.Port}}/"}""")).Status);
            Assert.Equal(201, (await c.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"name":"steady","paths":["/steady"]}""")).Status);
            await Eventually.HoldsAsync(
                async () => (await a.Proxy.GetAsync("/steady")).IsSuccessStatusCode && (await b.Proxy.GetAsync("/steady")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(3),
                "A and B route /steady");
            await using var traffic = ProxyTraffic.Start("/steady", a, b);

            c.Kill();

            // Proxied traffic on A and B, writes on A and reads on B all succeed while the cluster notices C is gone.
            var written = 0;
            var gone = false;
            while (!gone)
            {
                var name = $"r{written}";
                var (status, body) = await a.CallAsync(HttpMethod.Post, "/services/svc/routes", $$"""{"name":"{{name}}","paths":["/{{name}}"]}""");
                Assert.True(status == 201, $"write {written} on A answered {status}: {body?.ToJsonString()}");
                await Eventually.HoldsAsync(async () => (await b.CallAsync(HttpMethod.Get, $"/routes/{name}")).Status == 200, TimeSpan.FromSeconds(3), $"B has {name}");
                written++;
                gone = await a.ActiveMembersAsync() == 2 && await b.ActiveMembersAsync() == 2;
                Assert.True(written < 2000, "membership never dropped the killed node");
                await Task.Delay(50);
            }

            var proxied = traffic.Count;
            Assert.Empty(await traffic.StopAsync());
            Assert.True(proxied > 10, $"only {proxied} proxied requests ran");
            var members = (await a.StatusAsync())["cluster"]!["members"]!.AsArray();
            Assert.Contains(members, m => m!["status"]!.GetValue<string>() == "dead");

            await c.StartAsync();
            await Eventually.HoldsAsync(async () => await a.ActiveMembersAsync() == 3, TimeSpan.FromSeconds(30), "A sees C again");
            Assert.Equal(200, (await c.CallAsync(HttpMethod.Get, $"/routes/r{written - 1}")).Status);
            Assert.Equal(201, (await c.CallAsync(HttpMethod.Post, "/services/svc/routes", """{"name":"back","paths":["/back"]}""")).Status);
            await Eventually.HoldsAsync(async () => (await a.CallAsync(HttpMethod.Get, "/routes/back")).Status == 200, TimeSpan.FromSeconds(3), "A has C's route");
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }
}
