using System.Text.Json.Nodes;
using Gateway.Node.Declarative;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Proxy;

/// <summary>
/// A config change that adds an upstream with a target, a service on it and a route goes live whole: from the first
/// answer of the new route that is not a 404, every answer comes from the backend, never a 5xx from a route whose
/// balancer is not there yet. Each case makes <see cref="Rounds"/> such changes in a row on one node.
/// </summary>
public sealed class ConfigSwapUnderTrafficTests
{
    private const int Rounds = 30;

    [Fact]
    public async Task PostConfig_ThirtyTimes_EveryNewRouteAnswersWithoutA5xx()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--database", "off");
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var config = Cumulative(round, backend.Port);
            failures.AddRange(await NewRouteProber.ProbeAsync([node.Proxy], Path(round), async () =>
            {
                var (status, body) = await node.CallAsync(HttpMethod.Post, "/config", config.ToJsonString());
                Assert.True(status == 201, $"POST /config answered {status}: {body?.ToJsonString()}");
            }));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failed answers: {string.Join("\n", failures)}");
    }

    [Fact]
    public async Task DbImport_ThirtyTimes_EveryNewRouteAnswersWithoutA5xx()
    {
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--db_update_frequency", "0.2");
        using var files = new TempFolder();
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            // db_import upserts row by row, routes before upstreams (Kong's entity order), so one file holding all four
            // could show the route before its upstream is written. The upstream goes first, then the service and route:
            // every state in between is one the node may serve, and a poll that picks up both imports sees them at once.
            var upstream = files.Write($"upstream-{round}.json", Document("upstreams", Upstream(round, backend.Port)));
            var service = files.Write($"service-{round}.json", Document("services", Service(round)));
            failures.AddRange(await NewRouteProber.ProbeAsync([node.Proxy], Path(round), async () =>
            {
                await DbImportAsync(node.Prefix, upstream);
                await DbImportAsync(node.Prefix, service);
            }));
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failed answers: {string.Join("\n", failures)}");
    }

    /// <summary>The path of round <paramref name="round"/>'s route.</summary>
    internal static string Path(int round) => $"/swap-{round}";

    /// <summary>The upstream of round <paramref name="round"/>, with one target: the backend.</summary>
    internal static JsonObject Upstream(int round, int backendPort) => new()
    {
        ["name"] = UpstreamName(round),
        ["targets"] = new JsonArray(new JsonObject { ["target"] = $"127.0.0.1:{backendPort}" }),
    };

    /// <summary>The service of round <paramref name="round"/> on its upstream, with its route.</summary>
    internal static JsonObject Service(int round) => new()
    {
        ["name"] = $"swap-{round}",
        ["host"] = UpstreamName(round),
        ["routes"] = new JsonArray(new JsonObject { ["name"] = $"swap-{round}", ["paths"] = new JsonArray(Path(round)) }),
    };

    /// <summary>An upstream name that no resolver looks up beyond this machine (RFC 6761's .localhost).</summary>
    internal static string UpstreamName(int round) => $"swap-{round}.localhost";

    /// <summary>Rounds 0 to <paramref name="round"/>: what POST /config replaces the whole config with.</summary>
    private static JsonObject Cumulative(int round, int backendPort) => new()
    {
        ["_format_version"] = "3.0",
        ["upstreams"] = new JsonArray([.. Enumerable.Range(0, round + 1).Select(r => (JsonNode)Upstream(r, backendPort))]),
        ["services"] = new JsonArray([.. Enumerable.Range(0, round + 1).Select(r => (JsonNode)Service(r))]),
    };

    private static JsonObject Document(string entity, JsonObject row) =>
        new() { ["_format_version"] = "3.0", [entity] = new JsonArray(row) };

    private static async Task DbImportAsync(string prefix, string file)
    {
        var commandLine = CommandLine.Parse(["config", "db_import", file, "--prefix", prefix]);
        var settings = SettingsLoader.Load(commandLine, new Dictionary<string, string>());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(settings, commandLine, output, error);
        Assert.True(code == 0, $"config db_import {file} failed: {output}{error}");
    }

    private sealed class TempFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("gateway-swap-").FullName;

        public string Write(string name, JsonObject document)
        {
            var file = System.IO.Path.Combine(_path, name);
            File.WriteAllText(file, document.ToJsonString());
            return file;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
