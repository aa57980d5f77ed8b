using System.IO.Hashing;
using System.Text;
using Gateway.Node.Upstreams;
using Microsoft.AspNetCore.Http;
using static Gateway.Tests.Node.Upstreams.TestUpstreams;

namespace Gateway.Tests.Node.Upstreams;

/// <summary>Each of Kong's algorithms, on targets given in code: how picks spread, and what hashing keeps stable.</summary>
public sealed class BalancingAlgorithmTests
{
    [Fact]
    public void RoundRobin_SpreadsExactlyByWeight_AndNeverPicksWeightZero()
    {
        var balancer = Balancer(Upstream(), Targets("10.0.0.1:80=100", "10.0.0.2:80=50", "10.0.0.3:80=0"));

        // The wheel holds 100/50 = 2 and 50/50 = 1 entries: every 3 picks are one full turn.
        var counts = Distribution(balancer, 3000);

        Assert.Equal(2000, counts["10.0.0.1:80"]);
        Assert.Equal(1000, counts["10.0.0.2:80"]);
        Assert.False(counts.ContainsKey("10.0.0.3:80"));
    }

    [Fact]
    public void RoundRobin_AllWeightsZero_PicksNothing()
    {
        var balancer = Balancer(Upstream(), Targets("10.0.0.1:80=0"));

        Assert.Null(balancer.Pick(new BalancerRequest()));
        Assert.False(balancer.IsHealthy);
    }

    [Fact]
    public void Retry_AvoidsTheTargetAlreadyTried()
    {
        var balancer = Balancer(Upstream(), Targets("10.0.0.1:80", "10.0.0.2:80"));
        var request = new BalancerRequest();

        var first = balancer.Pick(request)!;
        balancer.Complete(first, RequestOutcome.TcpFailure(TimeSpan.Zero));
        var second = balancer.Pick(request)!;

        Assert.NotEqual(first.Address, second.Address);
        Assert.Equal(2, request.Tries);
    }

