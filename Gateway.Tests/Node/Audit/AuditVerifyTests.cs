using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Node.Audit;
using Gateway.Node.Settings;
using Gateway.Storage.Audit;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Node.Audit;

/// <summary>
/// A node signing its records with audit_log_signing_key, checked as an operator would: GET /audit/verify, then
/// <c>gateway audit verify</c> and <c>audit export</c> on its database, before and after someone edits a record in it.
/// </summary>
public sealed class AuditVerifyTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("audit-keys-").FullName;
    private readonly RSA _key = RSA.Create(2048);
    private TestNode _node = null!;

    private string PrivateKeyPath => Path.Combine(_keys, "private.pem");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(PrivateKeyPath, _key.ExportPkcs8PrivateKeyPem());
        _node = await TestNode.StartAsync("--audit_log", "on", "--audit_log_signing_key", PrivateKeyPath);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _key.Dispose();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task EveryRecordIsSigned_AndTheChainVerifies_OverTheAdminApi()
    {
        await WriteSomeAsync();

        var requests = (await _node.GetAsync("/audit/requests?size=100"))["data"]!.AsArray();
        var objects = (await _node.GetAsync("/audit/objects?size=100"))["data"]!.AsArray();
        var verified = await _node.GetAsync("/audit/verify");

        Assert.All(requests.Concat(objects), r => Assert.True(AuditSigner.Verify(r!.AsObject(), _key), r!.ToJsonString()));
        Assert.Equal(3, objects.Count);
        Assert.True((bool?)verified["intact"], verified.ToJsonString());
        Assert.True((bool?)verified["signatures_checked"]);
        Assert.True((long?)verified["records"] >= 6);
        Assert.Equal((long?)verified["head"]!["sequence"], (long?)verified["records"]);
        Assert.Null(verified["bad_sequence"]);
    }

    [Fact]
    public async Task TheCommands_VerifyAndExportTheNodesLog_AndNameARecordEditedInTheDatabase()
    {
        await WriteSomeAsync();
        var exportPath = Path.Combine(_keys, "audit.jsonl");

        var (verifyCode, verifyOut, _) = await RunAsync("audit", "verify");
        var (exportCode, _, exportErr) = await RunAsync("audit", "export", exportPath);
        var exported = (await File.ReadAllLinesAsync(exportPath)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        await _node.StopAsync();
        var edited = await EditAsync("UPDATE audit_objects SET record = replace(record, '\"operation\":\"delete\"', '\"operation\":\"update\"') WHERE record LIKE '%\"operation\":\"delete\"%'");
        var (brokenCode, _, brokenErr) = await RunAsync("audit", "verify");

        Assert.Equal(0, verifyCode);
        Assert.StartsWith("audit chain intact: ", verifyOut, StringComparison.Ordinal);
        Assert.Contains("every signature verified", verifyOut, StringComparison.Ordinal);
        Assert.Equal(0, exportCode);
        Assert.Equal(Enumerable.Range(1, exported.Count).Select(i => (long)i), exported.Select(r => (long)r["sequence"]!));
        Assert.All(exported, r => Assert.True(AuditSigner.Verify(r, _key)));
        Assert.Contains($"resume with --after-sequence {exported.Count}", exportErr, StringComparison.Ordinal);
        Assert.Equal(1, edited);
        Assert.Equal(1, brokenCode);
        Assert.StartsWith("gateway: audit chain broken at record ", brokenErr, StringComparison.Ordinal);
        Assert.Contains("its hash does not match", brokenErr, StringComparison.Ordinal);
        Assert.Single(brokenErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Verify_WithAnotherPublicKey_FailsOnTheFirstRecord()
    {
        await WriteSomeAsync();
        using var stranger = RSA.Create(2048);
        var publicPath = Path.Combine(_keys, "stranger.pem");
        await File.WriteAllTextAsync(publicPath, stranger.ExportSubjectPublicKeyInfoPem());

        var (code, _, error) = await RunAsync("audit", "verify", "--public-key", publicPath);

        Assert.Equal(1, code);
        Assert.Equal("gateway: audit chain broken at record 1: its signature does not verify with the public key", error.Trim());
    }

    private async Task WriteSomeAsync()
    {
        await _node.CreateAsync("/consumers", """{"username":"carol"}""");
        await _node.PatchAsync("/consumers/carol", """{"custom_id":"c-1"}""");
        using var deleted = await _node.SendJsonAsync(HttpMethod.Delete, "/consumers/carol");
        Assert.Equal(204, (int)deleted.StatusCode);

        // Request records are written behind the answers: wait for the three writes' records.
        for (var i = 0; i < 100 && (await _node.GetAsync("/audit/requests?method=DELETE"))["data"]!.AsArray().Count == 0; i++)
        {
            await Task.Delay(50);
        }
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var commandLine = CommandLine.Parse([.. args, "--prefix", _node.Prefix, "--audit_log", "on", "--audit_log_signing_key", PrivateKeyPath]);
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await AuditCommand.RunAsync(SettingsLoader.Load(commandLine, new Dictionary<string, string>()), commandLine, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<int> EditAsync(string sql)
    {
        var path = Path.Combine(_node.Prefix, "gateway.db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }
}
