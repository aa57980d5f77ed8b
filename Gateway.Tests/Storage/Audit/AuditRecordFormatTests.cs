using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Storage.Audit;

namespace Gateway.Tests.Storage.Audit;

/// <summary>
/// What goes into a record: audit_log_payload_exclude's two match modes, the update diff, and Kong's signature,
/// checked with openssl as Kong's docs tell users to.
/// </summary>
public sealed class AuditRecordFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audit-format-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void APlainKey_IsRemovedAtAnyDepth_ArraysIncluded_AndNamedOnce()
    {
        var payload = JsonNode.Parse("""{"password":"a","config":{"password":"b","hosts":[{"password":"c","name":"h"}]},"name":"n"}""");

        var filtered = AuditPayloadFilter.Default.Apply(payload);

        Assert.Equal("""{"config":{"hosts":[{"name":"h"}]},"name":"n"}""", filtered.Value!.ToJsonString());
        Assert.Equal(["password"], filtered.Removed);
        Assert.Equal("a", (string?)payload!["password"]);
    }

    [Fact]
    public void ADottedPath_RemovesThatPathOnly()
    {
        var filter = AuditPayloadFilter.Parse("config.redis.password, key");
        var payload = JsonNode.Parse("""{"password":"top","config":{"redis":{"password":"r","host":"h"},"password":"c"},"keys":[{"key":"k1"}]}""");

        var filtered = filter.Apply(payload);

        Assert.Equal("""{"password":"top","config":{"redis":{"host":"h"},"password":"c"},"keys":[{}]}""", filtered.Value!.ToJsonString());
        Assert.Equal(["config.redis.password", "key"], filtered.Removed);
    }

    [Fact]
    public void NothingToRemove_NamesNothing()
    {
        var filtered = AuditPayloadFilter.Default.Apply(JsonNode.Parse("""{"name":"n","tokens":["password"]}"""));

        Assert.Equal("""{"name":"n","tokens":["password"]}""", filtered.Value!.ToJsonString());
        Assert.Empty(filtered.Removed);
        Assert.Equal((null, 0), (AuditPayloadFilter.Default.Apply(null).Value, AuditPayloadFilter.Default.Apply(null).Removed.Count));
    }

    [Fact]
    public void Diff_ListsEveryChangedLeaf_ByDottedPath()
    {
        var before = JsonNode.Parse("""{"host":"a","port":80,"tags":["x"],"config":{"minute":5,"hour":null},"gone":1}""");
        var after = JsonNode.Parse("""{"host":"a","port":8080,"tags":["x","y"],"config":{"minute":6,"hour":null},"added":true}""");

        var diff = JsonNode.Parse(AuditDiff.Between(before, after)!)!.AsArray();

        Assert.Equal(
            """[{"path":"added","old":null,"new":true},{"path":"config.minute","old":5,"new":6},{"path":"gone","old":1,"new":null},{"path":"port","old":80,"new":8080},{"path":"tags","old":["x"],"new":["x","y"]}]""",
            diff.ToJsonString());
        Assert.Equal("[]", AuditDiff.Between(before, before!.DeepClone()));
        Assert.Null(AuditDiff.Between(null, after));
        Assert.Null(AuditDiff.Between(before, null));
    }

    [Fact]
    public void CanonicalMessage_IsTheNonNullValues_ByFieldName_JoinedWithPipes_WithoutSignatureTtlAndTimestamp()
    {
        var record = new JsonObject
        {
            ["status"] = 201,
            ["method"] = "POST",
            ["client_ip"] = "127.0.0.1",
            ["path"] = "/services",
            ["request_id"] = "r1",
            ["workspace"] = null,
            ["request_timestamp"] = 1700000000,
            ["ttl"] = 5,
            ["signature"] = "x",
            ["payload"] = """{"name":"s"}""",
        };

        Assert.Equal("""127.0.0.1|POST|/services|{"name":"s"}|r1|201""", AuditSigner.CanonicalMessage(record));
    }

    [Fact]
    public async Task TheSignature_VerifiesWithOpenssl_AsKongsDocsShow()
    {
        var privatePem = Path.Combine(_folder, "private.pem");
        var publicPem = Path.Combine(_folder, "public.pem");
        await OpensslAsync("genrsa", "-out", privatePem, "2048");
        await OpensslAsync("rsa", "-in", privatePem, "-pubout", "-out", publicPem);
        using var signer = AuditSigner.FromPem(await File.ReadAllTextAsync(privatePem));
        var record = new JsonObject
        {
            ["client_ip"] = "127.0.0.1",
            ["method"] = "PATCH",
            ["path"] = "/services/billing",
            ["payload"] = """{"port":8080}""",
            ["removed_from_payload"] = null,
            ["request_id"] = "0d9f3c",
            ["status"] = 200,
            ["sequence"] = 7,
            ["hash"] = "ab12",
            ["node_id"] = "node-1",
            ["request_timestamp"] = 1700000000,
        };
        record["signature"] = signer.Sign(record);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "msg.txt"), Encoding.UTF8.GetBytes(AuditSigner.CanonicalMessage(record)));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "sig"), Convert.FromBase64String((string)record["signature"]!));

        var verified = await OpensslAsync("dgst", "-sha256", "-verify", publicPem, "-signature", Path.Combine(_folder, "sig"), Path.Combine(_folder, "msg.txt"));
        record["status"] = 500;
        await File.WriteAllBytesAsync(Path.Combine(_folder, "msg.txt"), Encoding.UTF8.GetBytes(AuditSigner.CanonicalMessage(record)));
        var altered = await OpensslAsync("dgst", "-sha256", "-verify", publicPem, "-signature", Path.Combine(_folder, "sig"), Path.Combine(_folder, "msg.txt"));

        Assert.Equal("Verified OK", verified.Trim());
        Assert.Equal("Verification failure", altered.Trim().Split('\n')[0]);
    }

    private static async Task<string> OpensslAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
