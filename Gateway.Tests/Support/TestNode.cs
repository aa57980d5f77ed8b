using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Storage.Store;

namespace Gateway.Tests.Support;

/// <summary>
/// A real gateway node in the test process, on loopback ports chosen at run time, with its own
/// prefix (and so its own SQLite database). Requests go over real HTTP connections; the proxy clients
/// never follow redirects, keep no cookies and accept the node's self-signed certificate. It can stop
/// and start again on the same ports and prefix.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly List<string> _arguments;
    private readonly bool _ownsPrefix;
    private GatewayNode? _node;

    private TestNode(string prefix, bool ownsPrefix, string[] extra)
    {
        Prefix = prefix;
        _ownsPrefix = ownsPrefix;
        AdminPort = FreePorts.Next();
        ProxyPort = FreePorts.Next();
        StatusPort = FreePorts.Next();
        GuiPort = FreePorts.Next();
        TlsPort = FreePorts.Next();
        _arguments = Arguments(prefix, AdminPort, ProxyPort, StatusPort, GuiPort, FreePorts.Next(), TlsPort);
        _arguments.AddRange(extra);
        Admin = new HttpClient { BaseAddress = new Uri(AdminUrl) };
        Proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{ProxyPort}"),
        };
        ProxyTls = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{TlsPort}"),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        Status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{StatusPort}") };
    }

    /// <summary>The node's prefix folder (deleted on dispose unless the caller gave it).</summary>
    public string Prefix { get; }

    /// <summary>Admin API port.</summary>
    public int AdminPort { get; }

    /// <summary>The Admin API's base address.</summary>
    public string AdminUrl => $"http://127.0.0.1:{AdminPort}";

    /// <summary>Plain HTTP proxy port.</summary>
    public int ProxyPort { get; }

    /// <summary>TLS (HTTP/1.1 and HTTP/2) proxy port.</summary>
    public int TlsPort { get; }

    /// <summary>Status API port.</summary>
    public int StatusPort { get; }

    /// <summary>Dashboard port.</summary>
    public int GuiPort { get; }

    /// <summary>A client for the Admin API.</summary>
    public HttpClient Admin { get; }

    /// <summary>Plain HTTP/1.1 to the proxy.</summary>
    public HttpClient Proxy { get; }

    /// <summary>HTTP/2 over TLS to the proxy.</summary>
    public HttpClient ProxyTls { get; }

    /// <summary>A client for the status API.</summary>
    public HttpClient Status { get; }

    /// <summary>The running node's config store, to look at what it wrote (run-time rows no Admin API serves).</summary>
    public IConfigStore Store => (_node ?? throw new InvalidOperationException("the node is stopped")).Store;

    /// <summary>
    /// Command-line arguments that put a node on fresh ports in <paramref name="prefix"/>: its listeners on
    /// <paramref name="host"/> and its silo on <paramref name="clusterHost"/> (loopback unless a test's own network says otherwise).
    /// </summary>
    public static List<string> Arguments(
        string prefix, int adminPort, int proxyPort, int statusPort, int guiPort, int clusterPort, int tlsPort, string host = "127.0.0.1", string clusterHost = "127.0.0.1") =>
    [
        "--prefix", prefix,
        "--admin_listen", $"{host}:{adminPort}",
        "--proxy_listen", $"{host}:{proxyPort}, {host}:{tlsPort} http2 ssl",
        "--status_listen", $"{host}:{statusPort}",
        "--admin_gui_listen", $"{host}:{guiPort}",
        "--cluster_listen", $"{clusterHost}:{clusterPort}",
        "--log_level", "warn",
    ];

    /// <summary>Starts a node in a new prefix; extra arguments override settings.</summary>
    public static Task<TestNode> StartAsync(params string[] extra) =>
        StartAsync(new TestNode(Directory.CreateTempSubdirectory("gateway-test-").FullName, ownsPrefix: true, extra));

    /// <summary>Starts a node in <paramref name="prefix"/>, which the caller keeps (an earlier or later node may use it).</summary>
    public static Task<TestNode> StartInAsync(string prefix, params string[] extra) => StartAsync(new TestNode(prefix, ownsPrefix: false, extra));

    /// <summary>Stops the node; its ports, prefix and clients stay for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
            _node = null;
        }
    }

    /// <summary>Starts the node again after <see cref="StopAsync"/>, on the same ports and prefix.</summary>
    public async Task StartAgainAsync() =>
        _node = await GatewayNode.StartAsync(SettingsLoader.Load(CommandLine.Parse([.. _arguments]), new Dictionary<string, string>()));

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

    /// <summary>GETs an entity; fails the test on anything but 200.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        var (status, body) = await CallAsync(HttpMethod.Get, path);
        Assert.True(status == 200, $"GET {path} on {AdminUrl} answered {status}");
        return body!;
    }

    /// <summary>POSTs JSON and returns the created entity, failing the test on anything but 201.</summary>
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, path, json);
        Assert.True(status == 201, $"POST {path} {json} answered {status}: {body?.ToJsonString()}");
        return body!.AsObject();
    }

    /// <summary>PATCHes JSON; fails the test on anything but 200.</summary>
    public async Task PatchAsync(string path, string json)
    {
        var (status, body) = await CallAsync(HttpMethod.Patch, path, json);
        Assert.True(status == 200, $"PATCH {path} answered {status}: {body?.ToJsonString()}");
    }

    /// <summary>Creates a service and a route on it; returns the route id.</summary>
    public async Task<string> RouteAsync(string serviceJson, string routeJson)
    {
        var service = await CreateAsync("/services", serviceJson);
        var route = await CreateAsync($"/services/{service["id"]}/routes", routeJson);
        return route["id"]!.GetValue<string>();
    }

    /// <summary>Stops the node and deletes its prefix if it made it.</summary>
    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Proxy.Dispose();
        ProxyTls.Dispose();
        Status.Dispose();
        await StopAsync();
        if (_ownsPrefix)
        {
            Directory.Delete(Prefix, recursive: true);
        }
    }

    private static async Task<TestNode> StartAsync(TestNode node)
    {
        try
        {
            await node.StartAgainAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }
}
