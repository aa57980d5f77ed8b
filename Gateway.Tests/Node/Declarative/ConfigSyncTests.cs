using Gateway.Node.Declarative;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary><c>gateway config sync</c> against two real nodes, each with its own database, one of them down for part of the test.</summary>
public sealed class ConfigSyncTests : IAsyncLifetime
{
    private const string Version1 = """
        _format_version: "3.0"
        services:
        - name: orders
          url: http://orders.internal:8080
          routes:
          - name: orders-route
            paths: [/orders]
            plugins:
            - name: key-auth
        consumers:
        - username: alice
          keyauth_credentials:
          - key: alice-key
          basicauth_credentials:
          - username: alice
            password: s3cret
          acls:
          - group: admins
        upstreams:
        - name: orders.upstream
          targets:
          - target: 10.0.0.1:8080
          - target: 10.0.0.2:8080
        plugins:
        - name: correlation-id
        """;

    private const string Version2 = """
        _format_version: "3.0"
        services:
        - name: orders
          url: http://orders.internal:8080
          routes:
          - name: orders-route
            paths: [/orders]
            plugins:
            - name: key-auth
        - name: billing
          host: billing.internal
        consumers:
        - username: alice
          keyauth_credentials:
          - key: alice-key
          basicauth_credentials:
          - username: alice
            password: s3cret
        upstreams:
        - name: orders.upstream
          targets:
          - target: 10.0.0.1:8080
            weight: 10
          - target: 10.0.0.2:8080
        plugins:
        - name: correlation-id
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-sync-files-").FullName;
    private TestNode _east = null!;
    private TestNode _west = null!;

    public async Task InitializeAsync()
    {
        _east = await TestNode.StartAsync();
        _west = await TestNode.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _east.DisposeAsync();
        await _west.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int Code, string Out, string Err)> SyncAsync(string yaml, params string[] extra)
    {
        var file = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(file, yaml);
        var commandLine = CommandLine.Parse(["config", "sync", file, "--admin-url", _east.AdminUrl, "--admin-url", _west.AdminUrl, .. extra, "--prefix", _folder]);
        var settings = SettingsLoader.Load(commandLine, new Dictionary<string, string>());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(settings, commandLine, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Sync_BringsBothClustersToTheFile_ChangingOnlyWhatDiffers_AndSurvivesAClusterBeingDown()
    {
        // West has drifted: an outdated service, a stray route and a consumer the file does not have.
        var (_, oldService) = await _west.CallAsync(HttpMethod.Post, "/services", """{"name":"orders","host":"old.internal","port":8080}""");
        await _west.CallAsync(HttpMethod.Post, "/services/orders/routes", """{"name":"stray","paths":["/stray"]}""");
        await _west.CallAsync(HttpMethod.Post, "/consumers", """{"username":"bob"}""");

        // A dry run shows the diff and changes nothing.
        var (dryCode, dryOut, _) = await SyncAsync(Version1, "--dry-run");
        Assert.Equal(0, dryCode);
        Assert.Contains($"cluster {_east.AdminUrl}: 11 differences", dryOut);
        Assert.Contains($"cluster {_east.AdminUrl}: dry run, nothing changed (would create 11, update 0, delete 0)", dryOut);
        Assert.Contains("  update services orders: host: \"old.internal\" -> \"orders.internal\"", dryOut);
        Assert.Contains("  delete routes stray", dryOut);
        Assert.Contains("  delete consumers bob", dryOut);
        Assert.Contains($"cluster {_west.AdminUrl}: dry run, nothing changed (would create 10, update 1, delete 2)", dryOut);
        JsonAssert.Equal("""{"data":[],"next":null}""", await _east.GetAsync("/services"));
        Assert.Equal("old.internal", (await _west.GetAsync("/services/orders"))["host"]!.GetValue<string>());

        // The real run.
        var (code, output, error) = await SyncAsync(Version1);
        Assert.True(code == 0, output + error);
        Assert.Contains($"cluster {_east.AdminUrl}: synced (created 11, updated 0, deleted 0)", output);
        Assert.Contains($"cluster {_west.AdminUrl}: synced (created 10, updated 1, deleted 2)", output);
        foreach (var node in new[] { _east, _west })
        {
            Assert.Equal("orders.internal", (await node.GetAsync("/services/orders"))["host"]!.GetValue<string>());
            Assert.Equal("key-auth", (await node.GetAsync("/routes/orders-route/plugins"))["data"]![0]!["name"]!.GetValue<string>());
            Assert.Equal("alice-key", (await node.GetAsync("/consumers/alice/key-auth"))["data"]![0]!["key"]!.GetValue<string>());
            Assert.Equal(2, (await node.GetAsync("/upstreams/orders.upstream/targets"))["data"]!.AsArray().Count);
            Assert.Equal(2, (await node.GetAsync("/plugins"))["data"]!.AsArray().Count);
        }

        // West's service was updated in place, not replaced; its stray route and consumer are gone.
        Assert.Equal(oldService!["id"]!.GetValue<string>(), (await _west.GetAsync("/services/orders"))["id"]!.GetValue<string>());
        Assert.Equal(404, (await _west.CallAsync(HttpMethod.Get, "/routes/stray")).Status);
        Assert.Equal(404, (await _west.CallAsync(HttpMethod.Get, "/consumers/bob")).Status);

        // In sync now: a second run changes nothing (the bcrypt password is compared, not re-hashed).
        var (again, againOut, _) = await SyncAsync(Version1);
        Assert.Equal(0, again);
        Assert.Contains($"cluster {_east.AdminUrl}: 0 differences", againOut);
        Assert.Contains($"cluster {_west.AdminUrl}: 0 differences", againOut);

        // West goes down: east is still synced, and the command fails naming west.
        await _west.StopAsync();
        var (downCode, downOut, downErr) = await SyncAsync(Version2);
        Assert.Equal(1, downCode);
        Assert.Contains($"cluster {_east.AdminUrl}: synced (created 1, updated 1, deleted 1)", downOut);
        Assert.Contains("  update targets 10.0.0.1:8080: weight: 100 -> 10", downOut);
        Assert.Contains("  delete acls ", downOut);
        Assert.Contains($"cluster {_west.AdminUrl}: unreachable (", downOut);
        Assert.Equal($"gateway: sync failed for {_west.AdminUrl}\n", downErr);
        Assert.Equal("billing.internal", (await _east.GetAsync("/services/billing"))["host"]!.GetValue<string>());

        // West comes back with its old config; the next sync catches it up and leaves east alone.
        await _west.StartAgainAsync();
        var (backCode, backOut, backErr) = await SyncAsync(Version2);
        Assert.True(backCode == 0, backOut + backErr);
        Assert.Contains($"cluster {_east.AdminUrl}: 0 differences", backOut);
        Assert.Contains($"cluster {_west.AdminUrl}: synced (created 1, updated 1, deleted 1)", backOut);
        Assert.Equal("billing.internal", (await _west.GetAsync("/services/billing"))["host"]!.GetValue<string>());
        var targets = (await _west.GetAsync("/upstreams/orders.upstream/targets"))["data"]!.AsArray();
        Assert.Equal(10, targets.Single(t => t!["target"]!.GetValue<string>() == "10.0.0.1:8080")!["weight"]!.GetValue<int>());
        Assert.Empty((await _west.GetAsync("/consumers/alice/acls"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Sync_InvalidFile_ChangesNoCluster()
    {
        var (code, output, error) = await SyncAsync("_format_version: \"3.0\"\nroutes:\n- name: r\n  paths: [/]\n  service: missing\n");
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("declarative config is invalid: {routes={r={\"invalid reference 'service: missing' (no such entry in 'services')\"}}}", error);
    }

    [Fact]
    public async Task Sync_ToADbLessCluster_PostsTheWholeFile()
    {
        await using var dbLess = await TestNode.StartAsync("--database", "off");
        var file = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(file, Version1);
        var url = $"http://127.0.0.1:{dbLess.AdminPort}";
        var commandLine = CommandLine.Parse(["config", "sync", file, "--admin-url", _east.AdminUrl, "--admin-url", url, "--prefix", _folder]);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, error);
        Assert.True(code == 0, output.ToString() + error);
        Assert.Contains($"cluster {url}: synced through POST /config (created 11, updated 0, deleted 0)", output.ToString());
        var (status, service) = await dbLess.CallAsync(HttpMethod.Get, "/services/orders");
        Assert.Equal(200, status);
        Assert.Equal("orders.internal", service!["host"]!.GetValue<string>());

        // The DB-less cluster got the file as written, so its password is hashed once and the next sync finds nothing to do.
        output = new StringWriter();
        Assert.Equal(0, await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, error));
        Assert.Contains($"cluster {url}: 0 differences", output.ToString());
    }

    [Fact]
    public async Task Sync_DeletesFirst_WhatWouldCollideWithACreate()
    {
        // East holds a consumer whose custom_id the file gives to another consumer, and a named plugin
        // whose scope the file's unnamed one takes: both must go before the file's entities are created.
        await _east.CallAsync(HttpMethod.Post, "/consumers", """{"username":"old","custom_id":"c-1"}""");
        await _east.CallAsync(HttpMethod.Post, "/plugins", """{"name":"correlation-id","instance_name":"legacy"}""");
        var file = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(file, "_format_version: \"3.0\"\nconsumers:\n- username: new\n  custom_id: c-1\nplugins:\n- name: correlation-id\n");
        var commandLine = CommandLine.Parse(["config", "sync", file, "--admin-url", _east.AdminUrl, "--prefix", _folder]);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, error);
        Assert.True(code == 0, output.ToString() + error);
        var lines = output.ToString().Split('\n').Select(l => l.Trim()).ToList();
        Assert.True(lines.IndexOf("delete consumers old") < lines.IndexOf("create consumers new"), output.ToString());
        Assert.True(lines.IndexOf("delete plugins legacy") < lines.IndexOf($"create plugins {Gateway.Storage.Declarative.DeterministicUuid.ForEntity("plugins", "plugins:correlation-id:::")}"), output.ToString());
        Assert.Equal("c-1", (await _east.GetAsync("/consumers/new"))["custom_id"]!.GetValue<string>());
        Assert.Null((await _east.GetAsync("/plugins"))["data"]![0]!["instance_name"]);
    }
}
