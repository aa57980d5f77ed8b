using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Node.Routing;

/// <summary>
/// A real node and a regex the non-backtracking engine cannot run: the Admin API and <c>POST /config</c> refuse it
/// with Kong's error shapes; a row or a declarative file holding one from before does not keep the node from starting
/// and serving its other routes.
/// </summary>
public sealed class UnsupportedRegexNodeTests : IAsyncLifetime
{
    private const string Lookahead = "~/stored/(?=b)(b+)+$";
    private const string Construct = "positive lookahead (?= pattern) or positive lookbehind (?<= pattern)";
    private const string Rule = "route regexes run in linear time, as in Kong's traditional_compatible router, without lookarounds, "
        + "backreferences, atomic groups, conditionals, balancing groups, possessive quantifiers or \\G";

    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-regex-").FullName;
    private Backend _backend = null!;

    public async Task InitializeAsync() => _backend = await Backend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AdminApi_RefusesTheRegex_WithKongsSchemaViolation()
    {
        await using var node = await TestNode.StartAsync();
        var service = await node.CreateAsync("/services", $$"""{"name":"s","host":"127.0.0.1","port":{{_backend.Port}}}""");

        var (status, body) = await node.CallAsync(HttpMethod.Post, "/services/s/routes", """{"paths":["/ok","~/b(?=b)(b+)+$"]}""");

        Assert.Equal(400, status);
        var error = $"unsupported regex: '/b(?=b)(b+)+$' (it contains {Construct}): {Rule}";
        JsonAssert.Equal(
            new JsonObject
            {
                ["code"] = 2,
                ["name"] = "schema violation",
                ["message"] = $"schema violation (paths.2: {error})",
                ["fields"] = new JsonObject { ["paths"] = new JsonArray(null, error) },
            }.ToJsonString(),
            body);
        var (headerStatus, headerBody) = await node.CallAsync(HttpMethod.Put, "/routes/h", """{"headers":{"x-a":["~*\\w(?!z)"]}}""");
        Assert.Equal(400, headerStatus);
        Assert.StartsWith("schema violation (headers: unsupported regex: '\\w(?!z)' (it contains negative lookahead", headerBody!["message"]!.GetValue<string>());
        var (_, routes) = await node.CallAsync(HttpMethod.Get, $"/services/{service["id"]}/routes");
        Assert.Empty(routes!["data"]!.AsArray());
    }

    [Fact]
    public async Task StoredRow_TheNodeStartsAndServesTheOtherRoutes_AndTheRowCannotBeWrittenBackUnchanged()
    {
        var prefix = Path.Combine(_folder, "prefix");
        Directory.CreateDirectory(prefix);
        await using var node = await TestNode.StartInAsync(prefix);
        var service = await node.CreateAsync("/services", $$"""{"name":"s","host":"127.0.0.1","port":{{_backend.Port}}}""");
        await node.CreateAsync("/services/s/routes", """{"name":"ok","paths":["/ok"]}""");
        await node.CreateAsync("/services/s/routes", """{"name":"stored","paths":["~/stored/(b+)+$"]}""");
        await node.StopAsync();
        StoreAsAnOlderVersionWould(Path.Combine(prefix, "gateway.db"), "~/stored/(b+)+$", Lookahead);

        await node.StartAgainAsync();

        await Eventually.HoldsAsync(
            async () => (await node.Proxy.GetAsync("/stored/bbb")).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(10),
            "the stored lookahead route never matches");
        Assert.Equal(HttpStatusCode.OK, (await node.Proxy.GetAsync("/ok")).StatusCode);
        var stored = await node.GetAsync("/routes/stored");
        Assert.Equal(Lookahead, stored["paths"]![0]!.GetValue<string>());
        var (status, body) = await node.CallAsync(HttpMethod.Patch, "/routes/stored", """{"tags":["x"]}""");
        Assert.Equal(400, status);
        Assert.Equal($"schema violation (paths.1: unsupported regex: '{Lookahead[1..]}' (it contains {Construct}): {Rule})", body!["message"]!.GetValue<string>());
        await node.PatchAsync("/routes/stored", """{"paths":["~/stored/b(b+)+$"]}""");
        await Eventually.HoldsAsync(
            async () => (await node.Proxy.GetAsync("/stored/bbb")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10),
            "the fixed route matches");
        Assert.Equal(service["id"]!.GetValue<string>(), (await node.GetAsync("/routes/stored"))["service"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeclarativeFile_TheNodeStartsAndServesTheOtherRoutes_ButPostConfigRefusesIt()
    {
        var file = Path.Combine(_folder, "kong.yml");
        var yaml = $"""
            _format_version: "3.0"
            services:
            - name: s
              url: http://127.0.0.1:{_backend.Port}
              routes:
              - name: ok
                paths: [/ok]
              - name: stored
                paths: ['{Lookahead}']
            """;
        await File.WriteAllTextAsync(file, yaml);

        await using var node = await TestNode.StartAsync("--database", "off", "--declarative_config", file);

        Assert.Equal(HttpStatusCode.OK, (await node.Proxy.GetAsync("/ok")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Proxy.GetAsync("/stored/bbb")).StatusCode);
        Assert.Equal(Lookahead, (await node.GetAsync("/routes/stored"))["paths"]![0]!.GetValue<string>());
        var (status, body) = await node.CallAsync(HttpMethod.Post, "/config", new JsonObject { ["config"] = yaml }.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal(14, body!["code"]!.GetValue<int>());
        Assert.Equal(
            $"unsupported regex: '{Lookahead[1..]}' (it contains {Construct}): {Rule}",
            body["fields"]!["services"]![0]!["routes"]![1]!["paths"]![0]!.GetValue<string>());
    }

    /// <summary>Rewrites a route path in the SQLite rows, as a row written before the Admin API refused the regex.</summary>
    private static void StoreAsAnOlderVersionWould(string database, string path, string replacement)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE entities SET body = replace(body, $from, $to) WHERE entity = 'routes' AND instr(body, $from) > 0";
        command.Parameters.AddWithValue("$from", '"' + path + '"');
        command.Parameters.AddWithValue("$to", '"' + replacement + '"');
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
