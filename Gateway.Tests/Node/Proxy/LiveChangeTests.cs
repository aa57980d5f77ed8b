using System.Collections.Concurrent;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>Routes change through the Admin API while requests flow: no request fails.</summary>
public sealed class LiveChangeTests
{
    [Fact]
    public async Task RoutesChangedUnderTraffic_ZeroFailedRequests()
    {
        await using var blue = await Backend.StartAsync("blue");
        await using var green = await Backend.StartAsync("green");
        await using var node = await TestNode.StartAsync();
        var blueService = await node.CreateAsync("/services", $$"""{"name":"blue","host":"127.0.0.1","port":{{blue.Port}}}""");
        var greenService = await node.CreateAsync("/services", $$"""{"name":"green","host":"127.0.0.1","port":{{green.Port}}}""");
        var live = await node.CreateAsync("/routes", $$$"""{"name":"live","paths":["/live"],"service":{"id":"{{{blueService["id"]}}}"}}""");

        const int Rounds = 8;
        const int MaxPerWorker = 20_000;
        var changesDone = 0;
        var statuses = new ConcurrentDictionary<int, int>();
        var backends = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            // Bounded: until the changes are done, and never more than MaxPerWorker requests.
            for (var i = 0; i < MaxPerWorker && Volatile.Read(ref changesDone) == 0; i++)
            {
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await node.Proxy.GetAsync("/live/ping");
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (response.Headers.TryGetValues("X-Backend", out var name))
                    {
                        backends.AddOrUpdate(name.Single(), 1, (_, n) => n + 1);
                    }

                    if ((int)response.StatusCode != 200)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        })).ToArray();

        // While traffic flows: move the route between services, reshape it (more paths, a host that
        // still matches, higher priority twins), and add and remove unrelated routes.
        for (var changes = 0; changes < Rounds; changes++)
        {
            var target = changes % 2 == 0 ? greenService : blueService;
            await node.PatchAsync($"/routes/{live["id"]}", $$"""{"service":{"id":"{{target["id"]}}"},"paths":["/live","/other{{changes}}"]}""");
            var extra = await node.CreateAsync("/routes", $$$"""{"paths":["/live/ping"],"methods":["GET"],"service":{"id":"{{{target["id"]}}}"}}""");
            var unrelated = await node.CreateAsync("/routes", $$$"""{"paths":["~/unrelated/{{{changes}}}/\\d+"],"service":{"id":"{{{blueService["id"]}}}"}}""");
            using var deleted1 = await node.Admin.DeleteAsync($"/routes/{extra["id"]}");
            using var deleted2 = await node.Admin.DeleteAsync($"/routes/{unrelated["id"]}");
        }

        Volatile.Write(ref changesDone, 1);
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.Equal(sent, statuses.GetValueOrDefault(200));
        Assert.True(sent >= 40, $"only {sent} requests flowed during the changes");
        Assert.True(backends.ContainsKey("blue") && backends.ContainsKey("green"), $"traffic reached {string.Join(", ", backends.Keys)}");
    }
}
