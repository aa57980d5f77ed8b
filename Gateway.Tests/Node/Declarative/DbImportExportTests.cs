using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Pipeline;
using Gateway.Node.Settings;
using Gateway.Storage.Declarative;
using Gateway.Storage.Migrations;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Sqlite;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary><c>gateway config db_import / db_export</c> against SQLite databases in temporary prefixes, and PostgreSQL.</summary>
public sealed class DbImportExportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-dbimport-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A config with every entity type, nested and by reference.</summary>
    internal static JsonObject EveryEntityType()
    {
        var (cert, key) = TestCertificates.Rsa();
        var (caCert, _) = TestCertificates.Rsa(ca: true);
        return new JsonObject
        {
            ["_format_version"] = "3.0",
            ["certificates"] = new JsonArray(new JsonObject
            {
                ["cert"] = cert,
                ["key"] = key,
                ["tags"] = new JsonArray("edge"),
                ["snis"] = new JsonArray(new JsonObject { ["name"] = "api.example.test" }),
            }),
            ["ca_certificates"] = new JsonArray(new JsonObject { ["cert"] = caCert }),
            ["services"] = new JsonArray(new JsonObject
            {
                ["name"] = "orders",
                ["url"] = "http://orders.internal:8080/v1",
                ["tags"] = new JsonArray("team-a", "prod"),
                ["routes"] = new JsonArray(new JsonObject
                {
                    ["name"] = "orders-route",
                    ["paths"] = new JsonArray("/orders"),
                    ["methods"] = new JsonArray("GET", "POST"),
                    ["plugins"] = new JsonArray(new JsonObject { ["name"] = "key-auth" }),
                }),
                ["plugins"] = new JsonArray(new JsonObject { ["name"] = "rate-limiting", ["config"] = new JsonObject { ["minute"] = 20 } }),
            }),
            ["consumers"] = new JsonArray(new JsonObject
            {
                ["username"] = "alice",
                ["custom_id"] = "a-1",
                ["keyauth_credentials"] = new JsonArray(new JsonObject { ["key"] = "alice-key" }),
                ["basicauth_credentials"] = new JsonArray(new JsonObject { ["username"] = "alice", ["password"] = "s3cret" }),
                ["jwt_secrets"] = new JsonArray(new JsonObject { ["key"] = "alice-iss", ["secret"] = "shh" }),
                ["hmacauth_credentials"] = new JsonArray(new JsonObject { ["username"] = "alice-hmac", ["secret"] = "hmac-secret" }),
                ["acls"] = new JsonArray(new JsonObject { ["group"] = "admins" }),
                ["plugins"] = new JsonArray(new JsonObject { ["name"] = "request-termination", ["config"] = new JsonObject { ["status_code"] = 418 } }),
            }),
            ["upstreams"] = new JsonArray(new JsonObject
            {
                ["name"] = "orders.upstream",
                ["targets"] = new JsonArray(new JsonObject { ["target"] = "10.0.0.1:8080", ["weight"] = 50 }, new JsonObject { ["target"] = "10.0.0.2:8080" }),
            }),
            ["plugins"] = new JsonArray(
                new JsonObject { ["name"] = "correlation-id" },
                new JsonObject { ["name"] = "acl", ["route"] = "orders-route", ["config"] = new JsonObject { ["allow"] = new JsonArray("admins") } }),
        };
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string prefix, params string[] args)
    {
        var commandLine = CommandLine.Parse([.. args, "--prefix", prefix]);
        var settings = SettingsLoader.Load(commandLine, new Dictionary<string, string>());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(settings, commandLine, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task RunOkAsync(string prefix, params string[] args)
    {
        var (code, output, error) = await RunAsync(prefix, args);
        Assert.True(code == 0, $"gateway {string.Join(' ', args)} failed: {output}{error}");
    }

    /// <summary><c>config db_import</c> of <see cref="EveryEntityType"/> into <paramref name="prefix"/>.</summary>
    private async Task ImportEveryEntityTypeAsync(string prefix)
    {
        var source = Path.Combine(_root, "source.json");
        await File.WriteAllTextAsync(source, EveryEntityType().ToJsonString());
        await RunOkAsync(prefix, "config", "db_import", source);
    }

    [Fact]
    public async Task ExportImportExport_OnEveryEntityType_GivesAnIdenticalFile()
    {
        string first = Path.Combine(_root, "first"), second = Path.Combine(_root, "second");
        await ImportEveryEntityTypeAsync(first);
        var exported = Path.Combine(_root, "exported.yml");
        await RunOkAsync(first, "config", "db_export", exported);

        await RunOkAsync(second, "config", "db_import", exported);
        var again = Path.Combine(_root, "again.yml");
        await RunOkAsync(second, "config", "db_export", again);

        var text = await File.ReadAllTextAsync(exported);
        Assert.Equal(text, await File.ReadAllTextAsync(again));
        var document = DeclarativeText.Parse(text)!.AsObject();
        Assert.Equal("3.0", document["_format_version"]!.GetValue<string>());
        Assert.False(document["_transform"]!.GetValue<bool>());
        foreach (var entity in new[]
        {
            "services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates", "snis", "ca_certificates",
            "keyauth_credentials", "basicauth_credentials", "jwt_secrets", "hmacauth_credentials", "acls",
        })
        {
            Assert.True(document[entity] is JsonArray { Count: > 0 }, $"{entity} missing from the export");
        }

        Assert.Equal(2, document["targets"]!.AsArray().Count);
        Assert.Equal(5, document["plugins"]!.AsArray().Count);

        // Foreign keys are bare ids, as Kong's export writes them.
        var route = document["routes"]![0]!;
        Assert.Equal(document["services"]![0]!["id"]!.GetValue<string>(), route["service"]!.GetValue<string>());

        // The hashed password survives unchanged (the file says _transform: false).
        var hash = document["basicauth_credentials"]![0]!["password"]!.GetValue<string>();
        Assert.StartsWith("$2", hash);
        Assert.Contains(hash, await File.ReadAllTextAsync(again));
    }

    [Fact]
    public async Task ImportExport_OnPostgres_GivesTheSameFileAsOnSqlite()
    {
        var source = Path.Combine(_root, "source.json");
        await File.WriteAllTextAsync(source, EveryEntityType().ToJsonString());
        var sqlite = Path.Combine(_root, "sqlite");
        await RunOkAsync(sqlite, "config", "db_import", source);
        var fromSqlite = Path.Combine(_root, "from-sqlite.yml");
        await RunOkAsync(sqlite, "config", "db_export", fromSqlite);

        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            string[] postgres =
            [
                "--database", "postgres", "--pg_host", database.Host, "--pg_port", database.Port.ToString(CultureInfo.InvariantCulture),
                "--pg_user", database.User, "--pg_database", database.Database, .. database.Password is null ? [] : new[] { "--pg_password", database.Password },
            ];
            var prefix = Path.Combine(_root, "pg");
            var (code, _, error) = await RunAsync(prefix, ["config", "db_import", fromSqlite, .. postgres]);
            Assert.Equal(1, code);
            Assert.Equal($"gateway: the database (PostgreSQL at {database.Host}:{database.Port}/{database.Database}) is empty: run 'gateway migrations bootstrap'\n", error);

            await using (var dataSource = database.CreateDataSource())
            {
                await PostgresMigrations.UpAsync(dataSource);
            }

            await RunOkAsync(prefix, ["config", "db_import", fromSqlite, .. postgres]);
            var fromPostgres = Path.Combine(_root, "from-postgres.yml");
            await RunOkAsync(prefix, ["config", "db_export", fromPostgres, .. postgres]);

            Assert.Equal(await File.ReadAllTextAsync(fromSqlite), await File.ReadAllTextAsync(fromPostgres));
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    [Fact]
    public async Task Import_SameFileTwice_ChangesNothingTheSecondTime()
    {
        var source = Path.Combine(_root, "source.json");
        await File.WriteAllTextAsync(source, EveryEntityType().ToJsonString());
        var prefix = Path.Combine(_root, "db");
        var (_, firstOutput, _) = await RunAsync(prefix, "config", "db_import", source);
        Assert.Matches("^import successful: 19 entities written, 0 unchanged", firstOutput);

        var export = Path.Combine(_root, "export.yml");
        await RunOkAsync(prefix, "config", "db_export", export);
        var (code, secondOutput, _) = await RunAsync(prefix, "config", "db_import", export);
        Assert.Equal(0, code);
        Assert.StartsWith("import successful: 0 entities written, 19 unchanged", secondOutput);
    }

    [Fact]
    public async Task Import_OfANodesConfigSnapshot_RestoresEveryEntityButConsumers_AndLeavesOutTheirPlugins()
    {
        string original = Path.Combine(_root, "original"), restored = Path.Combine(_root, "restored");
        await ImportEveryEntityTypeAsync(original);
        await using (var store = new SqliteConfigStore(Path.Combine(original, "gateway.db"), PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System))
        {
            Assert.True(await SnapshotFile.WriteAsync(original, await ConfigData.LoadAsync(store)));
        }

        var snapshot = SnapshotFile.PathIn(original);
        var (code, output, error) = await RunAsync(restored, "config", "db_import", snapshot);
        Assert.True(code == 0, error);
        Assert.Equal(
            $"import successful: 12 entities written, 0 unchanged, from {snapshot}\n"
            + "plugins scoped to a consumer left out: 1 (a config snapshot holds no consumers or credentials)\n",
            output);
        var (_, again, _) = await RunAsync(restored, "config", "db_import", snapshot);
        Assert.StartsWith("import successful: 0 entities written, 12 unchanged", again);

        // What the snapshot restores is the original's export (ids, timestamps, the key as stored), without consumers.
        string originalExport = Path.Combine(_root, "original.yml"), restoredExport = Path.Combine(_root, "restored.yml");
        await RunOkAsync(original, "config", "db_export", originalExport);
        await RunOkAsync(restored, "config", "db_export", restoredExport);
        var expected = DeclarativeText.Parse(await File.ReadAllTextAsync(originalExport))!.AsObject();
        foreach (var entity in new[] { "consumers", "keyauth_credentials", "basicauth_credentials", "jwt_secrets", "hmacauth_credentials", "acls" })
        {
            Assert.True(expected.Remove(entity), $"{entity} missing from the original's export");
        }

        var plugins = expected["plugins"]!.AsArray();
        plugins.Remove(Assert.Single(plugins, p => p!["consumer"] is not null));
        JsonAssert.Equal(expected.ToJsonString(), DeclarativeText.Parse(await File.ReadAllTextAsync(restoredExport)));
    }

    [Fact]
    public async Task Import_InvalidFile_WritesNothing()
    {
        var source = Path.Combine(_root, "bad.yml");
        await File.WriteAllTextAsync(source, "_format_version: \"3.0\"\nservices:\n- name: ok\n  host: example.test\n- name: bad\n");
        var prefix = Path.Combine(_root, "db");
        var (code, _, error) = await RunAsync(prefix, "config", "db_import", source);
        Assert.Equal(1, code);
        Assert.Contains("declarative config is invalid: {services={[2]={host=\"required field missing\"}}}", error);

        var export = Path.Combine(_root, "export.yml");
        await RunOkAsync(prefix, "config", "db_export", export);
        Assert.Equal("_format_version: \"3.0\"\n_transform: false\n", await File.ReadAllTextAsync(export));
    }

    [Fact]
    public async Task Import_NameTakenByAnotherId_FailsWithTheUniqueViolation()
    {
        var prefix = Path.Combine(_root, "db");
        var first = Path.Combine(_root, "first.yml");
        await File.WriteAllTextAsync(first, "_format_version: \"3.0\"\nservices:\n- name: s\n  host: a.test\n");
        await RunOkAsync(prefix, "config", "db_import", first);
        var second = Path.Combine(_root, "second.yml");
        await File.WriteAllTextAsync(second, "_format_version: \"3.0\"\nservices:\n- name: s\n  id: 0855b320-0dd2-547d-891d-601e9b38647f\n  host: b.test\n");
        var (code, _, error) = await RunAsync(prefix, "config", "db_import", second);
        Assert.Equal(1, code);
        Assert.Equal($"gateway: importing {second} failed: UNIQUE violation detected on '{{name=\"s\"}}'\n", error);
    }

    [Fact]
    public async Task DbExport_WithDatabaseOff_Fails()
    {
        var (code, _, error) = await RunAsync(Path.Combine(_root, "db"), "config", "db_export", Path.Combine(_root, "x.yml"), "--database", "off");
        Assert.Equal(1, code);
        Assert.Equal("gateway: 'config db_import' and 'config db_export' need a database; database = off has none here\n", error);
    }

    [Fact]
    public async Task DisasterRecovery_ConfigBuiltThroughTheAdminApi_RoundTripsExactly()
    {
        await using var live = await TestNode.StartAsync();
        var (cert, key) = TestCertificates.Rsa();
        var (caCert, _) = TestCertificates.Rsa(ca: true);
        async Task<JsonNode> Create(string path, JsonObject body)
        {
            var (status, answer) = await live.CallAsync(HttpMethod.Post, path, body.ToJsonString());
            Assert.True(status == 201, $"POST {path}: {status} {answer?.ToJsonString()}");
            return answer!;
        }

        var certificate = await Create("/certificates", new JsonObject { ["cert"] = cert, ["key"] = key });
        await Create($"/certificates/{certificate["id"]}/snis", new JsonObject { ["name"] = "api.example.test" });
        await Create("/ca_certificates", new JsonObject { ["cert"] = caCert });
        await Create("/services", new JsonObject { ["name"] = "orders", ["url"] = "https://orders.internal/v1", ["tags"] = new JsonArray("prod") });
        await Create("/services/orders/routes", new JsonObject { ["name"] = "orders-route", ["paths"] = new JsonArray("/orders") });
        await Create("/routes/orders-route/plugins", new JsonObject { ["name"] = "key-auth" });
        await Create("/plugins", new JsonObject { ["name"] = "correlation-id" });
        await Create("/consumers", new JsonObject { ["username"] = "alice" });
        await Create("/consumers/alice/key-auth", new JsonObject());
        await Create("/consumers/alice/basic-auth", new JsonObject { ["username"] = "alice", ["password"] = "pw" });
        await Create("/consumers/alice/jwt", new JsonObject());
        await Create("/consumers/alice/hmac-auth", new JsonObject { ["username"] = "alice-hmac" });
        await Create("/consumers/alice/acls", new JsonObject { ["group"] = "admins" });
        await Create("/upstreams", new JsonObject { ["name"] = "orders.upstream" });
        await Create("/upstreams/orders.upstream/targets", new JsonObject { ["target"] = "10.0.0.1:8080" });
        await live.StopAsync();

        var exported = Path.Combine(_root, "backup.yml");
        await RunOkAsync(live.Prefix, "config", "db_export", exported);
        var restored = Path.Combine(_root, "restored");
        await RunOkAsync(restored, "config", "db_import", exported);
        var again = Path.Combine(_root, "again.yml");
        await RunOkAsync(restored, "config", "db_export", again);
        Assert.Equal(await File.ReadAllTextAsync(exported), await File.ReadAllTextAsync(again));
        var document = DeclarativeText.Parse(await File.ReadAllTextAsync(again))!;
        Assert.Equal(14, document.AsObject().Count(p => !p.Key.StartsWith('_')));
    }
}
