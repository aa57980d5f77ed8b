using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Storage.Audit;
using Gateway.Tests.Storage.Store;

namespace Gateway.Tests.Storage.Audit;

/// <summary>The chain as <c>gateway audit verify</c> and <c>audit export</c> see it: intact, tampered with in the database, purged, exported.</summary>
public abstract partial class AuditLogContractTests
{
    [Fact]
    public async Task Verify_AnUntouchedChain_IsIntact_WithEverySignatureVerified()
    {
        using var key = RSA.Create(2048);
        using var signer = AuditSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        await using var other = await CreateStoreAsync(TestSchemas.Registry, _time);
        await other.InitializeAsync();
        var log = other.OpenAuditLog(Policy(signer: signer))!;
        await other.InsertAsync("services", Service("billing"), Stamp);
        await log.AppendAsync([Request("POST", 201), Request("GET", 200)]);
        using var stranger = RSA.Create(2048);

        var verified = await AuditVerifier.VerifyAsync(log, key);
        var withAnotherKey = await AuditVerifier.VerifyAsync(log, stranger);

        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal((3L, true), (verified.Records, verified.SignaturesChecked));
        Assert.Equal("audit chain intact: 3 records, sequences 1..3, every signature verified", verified.Describe());
        Assert.False(withAnotherKey.Intact);
        Assert.Equal(1, withAnotherKey.BadSequence);
        Assert.Equal("its signature does not verify with the public key", withAnotherKey.Problem);
    }

    [Fact]
    public async Task Verify_UnsignedRecords_FailASignatureCheck()
    {
        await Log.AppendAsync([Request("GET", 200)]);
        using var key = RSA.Create(2048);

        var verified = await AuditVerifier.VerifyAsync(Log, key);

        Assert.Equal((false, 1L, "it is not signed"), (verified.Intact, verified.BadSequence!.Value, verified.Problem));
        Assert.True((await AuditVerifier.VerifyAsync(Log, null)).Intact);
    }

    [Theory]
    [InlineData("edit", "UPDATE audit_requests SET record = replace(record, '\"status\":404', '\"status\":200') WHERE sequence = 3", 3L, "its hash does not match")]
    [InlineData("delete", "DELETE FROM audit_requests WHERE sequence = 2", 2L, "missing (the next kept record is 3)")]
    [InlineData("reorder", "UPDATE audit_requests SET sequence = -2 WHERE sequence = 2; UPDATE audit_requests SET sequence = 2 WHERE sequence = 3; UPDATE audit_requests SET sequence = 3 WHERE sequence = -2", 2L, "reordered")]
    [InlineData("truncate", "DELETE FROM audit_requests WHERE sequence = 6", 6L, "the tail was removed")]
    [InlineData("object", "UPDATE audit_objects SET record = replace(record, 'billing', 'payroll')", 5L, "its hash does not match")]
    public async Task Verify_NamesTheFirstRecordTamperedWith(string tampering, string sql, long bad, string why)
    {
        await Log.AppendAsync([Request("POST", 201), Request("GET", 200), Request("DELETE", 404), Request("GET", 200)]);
        await Store.InsertAsync("services", Service("billing"), Stamp);
        await Log.AppendAsync([Request("GET", 200)]);
        Assert.True((await AuditVerifier.VerifyAsync(Log, null)).Intact);

        foreach (var statement in sql.Split("; "))
        {
            await ExecuteAsync(statement);
        }

        var verified = await AuditVerifier.VerifyAsync(Log, null);
        Assert.False(verified.Intact, tampering);
        Assert.Equal(bad, verified.BadSequence);
        Assert.Contains(why, verified.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"audit chain broken at record {bad}: ", verified.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAPurge_StartsFromTheAnchor_AndStillCatchesAnEdit()
    {
        await Log.AppendAsync([Request("GET", 200), Request("GET", 200)]);
        _time.Advance(TimeSpan.FromSeconds(Ttl + 1));
        await Log.AppendAsync([Request("GET", 200), Request("POST", 201)]);
        await Log.PurgeExpiredAsync();

        var verified = await AuditVerifier.VerifyAsync(Log, null);
        await ExecuteAsync("UPDATE audit_requests SET record = replace(record, '\"status\":201', '\"status\":200')");
        var tampered = await AuditVerifier.VerifyAsync(Log, null);

        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal((2L, 2L, 4L), (verified.Records, verified.Anchor.Sequence, verified.Head.Sequence));
        Assert.Equal(4, tampered.BadSequence);
    }

    [Fact]
    public async Task Export_WritesJsonLinesInChainOrder_AndResumesAfterASequence()
    {
        await Log.AppendAsync([.. new[] { 1000L, 2000, 3000, 4000, 5000 }.Select(t => Request("GET", 200, timestamp: t))]);

        var all = new StringWriter();
        var whole = await AuditExport.WriteAsync(Log, all, afterSequence: 0, since: null, until: null);
        var rest = new StringWriter();
        var resumed = await AuditExport.WriteAsync(Log, rest, afterSequence: 3, since: null, until: null);
        var window = new StringWriter();
        var between = await AuditExport.WriteAsync(Log, window, afterSequence: 0, since: 2000, until: 4000);

        var lines = all.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(new AuditExported(5, 5), whole);
        Assert.Equal([1L, 2, 3, 4, 5], lines.Select(l => (long)l["sequence"]!));
        Assert.All(lines, l => Assert.NotNull((string?)l["hash"]));
        var previous = "";
        foreach (var line in lines)
        {
            Assert.Equal(AuditChain.Link(previous, line), (string?)line["hash"]);
            previous = (string)line["hash"]!;
        }

        Assert.Equal(new AuditExported(2, 5), resumed);
        Assert.Equal([4L, 5], Sequences(rest));
        Assert.Equal(new AuditExported(2, 5), between);
        Assert.Equal([2L, 3], Sequences(window));
    }

    private static IEnumerable<long> Sequences(StringWriter export) =>
        export.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (long)JsonNode.Parse(l)!["sequence"]!);
}
