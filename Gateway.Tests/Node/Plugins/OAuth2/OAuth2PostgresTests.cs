using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.OAuth2.OAuth2Flows;

namespace Gateway.Tests.Node.Plugins.OAuth2;

/// <summary>The authorization-code flow on a single node that keeps its config, codes and tokens in PostgreSQL.</summary>
public sealed class OAuth2PostgresTests(PostgresNode fixture) : IClassFixture<PostgresNode>
{
    private const string Callback = "https://app.example/cb";

    private TestNode Node => fixture.Node;

    [Fact]
    public async Task AuthorizationCode_EndToEnd_OnPostgres()
    {
        var route = await Node.RouteAsync($$"""{"name":"pg-oauth","host":"127.0.0.1","port":{{fixture.Backend.Port}}}""", """{"paths":["/pg-oauth"]}""");
        var plugin = await Node.CreateAsync("/plugins", $$$"""{"name":"oauth2","route":{"id":"{{{route}}}"},"config":{"enable_authorization_code":true,"scopes":["email"]}}""");
        await Node.CreateAsync("/consumers", """{"username":"pg-user"}""");
        var client = await Node.CreateAsync("/consumers/pg-user/oauth2", $$"""{"name":"app","redirect_uris":["{{Callback}}"]}""");

        var authorized = await PostAsync(Node.ProxyTls, "/pg-oauth/oauth2/authorize", Form(
            ("provision_key", plugin["config"]!["provision_key"]!.GetValue<string>()), ("authenticated_userid", "user-pg"),
            ("client_id", Id(client)), ("response_type", "code"), ("scope", "email")));
        Assert.Equal(HttpStatusCode.OK, authorized.Status);
        var code = Parameter(authorized.Body["redirect_uri"]!.GetValue<string>(), "code")!;

        var issued = await TokenAsync(Node.ProxyTls, "/pg-oauth", client, ("grant_type", "authorization_code"), ("code", code));
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        var access = issued.Body["access_token"]!.GetValue<string>();

        var (status, echo, _) = await GetAsync(Node.ProxyTls, "/pg-oauth", access);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("user-pg", echo["headers"]!["x-authenticated-userid"]!.GetValue<string>());
        Assert.Equal("email", echo["headers"]!["x-authenticated-scope"]!.GetValue<string>());

        var reused = await TokenAsync(Node.ProxyTls, "/pg-oauth", client, ("grant_type", "authorization_code"), ("code", code));
        Assert.Equal("""{"error":"invalid_request","error_description":"Invalid code"}""", reused.Body.ToJsonString());

        // The token is a row of the database: the Admin API reads it back with its credential and the code's user.
        var stored = await Node.GetAsync($"/oauth2_tokens/{access}");
        Assert.Equal(client["id"]!.GetValue<string>(), stored["credential"]!["id"]!.GetValue<string>());
        Assert.Equal("user-pg", stored["authenticated_userid"]!.GetValue<string>());
        Assert.Equal(issued.Body["refresh_token"]!.GetValue<string>(), stored["refresh_token"]!.GetValue<string>());
    }
}
