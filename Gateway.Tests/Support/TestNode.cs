using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;

namespace Gateway.Tests.Support;

/// <summary>
/// A real gateway node in the test process, on loopback ports chosen at run time, with its own
/// prefix (and so its own SQLite database). Requests go over real HTTP connections.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly GatewayNode _node;

    private TestNode(GatewayNode node, string prefix, int adminPort, int proxyPort, int statusPort, int guiPort)
    {
        _node = node;
        Prefix = prefix;
        AdminPort = adminPort;
        ProxyPort = proxyPort;
        StatusPort = statusPort;
        GuiPort = guiPort;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        Proxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}") };
        Status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}") };
    }

    /// <summary>The node's prefix folder (deleted on dispose).</summary>
    public string Prefix { get; }

    /// <summary>Admin API port.</summary>
    public int AdminPort { get; }

    /// <summary>Plain HTTP proxy port.</summary>
    public int ProxyPort { get; }

    /// <summary>Status API port.</summary>
    public int StatusPort { get; }

    /// <summary>Dashboard port.</summary>
    public int GuiPort { get; }

    /// <summary>A client for the Admin API.</summary>
    public HttpClient Admin { get; }

    /// <summary>A client for the proxy.</summary>
    public HttpClient Proxy { get; }

    /// <summary>A client for the status API.</summary>
    public HttpClient Status { get; }

    /// <summary>Command-line arguments that put a node on fresh loopback ports in <paramref name="prefix"/>.</summary>
    public static List<string> Arguments(string prefix, int adminPort, int proxyPort, int statusPort, int guiPort, int clusterPort, int tlsPort) =>
    [
        "--prefix", prefix,
        "--admin_listen", $"127.0.0.1:{adminPort}",
        "--proxy_listen", $"127.0.0.1:{proxyPort}, 127.0.0.1:{tlsPort} http2 ssl",
        "--status_listen", $"127.0.0.1:{statusPort}",
        "--admin_gui_listen", $"127.0.0.1:{guiPort}",
        "--cluster_listen", $"127.0.0.1:{clusterPort}",
        "--log_level", "warn",
    ];

    /// <summary>Starts a node; extra arguments override settings.</summary>
    public static async Task<TestNode> StartAsync(params string[] extra)
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-test-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next(), gui = FreePorts.Next();
        var args = Arguments(prefix, admin, proxy, status, gui, FreePorts.Next(), FreePorts.Next());
        args.AddRange(extra);
        var settings = SettingsLoader.Load(CommandLine.Parse([.. args]), new Dictionary<string, string>());
        var node = await GatewayNode.StartAsync(settings);
        return new TestNode(node, prefix, admin, proxy, status, gui);
    }

    /// <summary>Sends a JSON body.</summary>
    public Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return Admin.SendAsync(request);
    }

    /// <summary>Sends a JSON body and parses the JSON answer; returns the status and body.</summary>
    public async Task<(int Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, string? json = null)
    {
        using var response = await SendJsonAsync(method, path, json);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>POSTs JSON and returns the created entity, failing the test on anything but 201.</summary>
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, path, json);
        Assert.True(status == 201, $"POST {path} {json} answered {status}: {body?.ToJsonString()}");
        return body!.AsObject();
    }

    /// <summary>Stops the node and deletes its prefix.</summary>
    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Proxy.Dispose();
        Status.Dispose();
        await _node.DisposeAsync();
        Directory.Delete(Prefix, recursive: true);
    }
}
