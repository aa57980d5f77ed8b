using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Admin.Rbac;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>
/// RBAC tokens are kept only as bcrypt hashes: the clear tokens a client sent on create, PATCH, PUT and a refused
/// duplicate are in no file of the prefix (the SQLite database, its WAL, the config snapshot), no PostgreSQL row,
/// no <c>db_export</c> output, no line the node logs at debug, and no answer.
/// </summary>
public sealed class RbacTokensAtRestTests : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-rbac-at-rest-").FullName;
    private readonly HttpClient _client = new();

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        _client.Dispose();
        Directory.Delete(_prefix, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sqlite_ThePrefixTheLogAtDebugAndDbExport_HoldNoClearToken()
    {
        int admin = FreePorts.Next(), status = FreePorts.Next();
        List<string> arguments =
        [
            .. TestNode.Arguments(_prefix, admin, FreePorts.Next(), status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next()), "--log_level", "debug", "start",
        ];
        string[] tokens;
        string hash;
        using (var node = NodeProcess.Start(arguments))
        {
            var adminUrl = $"http://127.0.0.1:{admin}";
            await Eventually.HoldsAsync(
                async () =>
                {
                    Assert.False(node.Process.HasExited, $"the node exited: {string.Join(" | ", node.Stderr)}");
                    using var root = await _client.GetAsync($"{adminUrl}/status");
                    return root.IsSuccessStatusCode;
                },
                TimeSpan.FromSeconds(60),
                "the node answers");

            (tokens, hash) = await WriteTokensAsync(adminUrl);
            await Eventually.HoldsAsync(
                () => File.Exists(SnapshotFile.PathIn(_prefix)) && File.ReadAllText(SnapshotFile.PathIn(_prefix)).Contains(hash, StringComparison.Ordinal),
                TimeSpan.FromSeconds(10),
                "the snapshot holds the user's hash");

            node.Signal(15);
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(15)), "the node stops on SIGTERM");
            var log = string.Join('\n', node.Stdout.Concat(node.Stderr));
            Assert.Contains("[DBG]", log, StringComparison.Ordinal);
            AssertAbsent(tokens, log, "the node's log");
        }

        var files = Directory.GetFiles(_prefix, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == PrefixFolder.DatabaseFileName);
        Assert.Contains(files, f => File.ReadAllBytes(f).AsSpan().IndexOf(Encoding.UTF8.GetBytes(hash)) >= 0);
        foreach (var file in files)
        {
            AssertAbsent(tokens, Encoding.Latin1.GetString(File.ReadAllBytes(file)), file);
        }

        var exported = Path.Combine(Directory.CreateTempSubdirectory("gateway-export-").FullName, "kong.yml");
        var commandLine = CommandLine.Parse(["config", "db_export", exported, "--prefix", _prefix, "--log_level", "debug"]);
        var output = new StringWriter();
        Assert.Equal(0, await ConfigCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, output));
        var export = await File.ReadAllTextAsync(exported) + output;
        AssertAbsent(tokens, export, "db_export");
        Assert.DoesNotContain("rbac_", export, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(exported)!, recursive: true);
    }

    [Fact]
    public async Task Postgres_TheRowsHoldNoClearToken()
    {
        var database = await PostgresTestDatabase.CreateDatabaseAsync();
        try
        {
            await using (var dataSource = database.CreateDataSource())
            {
                await Gateway.Storage.Migrations.PostgresMigrations.UpAsync(dataSource);
            }

            string[] arguments =
            [
                "--database", "postgres", "--pg_host", database.Host, "--pg_port", database.Port.ToString(CultureInfo.InvariantCulture),
                "--pg_user", database.User, "--pg_database", database.Database, .. database.Password is null ? [] : new[] { "--pg_password", database.Password },
            ];
            await using var node = await TestNode.StartInAsync(_prefix, arguments);
            var (tokens, hash) = await WriteTokensAsync(node.AdminUrl);

            var dump = await PgDumpAsync(database);
            Assert.Contains(hash, dump, StringComparison.Ordinal);
            AssertAbsent(tokens, dump, "pg_dump");
        }
        finally
        {
            await PostgresTestDatabase.DropDatabaseAsync(database.Database);
        }
    }

    /// <summary>
    /// Creates a user (JSON), changes its token by PATCH (form) and by PUT, and tries a duplicate token: every answer shows
    /// hashes only. Returns the clear tokens sent and the hash the user ends with.
    /// </summary>
    private async Task<(string[] Tokens, string Hash)> WriteTokensAsync(string adminUrl)
    {
        string[] tokens = [RbacCalls.NewToken(), RbacCalls.NewToken(), RbacCalls.NewToken()];
        var answers = new StringBuilder();

        async Task<JsonNode> SendAsync(HttpMethod method, string path, HttpContent content, int expected)
        {
            using var response = await _client.SendAsync(new HttpRequestMessage(method, adminUrl + path) { Content = content });
            var body = await response.Content.ReadAsStringAsync();
            answers.Append(body);
            Assert.True((int)response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {body}");
            return JsonNode.Parse(body)!;
        }

        await SendAsync(HttpMethod.Post, "/rbac/users", Json(new JsonObject { ["name"] = "at-rest", ["user_token"] = tokens[0] }), 201);
        await SendAsync(HttpMethod.Patch, "/rbac/users/at-rest", new FormUrlEncodedContent([new("user_token", tokens[1])]), 200);
        var user = await SendAsync(HttpMethod.Put, "/rbac/users/at-rest", Json(new JsonObject { ["user_token"] = tokens[2], ["comment"] = "put" }), 200);
        await SendAsync(HttpMethod.Post, "/rbac/users", Json(new JsonObject { ["name"] = "at-rest-copy", ["user_token"] = tokens[2] }), 409);
        answers.Append(await _client.GetStringAsync($"{adminUrl}/rbac/users"));

        var hash = user["user_token"]!.GetValue<string>();
        Assert.True(RbacToken.Verify(tokens[2], hash));
        AssertAbsent(tokens, answers.ToString(), "the answers");
        return (tokens, hash);
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static void AssertAbsent(string[] tokens, string text, string where)
    {
        foreach (var token in tokens)
        {
            Assert.False(text.Contains(token, StringComparison.Ordinal), $"{where} holds the clear token {token}");
        }
    }

    /// <summary>Every row of the database, as <c>pg_dump --data-only</c> writes them.</summary>
    private static async Task<string> PgDumpAsync(Gateway.Storage.Postgres.PostgresSettings database)
    {
        var info = new ProcessStartInfo("pg_dump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--data-only", "-h", database.Host, "-p", database.Port.ToString(CultureInfo.InvariantCulture), "-U", database.User, database.Database },
        };
        if (database.Password is { } password)
        {
            info.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(info)!;
        var dump = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return await dump;
    }
}
