using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.Tests.Node.Plugins.HttpLog;
using Gateway.Tests.Support;
using StackExchange.Redis;

namespace Gateway.Tests.Node.Vaults;

/// <summary>
/// Vault references in referenceable fields, resolved where the node uses them and nowhere else: an http-log header
/// reaches the collector as the secret while the Admin API, the database and every file of the prefix keep only the
/// reference; a vault entity's prefix and a JSON secret's key; a Redis password; a certificate; an unresolvable
/// reference leaves the field empty and the node serving. Each test sets environment variables of its own.
/// </summary>
public sealed class VaultReferenceResolutionTests : IAsyncLifetime
{
    private static readonly string RedisHost = Environment.GetEnvironmentVariable("TEST_REDIS_HOST") ?? "127.0.0.1";
    private static readonly int RedisPort = int.Parse(Environment.GetEnvironmentVariable("TEST_REDIS_PORT") ?? "6379", CultureInfo.InvariantCulture);

    private readonly string _tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private readonly List<string> _variables = [];
    private Backend _backend = null!;
    private LogReceiver _receiver = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _receiver = await LogReceiver.StartAsync();
        _node = await TestNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _receiver.DisposeAsync();
        await _backend.DisposeAsync();
        foreach (var name in _variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task HttpLogHeader_ReachesTheCollectorResolved_WhileTheAdminApiAndTheDatabaseKeepTheReference()
    {
        var secret = $"token-{Guid.NewGuid():N}";
        SetVariable($"GW_VAULT_{_tag}_TOKEN", secret);
        var reference = $"{{vault://env/gw-vault-{_tag.ToLowerInvariant()}-token}}";
        var plugin = await LoggedRouteAsync("/vault-header", new JsonObject { ["X-Token"] = reference });

        using var response = await _node.Proxy.GetAsync("/vault-header");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(secret, (await _receiver.NextAsync()).Headers["x-token"]);
        Assert.Equal(reference, (await _node.GetAsync($"/plugins/{plugin}"))["config"]!["headers"]!["X-Token"]!.GetValue<string>());
        AssertNotInPrefix(secret);
    }

    [Fact]
    public async Task VaultEntity_AddsItsPrefix_AndAKeyPicksAFieldOfAJsonSecret()
    {
        SetVariable($"GWV{_tag}_CREDENTIALS", """{"user":"alice","pass":"s3cret-pass"}""");
        await _node.CreateAsync("/vaults", $$$"""{"prefix":"team-env","name":"env","config":{"prefix":"GWV{{{_tag}}}_"}}""");
        await LoggedRouteAsync("/vault-entity", new JsonObject
        {
            ["X-User"] = "{vault://team-env/credentials/user}",
            ["X-Pass"] = "{vault://team-env/credentials/pass}",
        });

        using var response = await _node.Proxy.GetAsync("/vault-entity");

        var received = await _receiver.NextAsync();
        Assert.Equal("alice", received.Headers["x-user"]);
        Assert.Equal("s3cret-pass", received.Headers["x-pass"]);
    }

    [Fact]
    public async Task UnresolvableReference_LeavesTheFieldEmpty_AndTheNodeServing()
    {
        await LoggedRouteAsync("/vault-missing", new JsonObject { ["X-Missing"] = $"{{vault://env/gw-absent-{_tag.ToLowerInvariant()}}}", ["X-Plain"] = "kept" });

        using var response = await _node.Proxy.GetAsync("/vault-missing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await _receiver.NextAsync();
        Assert.Equal("kept", received.Headers["x-plain"]);
        Assert.False(received.Headers.ContainsKey("x-missing"));
    }

    [Fact]
    public async Task RedisPassword_FromTheEnvironment_AuthenticatesTheRateLimitCounters()
    {
        var user = $"gw-vault-{_tag.ToLowerInvariant()}";
        var password = $"pw-{Guid.NewGuid():N}";
        SetVariable($"GW_REDIS_{_tag}_PASSWORD", password);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{RedisHost}:{RedisPort},allowAdmin=true");
        var server = redis.GetServer(RedisHost, RedisPort);
        await server.ExecuteAsync("ACL", "SETUSER", user, "on", $">{password}", "~*", "+@all");
        try
        {
            var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{_backend.Port}}}""", """{"paths":["/vault-redis"]}""");
            await _node.CreateAsync($"/routes/{route}/plugins", $$$"""
                {"name":"rate-limiting","config":{"minute":5,"policy":"redis","fault_tolerant":false,
                 "redis":{"host":"{{{RedisHost}}}","port":{{{RedisPort}}},"username":"{{{user}}}","password":"{vault://env/gw-redis-{{{_tag.ToLowerInvariant()}}}-password}"}} }
                """);

            using var first = await _node.Proxy.GetAsync("/vault-redis");
            using var second = await _node.Proxy.GetAsync("/vault-redis");

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("3", second.Headers.GetValues("X-RateLimit-Remaining-Minute").Single());
            var keys = server.Keys(pattern: $"ratelimit:{route}:*").ToArray();
            Assert.Equal(2, (long)await redis.GetDatabase().StringGetAsync(Assert.Single(keys)));
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task Certificate_FromTheEnvironment_IsServedForItsSni()
    {
        var (cert, key) = TestCertificates.Ecdsa($"CN=vault-{_tag}.example");
        SetVariable($"GW_CERT_{_tag}", cert);
        SetVariable($"GW_KEY_{_tag}", key);
        var references = new JsonObject { ["cert"] = $"{{vault://env/gw-cert-{_tag}}}", ["key"] = $"{{vault://env/gw-key-{_tag}}}" };
        var certificate = await _node.CreateAsync("/certificates", references.ToJsonString());
        await _node.CreateAsync("/snis", $$$"""{"name":"vault-{{{_tag.ToLowerInvariant()}}}.example","certificate":{"id":"{{{certificate["id"]}}}"} }""");

        await Eventually.HoldsAsync(
            async () =>
            {
                using var tls = await HandshakeAsync($"vault-{_tag.ToLowerInvariant()}.example");
                return tls.RemoteCertificate!.Subject == $"CN=vault-{_tag}.example";
            },
            TimeSpan.FromSeconds(10),
            "the referenced certificate is served");
        Assert.StartsWith("{vault://env/", (await _node.GetAsync($"/certificates/{certificate["id"]}"))["key"]!.GetValue<string>());
    }

    private async Task<string> LoggedRouteAsync(string path, JsonObject headers)
    {
        var route = await _node.RouteAsync($$"""{"host":"127.0.0.1","port":{{_backend.Port}}}""", $$"""{"paths":["{{path}}"]}""");
        var config = new JsonObject { ["http_endpoint"] = $"http://127.0.0.1:{_receiver.Port}/", ["headers"] = headers };
        var plugin = await _node.CreateAsync($"/routes/{route}/plugins", new JsonObject { ["name"] = "http-log", ["config"] = config }.ToJsonString());
        return plugin["id"]!.GetValue<string>();
    }

    private async Task<SslStream> HandshakeAsync(string sni)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _node.TlsPort);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni, RemoteCertificateValidationCallback = (_, _, _, _) => true });
        return tls;
    }

    private void AssertNotInPrefix(string secret)
    {
        foreach (var file in Directory.EnumerateFiles(_node.Prefix, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            Assert.DoesNotContain(secret, reader.ReadToEnd(), StringComparison.Ordinal);
        }
    }

    private void SetVariable(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }
}
