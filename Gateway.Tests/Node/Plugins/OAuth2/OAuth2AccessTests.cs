using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Pipeline;
using Gateway.Storage.Sqlite;
using static Gateway.Tests.Node.Plugins.OAuth2.OAuth2Flows;

namespace Gateway.Tests.Node.Plugins.OAuth2;

/// <summary>Kong's oauth2 behaviour end to end on a SQLite node over HTTPS (spec/03-plugins/25-oauth2/03-access_spec.lua).</summary>
public sealed class OAuth2AccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    private const string Callback = "https://app.example/cb";

    private HttpClient Tls => auth.Node.ProxyTls;

    [Fact]
    public async Task ClientCredentials_IssuesATokenWithoutRefresh_AndTheBackendSeesTheConsumer()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true,"scopes":["email","profile"]}""");
        var (consumer, client) = await ClientAsync("cc-user");

        var issued = await TokenAsync(path, client, ("grant_type", "client_credentials"), ("scope", "email"));
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.Equal("bearer", issued.Body["token_type"]!.GetValue<string>());
        Assert.Equal(7200, issued.Body["expires_in"]!.GetValue<long>());
        Assert.Null(issued.Body["refresh_token"]);

        var (status, echo, _) = await GetAsync(Tls, path, issued.Body["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
        var headers = echo["headers"]!;
        Assert.Equal(consumer["id"]!.GetValue<string>(), headers["x-consumer-id"]!.GetValue<string>());
        Assert.Equal("cc-user", headers["x-consumer-username"]!.GetValue<string>());
        Assert.Equal(client["client_id"]!.GetValue<string>(), headers["x-credential-identifier"]!.GetValue<string>());
        Assert.Equal("email", headers["x-authenticated-scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task PlainHttp_IsRefused_UnlessATrustedProxyTerminatedTls()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true}""");
        var (_, client) = await ClientAsync("http-user");
        var form = Form(("grant_type", "client_credentials"), ("client_id", Id(client)), ("client_secret", Secret(client)));

        var plain = await PostAsync(auth.Node.Proxy, path + "/oauth2/token", form);
        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.Equal("""{"error":"access_denied","error_description":"You must use HTTPS"}""", plain.Body.ToJsonString());

        // accept_http_if_already_terminated, but the loopback client is not in trusted_ips: its X-Forwarded-Proto counts for nothing.
        var (terminated, _) = await RouteAsync("""{"enable_client_credentials":true,"accept_http_if_already_terminated":true}""");
        var forged = await PostAsync(auth.Node.Proxy, terminated + "/oauth2/token", form, ("X-Forwarded-Proto", "https"));
        Assert.Equal("You must use HTTPS", forged.Body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizationCode_EndToEnd_CodeIsSingleUse_AndRefreshReplacesTheToken()
    {
        var (path, provisionKey) = await RouteAsync("""{"enable_authorization_code":true,"scopes":["email"]}""");
        var (_, client) = await ClientAsync("code-user");

        var authorized = await PostAsync(Tls, path + "/oauth2/authorize", Form(
            ("provision_key", provisionKey), ("authenticated_userid", "user-42"), ("client_id", Id(client)),
            ("response_type", "code"), ("scope", "email"), ("state", "xyz")));
        Assert.Equal(HttpStatusCode.OK, authorized.Status);
        var redirect = authorized.Body["redirect_uri"]!.GetValue<string>();
        Assert.StartsWith(Callback + "?code=", redirect, StringComparison.Ordinal);
        Assert.Equal("xyz", Parameter(redirect, "state"));
        var code = Parameter(redirect, "code")!;

        var issued = await TokenAsync(path, client, ("grant_type", "authorization_code"), ("code", code), ("state", "s1"));
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.Equal("s1", issued.Body["state"]!.GetValue<string>());
        var refresh = issued.Body["refresh_token"]!.GetValue<string>();
        var access = issued.Body["access_token"]!.GetValue<string>();
        var (status, echo, _) = await GetAsync(Tls, path, access);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("user-42", echo["headers"]!["x-authenticated-userid"]!.GetValue<string>());

        var reused = await TokenAsync(path, client, ("grant_type", "authorization_code"), ("code", code));
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("""{"error":"invalid_request","error_description":"Invalid code"}""", reused.Body.ToJsonString());

        var refreshed = await TokenAsync(path, client, ("grant_type", "refresh_token"), ("refresh_token", refresh));
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotEqual(refresh, refreshed.Body["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Tls, path, access)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Tls, path, refreshed.Body["access_token"]!.GetValue<string>())).Status);
        var again = await TokenAsync(path, client, ("grant_type", "refresh_token"), ("refresh_token", refresh));
        Assert.Equal("Invalid refresh_token", again.Body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuthorizationCode_OlderThanItsTtl_IsRefused_AsKongsInvalidCode()
    {
        var (path, provisionKey) = await RouteAsync("""{"enable_authorization_code":true}""");
        var (_, client) = await ClientAsync("expired-code-user");
        var authorized = await PostAsync(Tls, path + "/oauth2/authorize", Form(
            ("provision_key", provisionKey), ("authenticated_userid", "user-7"), ("client_id", Id(client)), ("response_type", "code")));
        var code = Parameter(authorized.Body["redirect_uri"]!.GetValue<string>(), "code")!;

        // The same row as the plugin wrote, but written 301 s ago: past Kong's 300 s code ttl, not yet purged.
        const string codes = "oauth2_authorization_codes";
        var expired = Guid.NewGuid().ToString("N");
        await using (var store = new SqliteConfigStore(Path.Combine(auth.Node.Prefix, "gateway.db"), PluginCatalog.Bundled.CreateRegistry(), TimeProvider.System))
        {
            var row = (await store.GetByFieldAsync(codes, "code", code))!;
            Assert.Equal(300, row["ttl"]!.GetValue<long>());
            row["id"] = Guid.NewGuid().ToString();
            row["code"] = expired;
            row["created_at"] = row["created_at"]!.GetValue<long>() - 301;
            Assert.True((await store.PutRuntimeAsync(codes, row)).Applied);
        }

        var refused = await TokenAsync(path, client, ("grant_type", "authorization_code"), ("code", expired));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("""{"error":"invalid_request","error_description":"Invalid code"}""", refused.Body.ToJsonString());

        var fresh = await TokenAsync(path, client, ("grant_type", "authorization_code"), ("code", code));
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
    }

    [Fact]
    public async Task ReuseRefreshToken_KeepsTheRefreshToken_AndTheRowsId()
    {
        var (path, _) = await RouteAsync("""{"enable_password_grant":true,"reuse_refresh_token":true}""");
        var (_, client) = await ClientAsync("reuse-user");
        var provisionKey = await ProvisionKeyAsync(path);

        var issued = await TokenAsync(path, client, ("grant_type", "password"), ("provision_key", provisionKey), ("authenticated_userid", "u1"));
        var refresh = issued.Body["refresh_token"]!.GetValue<string>();
        var first = await auth.Node.GetAsync($"/oauth2_tokens/{issued.Body["access_token"]}");

        var refreshed = await TokenAsync(path, client, ("grant_type", "refresh_token"), ("refresh_token", refresh));
        Assert.Equal(refresh, refreshed.Body["refresh_token"]!.GetValue<string>());
        var second = await auth.Node.GetAsync($"/oauth2_tokens/{refreshed.Body["access_token"]}");
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(Tls, path, issued.Body["access_token"]!.GetValue<string>())).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Tls, path, refreshed.Body["access_token"]!.GetValue<string>())).Status);
    }

    [Fact]
    public async Task Pkce_S256Verifier_IsChecked_AndPublicClientsMustUseIt()
    {
        var (path, provisionKey) = await RouteAsync("""{"enable_authorization_code":true}""");
        var (_, client) = await ClientAsync("pkce-user", """ "client_type":"public", """);
        var authorize = (string? challenge) => PostAsync(Tls, path + "/oauth2/authorize", Form([
            ("provision_key", provisionKey), ("authenticated_userid", "p1"), ("client_id", Id(client)), ("response_type", "code"),
            .. challenge is null ? Array.Empty<(string, string)>() : [("code_challenge", challenge), ("code_challenge_method", "S256")]]));

        var missing = await authorize(null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        var redirect = missing.Body["redirect_uri"]!.GetValue<string>();
        Assert.Equal("invalid_request", Parameter(redirect, "error"));
        Assert.Equal("code_challenge is required for public clients", Parameter(redirect, "error_description"));

        var (verifier, challenge) = Pkce();
        var code = Parameter((await authorize(challenge)).Body["redirect_uri"]!.GetValue<string>(), "code")!;
        var exchange = (string v) => PostAsync(Tls, path + "/oauth2/token", Form(
            ("grant_type", "authorization_code"), ("client_id", Id(client)), ("code", code), ("code_verifier", v)));

        var secretSent = await PostAsync(Tls, path + "/oauth2/token", Form(
            ("grant_type", "authorization_code"), ("client_id", Id(client)), ("client_secret", "x"), ("code", code), ("code_verifier", verifier)));
        Assert.Equal("client_secret is disallowed for public clients", secretSent.Body["error_description"]!.GetValue<string>());
        Assert.Equal("code_verifier must be between 43 and 128 characters", (await exchange("short")).Body["error_description"]!.GetValue<string>());
        var wrong = await exchange(new string('a', 64));
        Assert.Equal("""{"error":"invalid_grant","error_description":"Invalid code"}""", wrong.Body.ToJsonString());
        var right = await exchange(verifier);
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.NotNull(right.Body["access_token"]);
    }

    [Fact]
    public async Task Implicit_PutsTheTokenInTheFragment()
    {
        var (path, provisionKey) = await RouteAsync("""{"enable_implicit_grant":true}""");
        var (_, client) = await ClientAsync("implicit-user");

        var answer = await PostAsync(Tls, path + "/oauth2/authorize", Form(
            ("provision_key", provisionKey), ("authenticated_userid", "i1"), ("client_id", Id(client)), ("response_type", "token"), ("state", "st")));

        var redirect = answer.Body["redirect_uri"]!.GetValue<string>();
        Assert.StartsWith(Callback + "#access_token=", redirect, StringComparison.Ordinal);
        Assert.Equal("bearer", Parameter(redirect, "token_type", fragment: true));
        Assert.Equal("st", Parameter(redirect, "state", fragment: true));
        Assert.Null(Parameter(redirect, "refresh_token", fragment: true));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Tls, path, Parameter(redirect, "access_token", fragment: true))).Status);
    }

    [Fact]
    public async Task ProvisionKey_AndScopes_AreChecked()
    {
        var (path, provisionKey) = await RouteAsync("""{"enable_password_grant":true,"scopes":["email"],"mandatory_scope":true}""");
        var (_, client) = await ClientAsync("scope-user");

        var badKey = await TokenAsync(path, client, ("grant_type", "password"), ("provision_key", "nope"), ("authenticated_userid", "u"), ("scope", "email"));
        Assert.Equal("""{"error":"invalid_provision_key","error_description":"Invalid provision_key"}""", badKey.Body.ToJsonString());
        var noScope = await TokenAsync(path, client, ("grant_type", "password"), ("provision_key", provisionKey), ("authenticated_userid", "u"));
        Assert.Equal("""{"error":"invalid_scope","error_description":"You must specify a scope"}""", noScope.Body.ToJsonString());
        var badScope = await TokenAsync(path, client, ("grant_type", "password"), ("provision_key", provisionKey), ("authenticated_userid", "u"), ("scope", "admin"));
        Assert.Equal("\"admin\" is an invalid scope", badScope.Body["error_description"]!.GetValue<string>());
        var disabled = await TokenAsync(path, client, ("grant_type", "client_credentials"));
        Assert.Equal("""{"error":"unsupported_grant_type","error_description":"Invalid grant_type"}""", disabled.Body.ToJsonString());
    }

    [Fact]
    public async Task WrongSecret_Is400_ButThroughTheHeader401WithABasicChallenge()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true}""");
        var (_, client) = await ClientAsync("secret-user");

        var inBody = await PostAsync(Tls, path + "/oauth2/token", Form(("grant_type", "client_credentials"), ("client_id", Id(client)), ("client_secret", "wrong")));
        Assert.Equal(HttpStatusCode.BadRequest, inBody.Status);
        Assert.Equal("""{"error":"invalid_client","error_description":"Invalid client authentication"}""", inBody.Body.ToJsonString());

        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Id(client)}:wrong"));
        var inHeader = await PostAsync(Tls, path + "/oauth2/token", Form(("grant_type", "client_credentials")), ("Authorization", $"Basic {basic}"));
        Assert.Equal(HttpStatusCode.Unauthorized, inHeader.Status);
        Assert.Equal("Basic realm=\"OAuth2.0\"", inHeader.Challenge);
    }

    [Fact]
    public async Task HashedSecret_IsStoredAsPbkdf2_AndStillAuthenticates()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true}""");
        var consumer = await auth.ConsumerAsync("hash-user");
        var client = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/oauth2",
            $$"""{"name":"app","client_secret":"plain-secret","hash_secret":true,"redirect_uris":["{{Callback}}"]}""");

        Assert.Matches(@"^\$pbkdf2-sha512\$i=10000,l=32\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$", client["client_secret"]!.GetValue<string>());
        var stored = await auth.Node.GetAsync($"/oauth2/{Id(client)}");
        Assert.Equal(client["client_secret"]!.GetValue<string>(), stored["client_secret"]!.GetValue<string>());
        var ok = await PostAsync(Tls, path + "/oauth2/token", Form(("grant_type", "client_credentials"), ("client_id", Id(client)), ("client_secret", "plain-secret")));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var hashAsSecret = await PostAsync(Tls, path + "/oauth2/token", Form(
            ("grant_type", "client_credentials"), ("client_id", Id(client)), ("client_secret", client["client_secret"]!.GetValue<string>())));
        Assert.Equal(HttpStatusCode.BadRequest, hashAsSecret.Status);
    }

    [Fact]
    public async Task MissingOrUnknownToken_Answers401WithKongsChallenges()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true,"realm":"api"}""");

        var missing = await GetAsync(Tls, path, null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("""{"error":"invalid_request","error_description":"The access token is missing"}""", missing.Body.ToJsonString());
        Assert.Equal("Bearer realm=\"api\"", missing.Challenge);

        var unknown = await GetAsync(Tls, path, "no-such-token");
        Assert.Equal("The access token is invalid or has expired", unknown.Body["error_description"]!.GetValue<string>());
        Assert.Equal("Bearer realm=\"api\" error=\"invalid_token\" error_description=\"The access token is invalid or has expired\"", unknown.Challenge);
    }

    [Fact]
    public async Task EndpointsOtherThanPost_Answer405()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true}""");

        var answer = await GetAsync(Tls, path + "/oauth2/token", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.Status);
        Assert.Equal("""{"error":"invalid_method","error_description":"The HTTP method GET is invalid for the token endpoint"}""", answer.Body.ToJsonString());
        Assert.Equal("Bearer error=\"invalid_method\" error_description=\"The HTTP method GET is invalid for the token endpoint\"", answer.Challenge);
    }

    [Fact]
    public async Task IssuedTokens_AreListedOnTheAdminApi_WithoutMovingTheConfigVersion()
    {
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true}""");
        var (_, client) = await ClientAsync("admin-user");
        var before = await ConfigVersionAsync();

        var issued = await TokenAsync(path, client, ("grant_type", "client_credentials"));

        var token = await auth.Node.GetAsync($"/oauth2_tokens/{issued.Body["access_token"]}");
        Assert.Equal(client["id"]!.GetValue<string>(), token["credential"]!["id"]!.GetValue<string>());
        Assert.Equal(7200, token["expires_in"]!.GetValue<long>());
        var listed = await auth.Node.GetAsync("/oauth2_tokens");
        Assert.Contains(listed["data"]!.AsArray(), t => t!["access_token"]!.GetValue<string>() == issued.Body["access_token"]!.GetValue<string>());
        Assert.Equal(before, await ConfigVersionAsync());
    }

    [Fact]
    public async Task Introspection_IsOffByDefault_AndAnswersRfc7662()
    {
        var (plain, _) = await RouteAsync("""{"enable_client_credentials":true}""");
        var (path, _) = await RouteAsync("""{"enable_client_credentials":true,"introspection_endpoint":true,"scopes":["read"]}""");
        var (_, client) = await ClientAsync("intro-user");
        var token = (await TokenAsync(path, client, ("grant_type", "client_credentials"), ("scope", "read"), ("authenticated_userid", "x"), ("provision_key", await ProvisionKeyAsync(path)))).Body["access_token"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(Tls, plain + "/oauth2/introspect", Form(("token", token)))).Status);
        var anonymous = await PostAsync(Tls, path + "/oauth2/introspect", Form(("token", token)));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);

        var active = await PostAsync(Tls, path + "/oauth2/introspect", Form(("token", token), ("client_id", Id(client)), ("client_secret", Secret(client))));
        Assert.Equal(HttpStatusCode.OK, active.Status);
        Assert.True(active.Body["active"]!.GetValue<bool>());
        Assert.Equal("read", active.Body["scope"]!.GetValue<string>());
        Assert.Equal(Id(client), active.Body["client_id"]!.GetValue<string>());
        Assert.Equal("x", active.Body["username"]!.GetValue<string>());
        Assert.Equal(7200, active.Body["exp"]!.GetValue<long>() - active.Body["iat"]!.GetValue<long>());

        var unknown = await PostAsync(Tls, path + "/oauth2/introspect", Form(("token", "nope"), ("client_id", Id(client)), ("client_secret", Secret(client))));
        Assert.Equal("""{"active":false}""", unknown.Body.ToJsonString());
    }

    [Fact]
    public async Task Schema_RefusesAConfigWithoutAGrant_AndBadRedirectUris()
    {
        var (status, body) = await auth.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"oauth2","config":{}}""");
        Assert.Equal(400, status);
        Assert.Equal(
            "at least one of these fields must be true: enable_authorization_code, enable_implicit_grant, enable_client_credentials, enable_password_grant",
            body!["fields"]!["config"]!.GetValue<string>());

        var consumer = await auth.ConsumerAsync("uri-user");
        var (uriStatus, uriBody) = await auth.Node.CallAsync(HttpMethod.Post, $"/consumers/{consumer["id"]}/oauth2",
            """{"name":"app","redirect_uris":["not a uri","https://ok.example/cb#frag"]}""");
        Assert.Equal(400, uriStatus);
        Assert.Equal(["cannot parse 'not a uri'", "fragment not allowed in 'https://ok.example/cb#frag'"], uriBody!["fields"]!["redirect_uris"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    /// <summary>The config version the node serves (its status API).</summary>
    private async Task<long> ConfigVersionAsync()
    {
        var status = JsonNode.Parse(await auth.Node.Status.GetStringAsync("/status"))!;
        return status["config_snapshot_version"]!.GetValue<long>();
    }

    private async Task<(string Path, string ProvisionKey)> RouteAsync(string config)
    {
        var path = await auth.RouteAsync($$"""{"name":"oauth2","config":{{config}}}""");
        return (path, await ProvisionKeyAsync(path));
    }

    private async Task<string> ProvisionKeyAsync(string path)
    {
        var plugins = await auth.Node.GetAsync("/plugins?size=1000");
        var routes = await auth.Node.GetAsync("/routes?size=1000");
        var route = routes["data"]!.AsArray().Single(r => r!["paths"]![0]!.GetValue<string>() == path)!["id"]!.GetValue<string>();
        return plugins["data"]!.AsArray().Single(p => p!["route"]?["id"]?.GetValue<string>() == route)!["config"]!["provision_key"]!.GetValue<string>();
    }

    private async Task<(JsonObject Consumer, JsonObject Client)> ClientAsync(string username, string extra = "")
    {
        var consumer = await auth.ConsumerAsync(username);
        var client = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/oauth2", $$"""{"name":"app",{{extra}}"redirect_uris":["{{Callback}}"]}""");
        return (consumer, client);
    }

    private Task<(HttpStatusCode Status, JsonObject Body, string Challenge)> TokenAsync(string path, JsonObject client, params (string Name, string Value)[] fields) =>
        OAuth2Flows.TokenAsync(Tls, path, client, fields);
}
