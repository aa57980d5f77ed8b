using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Pipeline;
using Gateway.Node.Settings;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Sqlite;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Hosting;

/// <summary>
/// The gateway executable starting on a SQLite file that was lost or damaged, beside its config snapshot: what it
/// refuses (exit code, the one line, the files untouched), what it serves, and the modes of what it creates.
/// </summary>
public sealed class DatabaseFileStartupTests : IAsyncLifetime
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0644: what a file copied in or created by hand gets under the usual umask.</summary>
    private const UnixFileMode WithUmask = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-dbfile-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Backend _backend = null!;

    private string Prefix => Path.Combine(_root, "prefix");

    private string DatabasePath => Path.Combine(Prefix, "gateway.db");

    private string SnapshotPath => SnapshotFile.PathIn(Prefix);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Prefix);
        _backend = await Backend.StartAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _backend.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LostDatabase_RefusesToStart_NamingBothFiles_AndTheSnapshotsImportRestoresIt(bool zeroBytes)
    {
        string routeId;
        using (var node = await StartAsync())
        {
            await PostAsync(node, "/services", $$"""{"name":"kept","url":"http://{{_backend.Address}}/"}""");
            routeId = (await PostAsync(node, "/services/kept/routes", """{"paths":["/kept"]}"""))["id"]!.GetValue<string>();
            await Eventually.HoldsAsync(() => SnapshotFile.TryRead(Prefix)?.Version == 2, TimeSpan.FromSeconds(5), "the snapshot file has the route");
            await StopAsync(node);
        }

        foreach (var file in Directory.GetFiles(Prefix, "gateway.db*"))
        {
            File.Delete(file);
        }

        if (zeroBytes)
        {
            await File.WriteAllBytesAsync(DatabasePath, []);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(DatabasePath, WithUmask);
            }
        }

        var snapshot = await File.ReadAllBytesAsync(SnapshotPath);

        var (code, stdout, stderr) = await NodeProcess.RunAsync(Arguments());

        Assert.Equal(1, code);
        Assert.Equal(
            $"gateway: {DatabasePath} {(zeroBytes ? "is empty (0 bytes)" : "is missing")}, but {SnapshotPath} holds config version 2 (services: 1, routes: 1): "
            + $"restore it with 'gateway config db_import {SnapshotPath}' (with this start's settings; consumers and their credentials are not in a snapshot), "
            + "or start with an empty database on purpose with 'gateway start --discard-snapshot'",
            Assert.Single(stderr));
        Assert.Empty(stdout);
        Assert.Equal(snapshot, await File.ReadAllBytesAsync(SnapshotPath));
        Assert.Equal(zeroBytes, File.Exists(DatabasePath));
        Assert.True(!zeroBytes || new FileInfo(DatabasePath).Length == 0, "the 0-byte file is left as it was");
        Assert.True(!zeroBytes || OperatingSystem.IsWindows() || File.GetUnixFileMode(DatabasePath) == WithUmask, "and so is its mode");

        var (importCode, imported, importErrors) = await NodeProcess.RunAsync(["config", "db_import", SnapshotPath, "--prefix", Prefix]);
        Assert.True(importCode == 0, string.Join(" | ", importErrors));
        Assert.Equal([$"import successful: 2 entities written, 0 unchanged, from {SnapshotPath}"], imported);

        using (var restored = await StartAsync())
        {
            using var proxied = await _client.GetAsync($"http://127.0.0.1:{restored.Proxy}/kept");
            Assert.Equal(200, (int)proxied.StatusCode);
            var routes = JsonNode.Parse(await _client.GetStringAsync($"http://127.0.0.1:{restored.Admin}/routes"))!["data"]!.AsArray();
            Assert.Equal(routeId, Assert.Single(routes)!["id"]!.GetValue<string>());
            await StopAsync(restored);
        }
    }

    [Fact]
    public async Task NeverWrittenDatabase_BesideASnapshotWithRows_RefusesToStart()
    {
        await WriteSnapshotAsync(Prefix);
        await using (var store = new SqliteConfigStore(DatabasePath, PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System))
        {
            await store.InitializeAsync();
        }

        var (code, stdout, stderr) = await NodeProcess.RunAsync(Arguments());

        Assert.Equal(1, code);
        Assert.StartsWith(
            $"gateway: {DatabasePath} holds no config (version 0), but {SnapshotPath} holds config version 7 (services: 1, routes: 1): "
            + $"restore it with 'gateway config db_import {SnapshotPath}'",
            Assert.Single(stderr));
        Assert.Empty(stdout);
        Assert.True(SnapshotFile.TryRead(Prefix) is { Version: 7 } kept && !SnapshotFile.IsEmpty(kept), "the snapshot is kept");
    }

    [Fact]
    public async Task DiscardSnapshot_StartsEmpty_AndSetsTheSnapshotAside()
    {
        await WriteSnapshotAsync(Prefix);
        var snapshot = await File.ReadAllBytesAsync(SnapshotPath);

        using var node = await StartAsync("--discard-snapshot");

        var routes = JsonNode.Parse(await _client.GetStringAsync($"http://127.0.0.1:{node.Admin}/routes"))!["data"]!.AsArray();
        Assert.Empty(routes);
        var aside = Assert.Single(Directory.GetFiles(Prefix, SnapshotFile.FileName + ".*.discarded"));
        Assert.Equal(snapshot, await File.ReadAllBytesAsync(aside));
        await Eventually.HoldsAsync(() => SnapshotFile.TryRead(Prefix) is { Version: 0 } empty && SnapshotFile.IsEmpty(empty), TimeSpan.FromSeconds(5), "the empty config is saved");
        await StopAsync(node);
        Assert.Contains(node.Process.Stdout, l => l.Contains($"--discard-snapshot: {DatabasePath} is missing; the config snapshot (config version 7 (services: 1, routes: 1)) is set aside as {aside}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "SQLite Error 26: 'file is not a database'")]
    [InlineData(true, "SQLite Error 11: 'database disk image is malformed'")]
    public async Task CorruptDatabase_IsServedReadOnlyFromTheSnapshot_AndLeftAsItIs(bool truncated, string reason)
    {
        await WriteSnapshotAsync(Prefix);
        await WriteCorruptDatabaseAsync(truncated);
        var (database, snapshot) = (Hash(DatabasePath), Hash(SnapshotPath));

        using var node = await StartAsync();

        using (var proxied = await _client.GetAsync($"http://127.0.0.1:{node.Proxy}/kept"))
        {
            Assert.Equal(200, (int)proxied.StatusCode);
        }

        using (var route = await _client.GetAsync($"http://127.0.0.1:{node.Admin}/routes/kept-route"))
        {
            Assert.Equal(200, (int)route.StatusCode);
        }

        using (var write = await _client.PostAsync($"http://127.0.0.1:{node.Admin}/services", Json("""{"name":"new","url":"http://example.test/"}""")))
        {
            Assert.Equal(503, (int)write.StatusCode);
            Assert.Equal(AdminApi.UnavailableMessage, JsonNode.Parse(await write.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
        }

        var status = JsonNode.Parse(await _client.GetStringAsync($"http://127.0.0.1:{node.Status}/status"))!;
        Assert.False(status["database"]!["reachable"]!.GetValue<bool>());
        await StopAsync(node);

        var line = Assert.Single(node.Process.Stdout, l => l.Contains("serving config version", StringComparison.Ordinal));
        Assert.EndsWith($"database unavailable: the SQLite file {DatabasePath} is corrupt ({reason}); serving config version 7 from {SnapshotPath}, read-only", line);
        AssertNoStackTrace([.. node.Process.Stdout, .. node.Process.Stderr]);
        Assert.Equal(database, Hash(DatabasePath));
        Assert.Equal(snapshot, Hash(SnapshotPath));
    }

    [Fact]
    public async Task CorruptDatabase_WithoutASnapshot_RefusesInOneLine()
    {
        await WriteCorruptDatabaseAsync(truncated: false);
        var database = Hash(DatabasePath);

        var (code, stdout, stderr) = await NodeProcess.RunAsync(Arguments());

        Assert.Equal(1, code);
        Assert.Equal(
            $"gateway: the SQLite file {DatabasePath} is corrupt (SQLite Error 26: 'file is not a database') and there is no config snapshot in {Prefix} "
            + "to serve from: restore it from a backup, or move it aside to start with an empty database",
            Assert.Single(stderr));
        Assert.Empty(stdout);
        Assert.Equal(database, Hash(DatabasePath));
    }

    [Fact]
    public async Task ExistingFilesOpenToOthers_AreMadeOwnerOnly_InOneLine_AndLeftoverWritesRemoved()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await WriteSnapshotAsync(Prefix);
        await using (var store = new SqliteConfigStore(DatabasePath, PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System))
        {
            await store.InitializeAsync();
            await store.InsertAsync("services", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = "s", ["host"] = "example.test" });
        }

        var consumerCache = ConsumerCacheFile.PathIn(Prefix);
        await File.WriteAllTextAsync(consumerCache, "{\"version\":0,\"rows\":[]}");
        foreach (var file in new[] { DatabasePath, SnapshotPath, consumerCache })
        {
            File.SetUnixFileMode(file, WithUmask);
        }

        string[] leftovers = [$"{SnapshotPath}.4242.tmp", $"{consumerCache}.4243.tmp"];
        foreach (var leftover in leftovers)
        {
            await File.WriteAllTextAsync(leftover, "{\"version\":");
        }

        using var node = await StartAsync();
        foreach (var name in new[] { "gateway.db", "gateway.db-wal", "gateway.db-shm", SnapshotFile.FileName, ConsumerCacheFile.FileName })
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(Prefix, name)));
        }

        Assert.All(leftovers, leftover => Assert.False(File.Exists(leftover), $"{leftover}, a write a crash cut short, is removed"));
        await StopAsync(node);
        var line = Assert.Single(node.Process.Stdout, l => l.Contains("made owner-only", StringComparison.Ordinal));
        Assert.EndsWith($"made owner-only (600) in {Prefix}, as they hold credentials and keys: gateway.db (was 644), gateway.db-wal (was 644), gateway.db-shm (was 644), {SnapshotFile.FileName} (was 644), {ConsumerCacheFile.FileName} (was 644)", line);
    }

    [Fact]
    public async Task NewPrefix_IsOwnerOnly_AndSoAreTheDatabaseItsWalShmAndTheSnapshot_AnUnreadableSnapshotIsNamed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A prefix the node creates, nested, with an unreadable snapshot dropped in before the node saves one.
        var prefix = Path.Combine(_root, "new", "prefix");
        using var node = await StartInAsync(prefix);
        await StopAsync(node);
        File.WriteAllText(SnapshotFile.PathIn(prefix), "{\"version\":3,\"rows\":");
        File.SetUnixFileMode(SnapshotFile.PathIn(prefix), OwnerOnly);

        using var again = await StartInAsync(prefix);
        await PostAsync(again, "/services", $$"""{"name":"kept","url":"http://{{_backend.Address}}/"}""");
        await Eventually.HoldsAsync(() => SnapshotFile.TryRead(prefix)?.Version == 1, TimeSpan.FromSeconds(5), "the snapshot is saved");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(prefix));
        foreach (var name in new[] { "gateway.db", "gateway.db-wal", "gateway.db-shm", SnapshotFile.FileName })
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(prefix, name)));
        }

        await StopAsync(again);
        Assert.Contains(again.Process.Stdout, l => l.Contains($"the config snapshot {SnapshotFile.PathIn(prefix)} cannot be read (", StringComparison.Ordinal));
    }

    private static void AssertNoStackTrace(IEnumerable<string> lines) =>
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The start arguments on fresh ports, in the test's prefix.</summary>
    private List<string> Arguments() =>
        TestNode.Arguments(Prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());

    private Task<RunningNode> StartAsync(params string[] extra) => StartInAsync(Prefix, extra);

    /// <summary>Starts the executable in <paramref name="prefix"/> and waits until its Admin API answers.</summary>
    private async Task<RunningNode> StartInAsync(string prefix, params string[] extra)
    {
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next();
        List<string> arguments = [.. TestNode.Arguments(prefix, admin, proxy, status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next()), .. extra];
        var node = new RunningNode(NodeProcess.Start(arguments), admin, proxy, status);
        await Eventually.HoldsAsync(
            async () =>
            {
                Assert.False(node.Process.Process.HasExited, $"the node exited: {string.Join(" | ", node.Process.Stderr)}");
                using var root = await _client.GetAsync($"http://127.0.0.1:{node.Admin}/");
                return root.IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(60),
            "the node answers");
        return node;
    }

    private static Task StopAsync(RunningNode node)
    {
        node.Process.Signal(15);
        Assert.True(node.Process.WaitForExit(TimeSpan.FromSeconds(10)), "the node stops on SIGTERM");
        Assert.Equal(0, node.Process.Process.ExitCode);
        return Task.CompletedTask;
    }

    private async Task<JsonNode> PostAsync(RunningNode node, string path, string json)
    {
        using var response = await _client.PostAsync($"http://127.0.0.1:{node.Admin}{path}", Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// A snapshot at version 7 with the service "kept" (to the backend) and its route "kept-route" on /kept, as a node
    /// saves them: the rows are imported into a database of their own and read back.
    /// </summary>
    private async Task WriteSnapshotAsync(string prefix)
    {
        var source = Directory.CreateTempSubdirectory("gateway-dbfile-source-").FullName;
        try
        {
            var file = Path.Combine(source, "kong.json");
            await File.WriteAllTextAsync(
                file,
                $$"""{"_format_version":"3.0","services":[{"name":"kept","url":"http://{{_backend.Address}}/","routes":[{"name":"kept-route","paths":["/kept"]}]}]}""");
            var commandLine = CommandLine.Parse(["config", "db_import", file, "--prefix", source]);
            Assert.Equal(0, await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, TextWriter.Null, TextWriter.Null));
            await using var store = new SqliteConfigStore(Path.Combine(source, "gateway.db"), PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System);
            var data = await ConfigData.LoadAsync(store);
            Assert.True(await SnapshotFile.WriteAsync(prefix, new ConfigData(7, ConfigData.SnapshotEntities.ToDictionary(e => e, e => data[e]))));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    /// <summary>Random bytes, or a real database cut in half.</summary>
    private async Task WriteCorruptDatabaseAsync(bool truncated)
    {
        if (!truncated)
        {
            await File.WriteAllBytesAsync(DatabasePath, RandomNumberGenerator.GetBytes(8192));
            return;
        }

        await using (var store = new SqliteConfigStore(DatabasePath, PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System))
        {
            await store.InitializeAsync();
            for (var i = 0; i < 100; i++)
            {
                await store.InsertAsync("services", new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = $"s{i}-{new string('x', 300)}", ["host"] = "example.test" });
            }
        }

        await using var file = new FileStream(DatabasePath, FileMode.Open);
        file.SetLength(file.Length / 2);
    }

    /// <summary>A started executable and its ports.</summary>
    private sealed record RunningNode(NodeProcess Process, int Admin, int Proxy, int Status) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
