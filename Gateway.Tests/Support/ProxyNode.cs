using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;

namespace Gateway.Tests.Support;

/// <summary>
/// A gateway node in the test process (as <see cref="TestNode"/>), exposing its TLS proxy port too,
/// with clients that never follow redirects and accept the node's self-signed certificate.
/// </summary>
public sealed class ProxyNode : IAsyncDisposable
{
    private readonly GatewayNode _node;

    private ProxyNode(GatewayNode node, string prefix, int adminPort, int proxyPort, int tlsPort)
    {
        _node = node;
        Prefix = prefix;
        ProxyPort = proxyPort;
        TlsPort = tlsPort;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        Proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}"),
        };
        ProxyTls = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{tlsPort}"),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public string Prefix { get; }

    public int ProxyPort { get; }

    public int TlsPort { get; }

    public HttpClient Admin { get; }

    /// <summary>Plain HTTP/1.1 to the proxy.</summary>
    public HttpClient Proxy { get; }

    /// <summary>HTTP/2 over TLS to the proxy.</summary>
    public HttpClient ProxyTls { get; }

    public static async Task<ProxyNode> StartAsync(params string[] extra)
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-proxy-test-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), tls = FreePorts.Next();
        var args = TestNode.Arguments(prefix, admin, proxy, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), tls);
        args.AddRange(extra);
        var settings = SettingsLoader.Load(CommandLine.Parse([.. args]), new Dictionary<string, string>());
        return new ProxyNode(await GatewayNode.StartAsync(settings), prefix, admin, proxy, tls);
    }

    /// <summary>POSTs JSON to the Admin API and returns the created entity; fails on anything but 201.</summary>
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        using var response = await Admin.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"POST {path} {json} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>PATCHes JSON through the Admin API; fails on anything but 200.</summary>
    public async Task PatchAsync(string path, string json)
    {
        using var response = await Admin.PatchAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == 200, $"PATCH {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Creates a service and a route on it; returns the route id.</summary>
    public async Task<string> RouteAsync(string serviceJson, string routeJson)
    {
        var service = await CreateAsync("/services", serviceJson);
        var route = await CreateAsync($"/services/{service["id"]}/routes", routeJson);
        return route["id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Proxy.Dispose();
        ProxyTls.Dispose();
        await _node.DisposeAsync();
        Directory.Delete(Prefix, recursive: true);
    }
}
