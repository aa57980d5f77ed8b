using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Vaults;

/// <summary>/vaults on SQLite.</summary>
public sealed class VaultsAdminSqliteTests(NodeFixture fixture) : VaultsAdminTests(fixture), IClassFixture<NodeFixture>;

/// <summary>/vaults on PostgreSQL.</summary>
public sealed class VaultsAdminPostgresTests(PostgresNode fixture) : VaultsAdminTests(fixture), IClassFixture<PostgresNode>;

/// <summary>/vaults as Kong 3.9 serves them (spec/02-integration/04-admin_api/19-vaults_spec.lua), on each store.</summary>
public abstract class VaultsAdminTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task EnvVault_IsCreated_FoundByPrefix_Updated_AndDeleted()
    {
        var vault = await Node.CreateAsync("/vaults", """{"prefix":"admin-env","name":"env","description":"the env vault","config":{"prefix":"SSL_"}}""");

        Assert.Equal("SSL_", vault["config"]!["prefix"]!.GetValue<string>());
        Assert.Equal(vault["id"]!.GetValue<string>(), (await Node.GetAsync("/vaults/admin-env"))["id"]!.GetValue<string>());
        Assert.Contains((await Node.GetAsync("/vaults"))["data"]!.AsArray(), v => v!["prefix"]!.GetValue<string>() == "admin-env");

        var (patched, body) = await Node.CallAsync(HttpMethod.Patch, "/vaults/admin-env", """{"config":{"prefix":"TLS_"}}""");
        Assert.Equal(200, patched);
        Assert.Equal("TLS_", body!["config"]!["prefix"]!.GetValue<string>());

        Assert.Equal(204, (await Node.CallAsync(HttpMethod.Delete, "/vaults/admin-env")).Status);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, "/vaults/admin-env")).Status);
    }

    [Theory]
    [InlineData("""{"prefix":"env","name":"env"}""", "prefix", "must not be one of: env")]
    [InlineData("""{"prefix":"Not_A_Host","name":"env"}""", "prefix", "invalid value: Not_A_Host")]
    [InlineData("""{"prefix":"x","name":"env"}""", "prefix", "invalid value: x")]
    [InlineData("""{"prefix":"my-aws","name":"aws"}""", "name", "vault 'aws' is not installed")]
    [InlineData("""{"name":"env"}""", "prefix", "required field missing")]
    public async Task BadVault_IsRefused_WithKongsMessage(string body, string field, string message)
    {
        var (status, error) = await Node.CallAsync(HttpMethod.Post, "/vaults", body);

        Assert.Equal(400, status);
        Assert.Equal(message, error!["fields"]![field]!.GetValue<string>());
    }

    [Fact]
    public async Task EnvConfigPrefix_MustBeAnEnvironmentVariableName()
    {
        var (status, error) = await Node.CallAsync(HttpMethod.Post, "/vaults", """{"prefix":"bad-env","name":"env","config":{"prefix":"1$"}}""");

        Assert.Equal(400, status);
        Assert.Equal("invalid value: 1$", error!["fields"]!["config"]!["prefix"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReferenceableFields_AreMarkedInTheSchemas()
    {
        var httpLog = await Node.GetAsync("/schemas/plugins/http-log");
        var certificates = await Node.GetAsync("/schemas/certificates");

        var config = httpLog["fields"]!.AsArray().Select(f => f!.AsObject().Single()).Single(p => p.Key == "config").Value!;
        var fields = config["fields"]!.AsArray().Select(f => f!.AsObject().Single()).ToDictionary(p => p.Key, p => p.Value!);
        Assert.True(fields["http_endpoint"]["referenceable"]!.GetValue<bool>());
        Assert.True(fields["headers"]["values"]!["referenceable"]!.GetValue<bool>());
        Assert.Null(fields["method"]["referenceable"]);
        var cert = certificates["fields"]!.AsArray().Select(f => f!.AsObject().Single()).Single(p => p.Key == "key").Value!;
        Assert.True(cert["referenceable"]!.GetValue<bool>());
    }
}
