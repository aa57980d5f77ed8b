using System.Net;

namespace Gateway.Tests.Node.Plugins.KeyAuth;

/// <summary>Kong's key-auth behaviour end to end (spec/03-plugins/09-key-auth/02-access_spec.lua).</summary>
public sealed class KeyAuthAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    [Fact]
    public async Task MissingKey_Answers401WithKongMessageAndChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("No API key found in request", answer.Message);
        Assert.Matches("^[0-9a-f]{32}$", answer.Json["request_id"]!.GetValue<string>());
        Assert.Equal("Key", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task UnknownKey_Answers401Unauthorized()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");

        var answer = await auth.GetAsync(path, ("apikey", "no-such-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
        Assert.Equal("Key", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task EmptyKey_CountsAsMissing()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");

        Assert.Equal("No API key found in request", (await auth.GetAsync(path + "?apikey=")).Message);
    }

    [Fact]
    public async Task Realm_IsInTheChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"realm":"gateway"}}""");

        Assert.Equal("Key realm=\"gateway\"", (await auth.GetAsync(path)).WwwAuthenticate);
    }

    [Fact]
    public async Task KeyInHeader_ReachesTheBackendWithConsumerHeaders()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");
        var consumer = await auth.ConsumerAsync("ka-header", "custom-7");
        var credential = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-header-key"}""");

        var answer = await auth.GetAsync(path, ("apikey", "ka-header-key"), ("X-Anonymous-Consumer", "forged"));

        Assert.Equal(consumer["id"]!.GetValue<string>(), answer.Upstream("x-consumer-id"));
        Assert.Equal("custom-7", answer.Upstream("x-consumer-custom-id"));
        Assert.Equal("ka-header", answer.Upstream("x-consumer-username"));
        Assert.Equal(credential["id"]!.GetValue<string>(), answer.Upstream("x-credential-identifier"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal("ka-header-key", answer.Upstream("apikey"));
    }

    [Fact]
    public async Task KeyInQuery_Authenticates_AndStaysInTheQuery()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");
        var consumer = await auth.ConsumerAsync("ka-query");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-query-key"}""");

        var answer = await auth.GetAsync(path + "?a=1&apikey=ka-query-key");

        Assert.Equal("ka-query", answer.Upstream("x-consumer-username"));
        Assert.Equal("/?a=1&apikey=ka-query-key", answer.Target);
        Assert.Null(answer.Upstream("x-consumer-custom-id"));
    }

    [Fact]
    public async Task CustomKeyNames_AreSearchedInOrder()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_names":["first","second"]}}""");
        var consumer = await auth.ConsumerAsync("ka-names");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-names-key"}""");

        Assert.Equal("ka-names", (await auth.GetAsync(path + "?second=ka-names-key")).Upstream("x-consumer-username"));
        Assert.Equal("No API key found in request", (await auth.GetAsync(path + "?apikey=ka-names-key")).Message);
    }

    [Fact]
    public async Task KeyInHeaderDisabled_IgnoresTheHeader()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_header":false}}""");
        var consumer = await auth.ConsumerAsync("ka-noheader");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-noheader-key"}""");

        Assert.Equal("No API key found in request", (await auth.GetAsync(path, ("apikey", "ka-noheader-key"))).Message);
        Assert.Equal("ka-noheader", (await auth.GetAsync(path + "?apikey=ka-noheader-key")).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task KeyInQueryDisabled_IgnoresTheQuery()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_query":false}}""");
        var consumer = await auth.ConsumerAsync("ka-noquery");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-noquery-key"}""");

        Assert.Equal("No API key found in request", (await auth.GetAsync(path + "?apikey=ka-noquery-key")).Message);
    }

    [Fact]
    public async Task UnderscoreKeyName_IsAlsoReadFromTheHyphenatedHeader()
    {
        // Kong's get_headers() retries a missing name with '_' as '-' (spec "underscores or hyphens in key headers"), not the reverse.
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_names":["api_key"]}}""");
        var hidden = await auth.RouteAsync("""{"name":"key-auth","config":{"key_names":["api_key"],"hide_credentials":true}}""");
        var hyphen = await auth.RouteAsync("""{"name":"key-auth","config":{"key_names":["api-key"]}}""");
        var consumer = await auth.ConsumerAsync("ka-underscore");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-underscore-key"}""");

        Assert.Equal("ka-underscore", (await auth.GetAsync(path, ("api_key", "ka-underscore-key"))).Upstream("x-consumer-username"));
        Assert.Equal("ka-underscore", (await auth.GetAsync(path, ("api-key", "ka-underscore-key"))).Upstream("x-consumer-username"));
        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("api-key", "wrong"))).Message);
        var stripped = await auth.GetAsync(hidden, ("api-key", "ka-underscore-key"));
        Assert.Equal("ka-underscore", stripped.Upstream("x-consumer-username"));
        Assert.Null(stripped.Upstream("api-key"));
        Assert.Equal("No API key found in request", (await auth.GetAsync(hyphen, ("api_key", "ka-underscore-key"))).Message);
    }

    [Fact]
    public async Task BareQueryArgument_IsNoKey_AndKeepsTheBodyUnread()
    {
        // "?apikey" is Lua's true: found, so the body is not searched, but not a string, so no key.
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_body":true}}""");
        var consumer = await auth.ConsumerAsync("ka-bare");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-bare-key"}""");

        var bare = await auth.PostAsync(path + "?apikey", "apikey=ka-bare-key", "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Unauthorized, bare.Status);
        Assert.Equal("No API key found in request", bare.Message);
        Assert.Equal("ka-bare", (await auth.PostAsync(path, "apikey=ka-bare-key", "application/x-www-form-urlencoded")).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task DuplicateKey_Answers401()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");

        var answer = await auth.GetAsync(path + "?apikey=a&apikey=b");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Duplicate API key found", answer.Message);
        Assert.Equal("Key", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task HideCredentials_StripsTheHeaderAndTheQueryArgument()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"hide_credentials":true}}""");
        var consumer = await auth.ConsumerAsync("ka-hide");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-hide-key"}""");

        var byHeader = await auth.GetAsync(path + "?a=1", ("apikey", "ka-hide-key"));
        Assert.Null(byHeader.Upstream("apikey"));
        Assert.Equal("/?a=1", byHeader.Target);

        var byQuery = await auth.GetAsync(path + "?a=1&apikey=ka-hide-key&b=2");
        Assert.Equal("ka-hide", byQuery.Upstream("x-consumer-username"));
        Assert.Equal("/?a=1&b=2", byQuery.Target);
    }

    [Fact]
    public async Task KeyInFormBody_Authenticates_AndHideCredentialsRemovesIt()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_body":true}}""");
        var hidden = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_body":true,"hide_credentials":true}}""");
        var consumer = await auth.ConsumerAsync("ka-body");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-body-key"}""");
        const string body = "a=1&apikey=ka-body-key";

        var kept = await auth.PostAsync(path, body, "application/x-www-form-urlencoded");
        Assert.Equal("ka-body", kept.Upstream("x-consumer-username"));
        Assert.Equal(body.Length, kept.Json["body_length"]!.GetValue<long>());

        var stripped = await auth.PostAsync(hidden, body, "application/x-www-form-urlencoded");
        Assert.Equal("ka-body", stripped.Upstream("x-consumer-username"));
        Assert.Equal("a=1".Length, stripped.Json["body_length"]!.GetValue<long>());
        Assert.Equal("3", stripped.Upstream("content-length"));
    }

    [Fact]
    public async Task KeyInJsonBody_Authenticates_AndHideCredentialsRemovesIt()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_body":true,"hide_credentials":true}}""");
        var consumer = await auth.ConsumerAsync("ka-json");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-json-key"}""");

        var answer = await auth.PostAsync(path, """{"apikey":"ka-json-key","x":1}""", "application/json");

        Assert.Equal("ka-json", answer.Upstream("x-consumer-username"));
        Assert.Equal("""{"x":1}""".Length, answer.Json["body_length"]!.GetValue<long>());
        Assert.Equal("Duplicate API key found", (await auth.PostAsync(path, """{"apikey":["a","b"]}""", "application/json")).Message);
    }

    [Fact]
    public async Task KeyInMultipartBody_Authenticates()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"key_in_body":true}}""");
        var consumer = await auth.ConsumerAsync("ka-multipart");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-multipart-key"}""");
        using var content = new MultipartFormDataContent { { new StringContent("ka-multipart-key"), "apikey" } };
        var request = AuthNode.Request(HttpMethod.Post, path);
        request.Content = content;

        Assert.Equal("ka-multipart", (await auth.SendAsync(request)).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task Anonymous_StandsInForMissingOrWrongKeys()
    {
        var anonymous = await auth.ConsumerAsync("ka-anonymous");
        var byId = await auth.RouteAsync($$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous["id"]}}}"}}""");
        var byName = await auth.RouteAsync("""{"name":"key-auth","config":{"anonymous":"ka-anonymous"}}""");
        var consumer = await auth.ConsumerAsync("ka-real");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-real-key"}""");

        var missing = await auth.GetAsync(byId, ("X-Credential-Identifier", "forged"), ("X-Consumer-Custom-ID", "forged"));
        Assert.Equal("true", missing.Upstream("x-anonymous-consumer"));
        Assert.Equal("ka-anonymous", missing.Upstream("x-consumer-username"));
        Assert.Equal(anonymous["id"]!.GetValue<string>(), missing.Upstream("x-consumer-id"));
        Assert.Null(missing.Upstream("x-credential-identifier"));
        Assert.Null(missing.Upstream("x-consumer-custom-id"));

        Assert.Equal("ka-anonymous", (await auth.GetAsync(byName, ("apikey", "wrong"))).Upstream("x-consumer-username"));

        var real = await auth.GetAsync(byName, ("apikey", "ka-real-key"));
        Assert.Equal("ka-real", real.Upstream("x-consumer-username"));
        Assert.Null(real.Upstream("x-anonymous-consumer"));
    }

    [Fact]
    public async Task AnonymousThatDoesNotExist_Answers500()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth","config":{"anonymous":"00000000-0000-4000-8000-000000000000"}}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("anonymous consumer 00000000-0000-4000-8000-000000000000 is configured but doesn't exist", answer.Message);
    }

    [Fact]
    public async Task Preflight_IsAuthenticatedUnlessRunOnPreflightIsOff()
    {
        var guarded = await auth.RouteAsync("""{"name":"key-auth"}""");
        var open = await auth.RouteAsync("""{"name":"key-auth","config":{"run_on_preflight":false}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, (await auth.SendAsync(AuthNode.Request(HttpMethod.Options, guarded))).Status);
        var preflight = await auth.SendAsync(AuthNode.Request(HttpMethod.Options, open));
        Assert.Equal(HttpStatusCode.OK, preflight.Status);
        Assert.Null(preflight.Upstream("x-consumer-id"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await auth.GetAsync(open)).Status);
    }

    [Fact]
    public async Task ExpiredKey_IsRefused()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");
        var consumer = await auth.ConsumerAsync("ka-ttl");
        var credential = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-ttl-key","ttl":1}""");
        Assert.Equal("ka-ttl", (await auth.GetAsync(path, ("apikey", "ka-ttl-key"))).Upstream("x-consumer-username"));

        // created_at has a one-second resolution: the key is gone at most two seconds after its creation.
        var created = credential["created_at"]!.GetValue<long>();
        var wait = TimeSpan.FromSeconds(created + 1) - TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("apikey", "ka-ttl-key"))).Message);
    }

    [Fact]
    public async Task DeletedKey_IsRefusedOnTheNextRequest()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""");
        var consumer = await auth.ConsumerAsync("ka-deleted");
        var credential = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-deleted-key"}""");
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("apikey", "ka-deleted-key"))).Status);

        using var deleted = await auth.Node.Admin.DeleteAsync($"/key-auths/{credential["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("apikey", "ka-deleted-key"))).Message);
    }

    [Fact]
    public async Task TwoAuthPluginsWithAnonymous_AreALogicalOr()
    {
        var anonymous = await auth.ConsumerAsync("ka-or-anonymous");
        var path = await auth.RouteAsync(
            $$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous["id"]}}}"}}""",
            $$$"""{"name":"basic-auth","config":{"anonymous":"{{{anonymous["id"]}}}"}}""");
        var consumer = await auth.ConsumerAsync("ka-or");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-or-key"}""");

        // key-auth (priority 1250) authenticates; basic-auth (1100) then sees a credential and stays out.
        var answer = await auth.GetAsync(path, ("apikey", "ka-or-key"));
        Assert.Equal("ka-or", answer.Upstream("x-consumer-username"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal("true", (await auth.GetAsync(path)).Upstream("x-anonymous-consumer"));
    }

    [Fact]
    public async Task TwoAuthPluginsWithoutAnonymous_AreALogicalAnd()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ka-and");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/key-auth", """{"key":"ka-and-key"}""");

        var answer = await auth.GetAsync(path, ("apikey", "ka-and-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Basic realm=\"service\"", answer.WwwAuthenticate);
    }
}
