using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// The Admin API's entity-specific behaviour Kong adds on top of its generated endpoints: the
/// certificates' transient <c>snis</c> list, and basic-auth passwords stored hashed.
/// </summary>
public sealed class CertificatesAndCredentialsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task CertificateWithSnis_CreatesTheSnis_AndShowsThemSorted()
    {
        var certificate = await CreateCertificateAsync("""["b.snis.test","a.snis.test"]""");
        JsonAssert.Equal("""["a.snis.test","b.snis.test"]""", certificate["snis"]);

        var (status, sni) = await Node.CallAsync(HttpMethod.Get, "/snis/a.snis.test");
        Assert.Equal(200, status);
        Assert.Equal(certificate["id"]!.GetValue<string>(), sni!["certificate"]!["id"]!.GetValue<string>());

        var (_, bySni) = await Node.CallAsync(HttpMethod.Get, "/certificates/b.snis.test");
        Assert.Equal(certificate["id"]!.GetValue<string>(), bySni!["id"]!.GetValue<string>());
        JsonAssert.Equal("""["a.snis.test","b.snis.test"]""", bySni["snis"]);
    }

    [Fact]
    public async Task PatchSnis_ReplacesTheList()
    {
        var certificate = await CreateCertificateAsync("""["one.patch.test","two.patch.test"]""");
        var (status, patched) = await Node.CallAsync(HttpMethod.Patch, $"/certificates/{certificate["id"]}", """{"snis":["three.patch.test","two.patch.test"]}""");
        Assert.Equal(200, status);
        JsonAssert.Equal("""["three.patch.test","two.patch.test"]""", patched!["snis"]);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, "/snis/one.patch.test")).Status);
        Assert.Equal(200, (await Node.CallAsync(HttpMethod.Get, "/snis/three.patch.test")).Status);
    }

    [Fact]
    public async Task SniHeldByAnotherCertificate_Is400_AndCreatesNothing()
    {
        var first = await CreateCertificateAsync("""["taken.snis.test"]""");
        var certificates = await CountAsync("/certificates");
        var (cert, key) = TestCertificates.Rsa();
        var request = new JsonObject { ["cert"] = cert, ["key"] = key, ["snis"] = new JsonArray("taken.snis.test") };
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/certificates", request.ToJsonString());

        Assert.Equal(400, status);
        Assert.Equal(2, body!["code"]!.GetValue<int>());
        Assert.Equal($"taken.snis.test already associated with existing certificate '{first["id"]}'", body["fields"]!["snis"]!.GetValue<string>());
        Assert.Equal(certificates, await CountAsync("/certificates"));
    }

    [Fact]
    public async Task DuplicatedSni_Is400()
    {
        var (cert, key) = TestCertificates.Rsa();
        var request = new JsonObject { ["cert"] = cert, ["key"] = key, ["snis"] = new JsonArray("dup.snis.test", "dup.snis.test") };
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/certificates", request.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal("dup.snis.test is duplicated", body!["fields"]!["snis"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteCertificate_DeletesItsSnis()
    {
        var certificate = await CreateCertificateAsync("""["gone.snis.test"]""");
        var (status, _) = await Node.CallAsync(HttpMethod.Delete, $"/certificates/{certificate["id"]}");
        Assert.Equal(204, status);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, "/snis/gone.snis.test")).Status);
    }

    [Fact]
    public async Task BasicAuthPassword_IsStoredAsABcryptHash_NeverInClear()
    {
        await Node.CreateAsync("/consumers", """{"username":"hashed-user"}""");
        var credential = await Node.CreateAsync("/consumers/hashed-user/basic-auth", """{"username":"alice","password":"s3cret-clear"}""");
        var shown = credential["password"]!.GetValue<string>();
        Assert.NotEqual("s3cret-clear", shown);
        Assert.True(BCrypt.Net.BCrypt.Verify("s3cret-clear", shown));

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Node.Prefix, "gateway.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM entities WHERE id = $id";
        command.Parameters.AddWithValue("$id", credential["id"]!.GetValue<string>());
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain("s3cret-clear", stored);
        Assert.Equal(shown, JsonNode.Parse(stored)!["password"]!.GetValue<string>());
    }

    private async Task<JsonObject> CreateCertificateAsync(string snis)
    {
        var (cert, key) = TestCertificates.Rsa();
        var request = new JsonObject { ["cert"] = cert, ["key"] = key, ["snis"] = JsonNode.Parse(snis) };
        return await Node.CreateAsync("/certificates", request.ToJsonString());
    }

    private async Task<int> CountAsync(string path)
    {
        var (_, body) = await Node.CallAsync(HttpMethod.Get, $"{path}?size=1000");
        return body!["data"]!.AsArray().Count;
    }
}
