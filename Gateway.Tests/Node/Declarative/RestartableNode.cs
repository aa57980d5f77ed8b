using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary>
/// A real node on loopback that can be stopped and started again on the same ports and the same
/// SQLite database, to play a cluster that goes down and comes back.
/// </summary>
internal sealed class RestartableNode : IAsyncDisposable
{
    private readonly List<string> _arguments;
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-sync-").FullName;
    private GatewayNode? _node;

    public RestartableNode(params string[] extra)
    {
        AdminPort = FreePorts.Next();
        _arguments = TestNode.Arguments(_prefix, AdminPort, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        _arguments.AddRange(extra);
        Admin = new HttpClient { BaseAddress = new Uri(AdminUrl) };
    }

    public int AdminPort { get; }

    /// <summary>The node's prefix (its SQLite database lives there).</summary>
    public string Prefix => _prefix;

    public string AdminUrl => $"http://127.0.0.1:{AdminPort}";

    public HttpClient Admin { get; }

    public async Task StartAsync() =>
        _node = await GatewayNode.StartAsync(SettingsLoader.Load(CommandLine.Parse(_arguments), new Dictionary<string, string>()));

    public async Task StopAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
            _node = null;
        }
    }

    /// <summary>Sends JSON and returns the status and parsed answer.</summary>
    public async Task<(int Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>GETs an entity and expects it to exist.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        var (status, body) = await CallAsync(HttpMethod.Get, path);
        Assert.True(status == 200, $"GET {path} on {AdminUrl} answered {status}");
        return body!;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await StopAsync();
        Directory.Delete(_prefix, recursive: true);
    }
}
