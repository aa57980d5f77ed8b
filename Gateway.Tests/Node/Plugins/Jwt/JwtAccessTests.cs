using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Node.Plugins.Jwt;

/// <summary>Kong's jwt behaviour end to end (spec/03-plugins/16-jwt/03-access_spec.lua); keys are made per test.</summary>
public sealed class JwtAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    public async Task SignedToken_ReachesTheBackendWithConsumerHeaders(string algorithm)
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");
        var signer = Signer.Create(algorithm);
        var (consumer, key) = await SecretAsync($"jwt-{algorithm}", signer);
        var token = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now + 60 });

        var answer = await auth.GetAsync(path, ("Authorization", "Bearer " + token));

        Assert.Equal(consumer["id"]!.GetValue<string>(), answer.Upstream("x-consumer-id"));
        Assert.Equal($"jwt-{algorithm}", answer.Upstream("x-consumer-username"));
        Assert.Equal(key, answer.Upstream("x-credential-identifier"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal("Bearer " + token, answer.Upstream("authorization"));
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    [InlineData("ES512")]
    [InlineData("EdDSA")]
    public async Task TokenSignedWithAnotherKey_IsRefused(string algorithm)
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");
        var (_, key) = await SecretAsync($"jwt-other-{algorithm}", Signer.Create(algorithm));
        var token = Signer.Create(algorithm).Sign(new JsonObject { ["iss"] = key });

        var answer = await auth.GetAsync(path, ("Authorization", "Bearer " + token));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("""{"message":"Invalid signature"}""", answer.Body);
        Assert.Equal("Bearer error=\"invalid_token\"", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task MissingToken_Answers401WithPlainBody()
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("""{"message":"Unauthorized"}""", answer.Body);
        Assert.Equal("Bearer", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task Realm_IsInBothChallenges()
    {
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"realm":"api"}}""");

        Assert.Equal("Bearer realm=\"api\"", (await auth.GetAsync(path)).WwwAuthenticate);
        Assert.Equal("Bearer realm=\"api\" error=\"invalid_token\"", (await auth.GetAsync(path, ("Authorization", "Bearer x.y"))).WwwAuthenticate);
    }

    [Theory]
    [InlineData("Bearer not-a-token", "Bad token; invalid JSON")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.e30.", "Bad token; invalid alg")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXRSJ9.e30.", "Bad token; invalid typ")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.e30.", "No mandatory 'iss' in claims")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiIifQ.", "Invalid 'iss' in claims")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJub2JvZHkifQ.", "No credentials found for given 'iss'")]
    public async Task BadTokens_AreRefusedWithKongsMessages(string authorization, string message)
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");

        var answer = await auth.GetAsync(path, ("Authorization", authorization));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal($$"""{"message":"{{message}}"}""", answer.Body);
        Assert.Equal("Bearer error=\"invalid_token\"", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task AlgorithmOtherThanTheCredentials_IsRefused()
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");
        var hs = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-alg", hs);
        var token = Signer.Create("HS512", hs.Secret).Sign(new JsonObject { ["iss"] = key });

        Assert.Equal("""{"message":"Invalid algorithm"}""", (await auth.GetAsync(path, ("Authorization", "Bearer " + token))).Body);
    }

    [Fact]
    public async Task ExpAndNbf_AreVerifiedWhenAsked()
    {
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"claims_to_verify":["exp","nbf"]}}""");
        var unchecked_ = await auth.RouteAsync("""{"name":"jwt"}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-claims", signer);

        var expired = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now - 10, ["nbf"] = Now - 20 });
        var answer = await auth.GetAsync(path, ("Authorization", "Bearer " + expired));
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("""{"exp":"token expired"}""", answer.Body);
        Assert.Equal("Bearer error=\"invalid_token\"", answer.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(unchecked_, ("Authorization", "Bearer " + expired))).Status);

        var early = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now + 60, ["nbf"] = Now + 30 });
        Assert.Equal("""{"nbf":"token not valid yet"}""", (await auth.GetAsync(path, ("Authorization", "Bearer " + early))).Body);

        var both = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now - 10, ["nbf"] = Now + 30 });
        Assert.Equal("""{"exp":"token expired","nbf":"token not valid yet"}""", (await auth.GetAsync(path, ("Authorization", "Bearer " + both))).Body);

        var missing = signer.Sign(new JsonObject { ["iss"] = key, ["nbf"] = "soon" });
        Assert.Equal("""{"exp":"must be a number","nbf":"must be a number"}""", (await auth.GetAsync(path, ("Authorization", "Bearer " + missing))).Body);

        var valid = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now + 60, ["nbf"] = Now - 1 });
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", "Bearer " + valid))).Status);
    }

    [Fact]
    public async Task MaximumExpiration_RefusesLongLivedTokens()
    {
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"claims_to_verify":["exp"],"maximum_expiration":300}}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-maxexp", signer);

        var tooLong = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now + 3600 });
        Assert.Equal("""{"exp":"exceeds maximum allowed expiration"}""", (await auth.GetAsync(path + "?jwt=" + tooLong)).Body);

        var shortLived = signer.Sign(new JsonObject { ["iss"] = key, ["exp"] = Now + 270 });
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path + "?jwt=" + shortLived)).Status);
    }

    [Fact]
    public async Task TokenIsFoundInQueryCookieAndCustomHeader()
    {
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"uri_param_names":["token"],"cookie_names":["crumble"],"header_names":["X-Token"]}}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-places", signer);
        var token = signer.Sign(new JsonObject { ["iss"] = key });

        Assert.Equal("jwt-places", (await auth.GetAsync(path + "?token=" + token)).Upstream("x-consumer-username"));
        Assert.Equal("jwt-places", (await auth.GetAsync(path, ("Cookie", $"other=1; crumble={token}"))).Upstream("x-consumer-username"));
        Assert.Equal("jwt-places", (await auth.GetAsync(path, ("X-Token", "bearer " + token))).Upstream("x-consumer-username"));
        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("Authorization", "Bearer " + token))).Message);
    }

    [Fact]
    public async Task UnderscoreHeaderName_IsAlsoReadFromTheHyphenatedHeader()
    {
        // Kong reads header_names through get_headers(), whose lookup retries a missing name with '_' as '-'.
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"header_names":["x_token"]}}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-underscore", signer);
        var token = signer.Sign(new JsonObject { ["iss"] = key });

        Assert.Equal("jwt-underscore", (await auth.GetAsync(path, ("X-Token", "Bearer " + token))).Upstream("x-consumer-username"));
        Assert.Equal("jwt-underscore", (await auth.GetAsync(path, ("x_token", "Bearer " + token))).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task SameTokenTwice_IsOneToken_TwoTokensAreRefused()
    {
        var path = await auth.RouteAsync("""{"name":"jwt"}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-multi", signer);
        var token = signer.Sign(new JsonObject { ["iss"] = key });
        var other = signer.Sign(new JsonObject { ["iss"] = key, ["n"] = 2 });

        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path + "?jwt=" + token, ("Authorization", "Bearer " + token))).Status);
        Assert.Equal("""{"message":"Multiple tokens provided"}""", (await auth.GetAsync(path + "?jwt=" + other, ("Authorization", "Bearer " + token))).Body);
        Assert.Equal("""{"message":"Unrecognizable token"}""", (await auth.GetAsync(path + "?jwt")).Body);
    }

    [Fact]
    public async Task KeyClaim_CanBeAnotherClaimOrAHeaderField()
    {
        var byKid = await auth.RouteAsync("""{"name":"jwt","config":{"key_claim_name":"kid"}}""");
        var byAud = await auth.RouteAsync("""{"name":"jwt","config":{"key_claim_name":"aud"}}""");
        var signer = Signer.Create("HS256");
        var (_, key) = await SecretAsync("jwt-kid", signer);

        var withKid = signer.Sign(new JsonObject(), new JsonObject { ["kid"] = key });
        Assert.Equal("jwt-kid", (await auth.GetAsync(byKid, ("Authorization", "Bearer " + withKid))).Upstream("x-consumer-username"));

        var withAud = signer.Sign(new JsonObject { ["aud"] = key });
        Assert.Equal("jwt-kid", (await auth.GetAsync(byAud, ("Authorization", "Bearer " + withAud))).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task SecretIsBase64_DecodesTheStoredSecret()
    {
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"secret_is_base64":true}}""");
        var raw = RandomNumberGenerator.GetBytes(32);
        var consumer = await auth.ConsumerAsync("jwt-base64");
        var secret = new JsonObject { ["key"] = "jwt-base64-key", ["secret"] = Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_') };
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/jwt", secret.ToJsonString());
        var token = Signer.Create("HS256", raw).Sign(new JsonObject { ["iss"] = "jwt-base64-key" });

        Assert.Equal("jwt-base64", (await auth.GetAsync(path, ("Authorization", "Bearer " + token))).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task Anonymous_StandsInForMissingOrBadTokens()
    {
        await auth.ConsumerAsync("jwt-anonymous");
        var path = await auth.RouteAsync("""{"name":"jwt","config":{"anonymous":"jwt-anonymous"}}""");
        var ghost = await auth.RouteAsync("""{"name":"jwt","config":{"anonymous":"jwt-ghost"}}""");
        var signer = Signer.Create("RS256");
        var (_, key) = await SecretAsync("jwt-anon-real", signer);

        var missing = await auth.GetAsync(path);
        Assert.Equal("true", missing.Upstream("x-anonymous-consumer"));
        Assert.Equal("jwt-anonymous", missing.Upstream("x-consumer-username"));
        Assert.Null(missing.Upstream("x-credential-identifier"));
        Assert.Equal("jwt-anonymous", (await auth.GetAsync(path, ("Authorization", "Bearer bad"))).Upstream("x-consumer-username"));

        var real = await auth.GetAsync(path, ("Authorization", "Bearer " + signer.Sign(new JsonObject { ["iss"] = key })));
        Assert.Equal("jwt-anon-real", real.Upstream("x-consumer-username"));

        Assert.Equal(HttpStatusCode.InternalServerError, (await auth.GetAsync(ghost)).Status);
    }

    [Fact]
    public async Task Preflight_IsAuthenticatedUnlessRunOnPreflightIsOff()
    {
        var guarded = await auth.RouteAsync("""{"name":"jwt"}""");
        var open = await auth.RouteAsync("""{"name":"jwt","config":{"run_on_preflight":false}}""");

        var refused = await auth.SendAsync(AuthNode.Request(HttpMethod.Options, guarded));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("""{"message":"Unauthorized"}""", refused.Body);
        Assert.Equal(HttpStatusCode.OK, (await auth.SendAsync(AuthNode.Request(HttpMethod.Options, open))).Status);
    }

    /// <summary>Creates a consumer with a jwt credential for the signer's algorithm; returns the consumer and the credential's key.</summary>
    private async Task<(JsonObject Consumer, string Key)> SecretAsync(string username, Signer signer)
    {
        var consumer = await auth.ConsumerAsync(username);
        var body = new JsonObject { ["key"] = username + "-key", ["algorithm"] = signer.Algorithm };
        if (signer.PublicKeyPem is { } pem)
        {
            body["rsa_public_key"] = pem;
        }
        else
        {
            body["secret"] = Encoding.UTF8.GetString(signer.Secret);
        }

        var secret = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/jwt", body.ToJsonString());
        return (consumer, secret["key"]!.GetValue<string>());
    }
}
