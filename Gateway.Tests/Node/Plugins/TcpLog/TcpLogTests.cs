using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.TcpLog;

/// <summary>tcp-log against a real TCP listener (Kong's spec/03-plugins/01-tcp-log).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class TcpLogTests(PluginNode node) : IDisposable
{
    private readonly TcpListener _listener = StartListener();

    public void Dispose() => _listener.Stop();

    [Fact]
    public async Task EachRequest_IsOneJsonLine_OnOneKeptAliveConnection()
    {
        var name = LogRoutes.UniqueName("tcp");
        var (service, route, _) = await LogRoutes.CreateAsync(node, name, "tcp-log", $$"""{"host":"127.0.0.1","port":{{Port}}}""");
        await GetAsync($"/{name}/first", HttpStatusCode.OK);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await _listener.AcceptTcpClientAsync(timeout.Token);
        using var reader = new StreamReader(connection.GetStream());
        var first = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!)!;
        await GetAsync($"/{name}/status/404", HttpStatusCode.NotFound);
        var second = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!)!;

        Assert.Equal("GET", first["request"]!["method"]!.GetValue<string>());
        Assert.Equal($"/{name}/first", first["request"]!["uri"]!.GetValue<string>());
        Assert.Equal(200, first["response"]!["status"]!.GetValue<int>());
        Assert.Equal(route["id"]!.GetValue<string>(), first["route"]!["id"]!.GetValue<string>());
        Assert.Equal(service["id"]!.GetValue<string>(), first["service"]!["id"]!.GetValue<string>());
        Assert.Equal(404, second["response"]!["status"]!.GetValue<int>());

        // The second line came on the first connection: no other one was opened.
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterKeepalive()
    {
        var name = LogRoutes.UniqueName("tcpidle");
        await LogRoutes.CreateAsync(node, name, "tcp-log", $$"""{"host":"127.0.0.1","port":{{Port}},"keepalive":100}""");
        await GetAsync($"/{name}", HttpStatusCode.OK);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await _listener.AcceptTcpClientAsync(timeout.Token);
        using var reader = new StreamReader(connection.GetStream());
        Assert.NotNull(await reader.ReadLineAsync(timeout.Token));

        // The gateway hangs up once the connection was idle for 100 ms: the read ends.
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }

    [Fact]
    public async Task Tls_HandshakesWithTheConfiguredSni()
    {
        var name = LogRoutes.UniqueName("tcptls");
        await LogRoutes.CreateAsync(node, name, "tcp-log", $$"""{"host":"127.0.0.1","port":{{Port}},"tls":true,"tls_sni":"logs.example.test"}""");
        await GetAsync($"/{name}", HttpStatusCode.OK);

        var (cert, key) = TestCertificates.Rsa();
        using var certificate = X509Certificate2.CreateFromPem(cert, key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await _listener.AcceptTcpClientAsync(timeout.Token);
        await using var tls = new SslStream(connection.GetStream());
        string? sni = null;
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, host) =>
                {
                    sni = host;
                    return certificate;
                },
            },
            timeout.Token);
        using var reader = new StreamReader(tls);
        var line = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!)!;

        Assert.Equal("logs.example.test", sni);
        Assert.Equal($"/{name}", line["request"]!["uri"]!.GetValue<string>());
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private static TcpListener StartListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(expected, response.StatusCode);
    }
}
