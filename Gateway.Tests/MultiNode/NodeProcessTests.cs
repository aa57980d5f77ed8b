using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>The gateway executable: start-up on the embedded default, clean shutdown on signals, one-line errors.</summary>
public sealed class NodeProcessTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    [Theory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public async Task Start_ServesEveryListener_ThenStopsCleanlyWithin5sOnSignal(int signal)
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next(), gui = FreePorts.Next();
        using var node = NodeProcess.Start(TestNode.Arguments(prefix, admin, proxy, status, gui, FreePorts.Next(), FreePorts.Next()));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var health = await WaitForStatusAsync(client, status, node);
            Assert.True(health!["database"]!["reachable"]!.GetValue<bool>());
            Assert.True(File.Exists(Path.Combine(prefix, "gateway.db")), "the SQLite database lives in prefix/");

            using var root = await client.GetAsync($"http://127.0.0.1:{admin}/");
            Assert.Equal(200, (int)root.StatusCode);
            using var proxied = await client.GetAsync($"http://127.0.0.1:{proxy}/anything");
            Assert.Equal(404, (int)proxied.StatusCode);
            using var dashboard = await client.GetAsync($"http://127.0.0.1:{gui}/");
            Assert.Equal(200, (int)dashboard.StatusCode);

            var stopwatch = Stopwatch.StartNew();
            node.Signal(signal);
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(5)), $"still running 5 s after signal {signal}");
            Assert.Equal(0, node.Process.ExitCode);
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
        }
        finally
        {
            node.Dispose();
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task DefaultLogLevel_ProxiedRequestsWriteNoLogLines()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next(), gui = FreePorts.Next();
        using var node = NodeProcess.Start([.. TestNode.Arguments(prefix, admin, proxy, status, gui, FreePorts.Next(), FreePorts.Next()), "--log_level", "notice"]);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitForStatusAsync(client, status, node);
            using (var service = await client.PostAsync($"http://127.0.0.1:{admin}/services", Form(("name", "own-status"), ("url", $"http://127.0.0.1:{status}/status"))))
            {
                Assert.Equal(201, (int)service.StatusCode);
            }

            using (var route = await client.PostAsync($"http://127.0.0.1:{admin}/services/own-status/routes", Form(("paths[]", "/own"))))
            {
                Assert.Equal(201, (int)route.StatusCode);
            }

            for (var i = 0; i < 5; i++)
            {
                using var proxied = await client.GetAsync($"http://127.0.0.1:{proxy}/own");
                Assert.Equal(200, (int)proxied.StatusCode);
            }

            node.Signal(SigTerm);
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(5)));

            // The log is there (the silo's services say they start) but says nothing per request: neither YARP's
            // "Proxying to" / "Received response" lines nor ASP.NET Core's "Request starting" at notice (Information).
            var log = node.Stdout;
            Assert.Contains(log, line => line.Contains("ConfigPushService", StringComparison.Ordinal));
            Assert.DoesNotContain(log, line => line.Contains("Yarp", StringComparison.Ordinal) || line.Contains("Request starting", StringComparison.Ordinal));
        }
        finally
        {
            node.Dispose();
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    [Theory]
    [InlineData(new[] { "--no_such_setting", "1" }, "no_such_setting")]
    [InlineData(new[] { "--admin_listen", "not-an-address" }, "admin_listen")]
    [InlineData(new[] { "--database", "mysql" }, "database")]
    public void BadSetting_ExitsNonZero_WithOneLineNamingIt(string[] arguments, string setting)
    {
        using var node = NodeProcess.Start(arguments);
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.NotEqual(0, node.Process.ExitCode);
        var line = Assert.Single(node.Stderr, l => l.Length > 0);
        Assert.Contains(setting, line);
    }

    [Fact]
    public void BusyPort_ExitsNonZero_WithOneLine()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var busy = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        var prefix = Directory.CreateTempSubdirectory("gateway-busy-").FullName;
        var arguments = TestNode.Arguments(prefix, busy, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        using var node = NodeProcess.Start(arguments);
        try
        {
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.NotEqual(0, node.Process.ExitCode);
            var line = Assert.Single(node.Stderr, l => l.Length > 0);
            Assert.StartsWith("gateway: ", line);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static async Task<JsonNode?> WaitForStatusAsync(HttpClient client, int port, NodeProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(node.Process.HasExited, $"the node exited: {string.Join(" | ", node.Stderr)}");
            try
            {
                return JsonNode.Parse(await client.GetStringAsync($"http://127.0.0.1:{port}/status"));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException("the node did not answer /status within 60 s");
    }
}
