using Gateway.Node.Declarative;
using Gateway.Node.Plugins.KeyAuth;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// <c>config sync --admin-token</c> sends the token in Kong-Admin-Token. The cluster here is a real node's Admin API
/// reached through a second real node's proxy whose route takes key-auth on that header (Kong's "loop the Admin API
/// through the proxy"), so only a request carrying the right value gets through; the token never shows in the output.
/// </summary>
public sealed class ConfigSyncTokenTests : IAsyncLifetime
{
    private const string Token = "sync-token-5f3a9c1e";
    private const string File1 = "_format_version: \"3.0\"\nservices:\n- name: billing\n  host: billing.internal\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-sync-token-").FullName;
    private TestNode _cluster = null!;
    private TestNode _guard = null!;

    private string GuardedUrl => $"http://127.0.0.1:{_guard.ProxyPort}/admin";

    public async Task InitializeAsync()
    {
        _cluster = await TestNode.StartAsync();
        _guard = await TestNode.StartAsync();
        await _guard.RouteAsync($$"""{"name":"admin-loop","url":"{{_cluster.AdminUrl}}"}""", """{"paths":["/admin"]}""");
        await _guard.CreateAsync("/services/admin-loop/plugins", """{"name":"key-auth","config":{"key_names":["Kong-Admin-Token"]}}""");
        await _guard.CreateAsync("/consumers", """{"username":"deployer"}""");
        await _guard.CreateAsync("/consumers/deployer/key-auth", $$"""{"key":"{{Token}}"}""");
        await Eventually.HoldsAsync(
            async () => (int)(await _guard.Proxy.GetAsync("/admin/")).StatusCode == 401, TimeSpan.FromSeconds(10), "the guarded admin route");
    }

    public async Task DisposeAsync()
    {
        await _guard.DisposeAsync();
        await _cluster.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task WithTheToken_TheSyncGoesThrough_AndNeverPrintsIt()
    {
        var (dryCode, dryOut, dryErr) = await SyncAsync("--admin-token", Token, "--dry-run");
        Assert.True(dryCode == 0, dryOut + dryErr);
        Assert.Contains($"cluster {GuardedUrl}: dry run, nothing changed (would create 1, update 0, delete 0)", dryOut, StringComparison.Ordinal);

        var (code, output, error) = await SyncAsync("--admin-token", Token);
        Assert.True(code == 0, output + error);
        Assert.Contains($"cluster {GuardedUrl}: synced (created 1, updated 0, deleted 0)", output, StringComparison.Ordinal);
        Assert.Equal("billing.internal", (await _cluster.GetAsync("/services/billing"))["host"]!.GetValue<string>());

        Assert.DoesNotContain(Token, dryOut + dryErr + output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheToken_OrAWrongOne_TheClusterIsReportedOnOneLineWithItsMessage()
    {
        var (missing, missingOut, missingErr) = await SyncAsync();
        var (wrong, wrongOut, wrongErr) = await SyncAsync("--admin-token", "not-" + Token);

        Assert.Equal(1, missing);
        Assert.Contains($"cluster {GuardedUrl}: GET / refused (401): {KeyAuthPlugin.NoKeyMessage}", Lines(missingOut));
        Assert.Equal($"gateway: sync failed for {GuardedUrl}", missingErr.Trim());
        Assert.Equal(1, wrong);
        Assert.Contains($"cluster {GuardedUrl}: GET / refused (401): {KeyAuthPlugin.InvalidMessage}", Lines(wrongOut));
        Assert.DoesNotContain(Token, wrongOut + wrongErr, StringComparison.Ordinal);
        Assert.Equal(404, (await _cluster.CallAsync(HttpMethod.Get, "/services/billing")).Status);
    }

    [Fact]
    public void TheToken_ComesFromTheOption_ThenGatewayAdminToken_ThenKongAdminToken()
    {
        var both = new Dictionary<string, string> { ["GATEWAY_ADMIN_TOKEN"] = "from-gateway", ["KONG_ADMIN_TOKEN"] = "from-kong" };

        Assert.Equal("from-option", AdminToken.Resolve("from-option", both));
        Assert.Equal("from-gateway", AdminToken.Resolve(null, both));
        Assert.Equal("from-kong", AdminToken.Resolve(null, new Dictionary<string, string> { ["GATEWAY_ADMIN_TOKEN"] = "", ["KONG_ADMIN_TOKEN"] = "from-kong" }));
        Assert.Null(AdminToken.Resolve(null, new Dictionary<string, string>()));
    }

    [Fact]
    public void ATokenWithALineBreak_IsRefused_WithoutQuotingIt()
    {
        var ex = Assert.Throws<SettingsException>(() => AdminToken.Resolve(null, new Dictionary<string, string> { ["KONG_ADMIN_TOKEN"] = "secret\r\nX-Injected: 1" }));

        Assert.Equal("invalid KONG_ADMIN_TOKEN: the token holds a line break or another control character", ex.Message);
    }

    [Fact]
    public async Task TheEnvironmentVariable_IsSent_ByTheExecutable()
    {
        var file = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(file, File1);

        var (code, stdout, stderr) = await NodeProcess.RunAsync(
            ["config", "sync", file, "--admin-url", GuardedUrl, "--prefix", _folder], new Dictionary<string, string> { ["GATEWAY_ADMIN_TOKEN"] = Token });

        Assert.True(code == 0, string.Join('\n', stdout.Concat(stderr)));
        Assert.Contains($"cluster {GuardedUrl}: synced (created 1, updated 0, deleted 0)", stdout);
        Assert.DoesNotContain(stdout.Concat(stderr), line => line.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public void AdminToken_IsOnlyForConfigSync()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["start", "--admin-token", Token]));

        Assert.Equal("--admin-token is only for 'config sync'", ex.Message);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n').Select(l => l.TrimEnd('\r'))];

    private async Task<(int Code, string Out, string Err)> SyncAsync(params string[] extra)
    {
        var file = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(file, File1);
        var commandLine = CommandLine.Parse(["config", "sync", file, "--admin-url", GuardedUrl, .. extra, "--prefix", _folder]);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