    [Fact]
    public void LeastConnections_PicksByInFlightOverWeight_AndCompleteFreesTheSlot()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"least-connections\""), Targets("10.0.0.1:80=200", "10.0.0.2:80=100"));
        var held = new List<UpstreamTarget>();

        // Nothing completes: (n+1)/weight keeps the in-flight counts at 2:1.
        for (var i = 0; i < 30; i++)
        {
            held.Add(balancer.Pick(new BalancerRequest())!);
        }

        Assert.Equal(20, held.Count(t => t.Address == "10.0.0.1:80"));
        Assert.Equal(10, held.Count(t => t.Address == "10.0.0.2:80"));
        Assert.Equal(10, balancer.Targets[1].State.ActiveRequests);

        // Free three slots on the light target: it is the least loaded now.
        foreach (var target in held.Where(t => t.Address == "10.0.0.2:80").Take(3))
        {
            balancer.Complete(target, RequestOutcome.Response(200, TimeSpan.Zero));
        }

        Assert.Equal("10.0.0.2:80", balancer.Pick(new BalancerRequest())!.Address);
        Assert.Equal(8, balancer.Targets[1].State.ActiveRequests);
    }

    [Fact]
    public void Latency_SendsMostTrafficToTheFasterTarget()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"latency\""), Targets("10.0.0.1:80", "10.0.0.2:80"));
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 1000; i++)
        {
            var target = balancer.Pick(new BalancerRequest())!;
            counts[target.Address] = counts.GetValueOrDefault(target.Address) + 1;
            var elapsed = target.Address == "10.0.0.1:80" ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(1);
            balancer.Complete(target, RequestOutcome.Response(200, elapsed));
        }

        // With two targets both are always compared: once each has a sample, the fast one wins every pick.
        Assert.True(counts["10.0.0.2:80"] >= 990, $"fast target got {counts.GetValueOrDefault("10.0.0.2:80")}");
    }

    [Fact]
    public void ConsistentHashing_UsesXxHash32_AsKong()
    {
        // XXH32 reference vectors (seed 0): the ring positions match Kong's luaxxhash.
        Assert.Equal(0x02CC5D05u, XxHash32.HashToUInt32([]));
        Assert.Equal(0x32D153FFu, XxHash32.HashToUInt32(Encoding.ASCII.GetBytes("abc")));
        Assert.Equal((int)(0x32D153FFu % 10000), ConsistentHashingAlgorithm.Index("abc", 10000));
    }

    [Fact]
    public void ConsistentHashing_SameValue_SameTarget_AndValuesSpreadOverTargets()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"consistent-hashing\",\"hash_on\":\"header\",\"hash_on_header\":\"x-user\""),
            Targets("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));

        var first = Map(balancer, 3000);
        var again = Map(balancer, 3000);

        Assert.Equal(first, again);
        foreach (var share in first.Values.GroupBy(t => t).Select(g => g.Count()))
        {
            Assert.InRange(share, 600, 1400);
        }
    }

    [Fact]
    public void ConsistentHashing_AddingATarget_MovesOnlyItsShare()
    {
        var upstream = Upstream("\"algorithm\":\"consistent-hashing\",\"hash_on\":\"header\",\"hash_on_header\":\"x-user\"");
        var before = Map(Balancer(upstream, Targets("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80")), 4000);
        var after = Map(Balancer(upstream, Targets("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80")), 4000);

        var moved = before.Count(kv => after[kv.Key] != kv.Value);
        Assert.True(after.Values.All(t => t == "10.0.0.4:80" || before.ContainsValue(t)));
        Assert.Equal(moved, after.Count(kv => kv.Value == "10.0.0.4:80" && before[kv.Key] != "10.0.0.4:80"));
        Assert.InRange(moved, 600, 1500);
    }

    [Fact]
    public void ConsistentHashing_UnhealthyTarget_MovesOnlyItsValues()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"consistent-hashing\",\"hash_on\":\"header\",\"hash_on_header\":\"x-user\"," +
                "\"healthchecks\":{\"passive\":{\"unhealthy\":{\"tcp_failures\":1}}}"),
            Targets("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"));
        var before = Map(balancer, 2000);

        balancer.Targets[0].State.Report(OutcomeKind.TcpFailure, 0, balancer.Config.Healthchecks.Passive);
        var after = Map(balancer, 2000);

        Assert.All(before.Where(kv => kv.Value != "10.0.0.1:80"), kv => Assert.Equal(kv.Value, after[kv.Key]));
        Assert.DoesNotContain("10.0.0.1:80", after.Values);
    }

    [Theory]
    [InlineData("ip", "", "127.0.0.1")]
    [InlineData("path", "", "/users/42")]
    [InlineData("query_arg", ",\"hash_on_query_arg\":\"tenant\"", "a,b")]
    [InlineData("cookie", ",\"hash_on_cookie\":\"sticky\"", "cookie-value")]
    [InlineData("consumer", "", "consumer-id")]
    [InlineData("uri_capture", ",\"hash_on_uri_capture\":\"user\"", "42")]
    public void HashOn_ReadsTheConfiguredInput(string hashOn, string parameter, string expected)
    {
        var balancer = Balancer(Upstream($"\"algorithm\":\"consistent-hashing\",\"hash_on\":\"{hashOn}\"{parameter}"), Targets("10.0.0.1:80"));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("127.0.0.1");
        context.Request.Path = "/users/42";
        context.Request.QueryString = new QueryString("?tenant=b&tenant=a");
        context.Request.Headers.Cookie = "sticky=cookie-value";
        var request = new BalancerRequest(context) { ConsumerId = "consumer-id", UriCaptures = new Dictionary<string, string> { ["user"] = "42" } };

        balancer.Pick(request);

        Assert.Equal(expected, request.HashValue);
        Assert.Null(request.SetCookie);
    }

    [Fact]
    public void HashOn_MissingHeader_UsesTheFallback()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"consistent-hashing\",\"hash_on\":\"header\",\"hash_on_header\":\"x-user\",\"hash_fallback\":\"query_arg\",\"hash_fallback_query_arg\":\"u\""),
            Targets("10.0.0.1:80"));
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?u=7");
        var request = new BalancerRequest(context);

        balancer.Pick(request);

        Assert.Equal("7", request.HashValue);
    }

    [Fact]
    public void HashOnCookie_WithoutTheCookie_CreatesOne()
    {
        var balancer = Balancer(Upstream("\"algorithm\":\"consistent-hashing\",\"hash_on\":\"cookie\",\"hash_on_cookie\":\"sticky\",\"hash_on_cookie_path\":\"/app\""),
            Targets("10.0.0.1:80"));
        var request = new BalancerRequest(new DefaultHttpContext());

        balancer.Pick(request);

        Assert.True(Guid.TryParse(request.HashValue, out _));
        Assert.Equal($"sticky={request.HashValue}; Path=/app; Same-Site=Lax; HttpOnly", request.SetCookie);
    }

    private static Dictionary<string, string> Map(UpstreamBalancer balancer, int users)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i < users; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Headers["x-user"] = $"user-{i}";
            var target = balancer.Pick(new BalancerRequest(context))!;
            balancer.Complete(target, RequestOutcome.Response(200, TimeSpan.Zero));
            map[$"user-{i}"] = target.Address;
        }

        return map;
    }
}
