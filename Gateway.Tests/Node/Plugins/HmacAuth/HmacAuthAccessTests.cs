using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tests.Node.Plugins.HmacAuth;

/// <summary>Kong's hmac-auth behaviour end to end (spec/03-plugins/19-hmac-auth/03-access_spec.lua).</summary>
public sealed class HmacAuthAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    private const string NotValid = "HMAC signature cannot be verified";
    private const string NotSame = "HMAC signature does not match";
    private const string NoDate = "HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication";

    private static string Date(int offsetSeconds = 0) =>
        DateTimeOffset.UtcNow.AddSeconds(offsetSeconds).ToString("r", CultureInfo.InvariantCulture);

    [Fact]
    public async Task MissingCredentials_Answer401WithHmacChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");

        var answer = await auth.GetAsync(path, ("Date", Date()));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
        Assert.Equal("hmac", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task Realm_IsInTheChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth","config":{"realm":"signed"}}""");

        Assert.Equal("hmac realm=\"signed\"", (await auth.GetAsync(path)).WwwAuthenticate);
    }

    [Theory]
    [InlineData("hmac-sha1")]
    [InlineData("hmac-sha256")]
    [InlineData("hmac-sha384")]
    [InlineData("hmac-sha512")]
    public async Task SignatureOverDateAndRequestLine_Authenticates(string algorithm)
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        var consumer = await CredentialAsync($"hm-{algorithm}", "s3cret");
        var date = Date();
        var target = path + "/items?a=1&b=two";
        var authorization = Sign($"hm-{algorithm}-user", "s3cret", algorithm, ["date", "request-line"], ("date", date), ("request-line", $"GET {target} HTTP/1.1"));

        var answer = await auth.GetAsync(target, ("Date", date), ("Authorization", authorization));

        Assert.Equal(consumer, answer.Upstream("x-consumer-id"));
        Assert.Equal($"hm-{algorithm}", answer.Upstream("x-consumer-username"));
        Assert.Equal($"hm-{algorithm}-user", answer.Upstream("x-credential-identifier"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal(authorization, answer.Upstream("authorization"));
    }

    [Fact]
    public async Task ChangedRequestLineOrHeader_DoesNotMatch()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        await CredentialAsync("hm-tamper", "secret");
        var date = Date();
        var authorization = Sign("hm-tamper-user", "secret", "hmac-sha256", ["date", "request-line", "x-amount"],
            ("date", date), ("request-line", $"GET {path}?amount=1 HTTP/1.1"), ("x-amount", "1"));

        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path + "?amount=1", ("Date", date), ("X-Amount", "1"), ("Authorization", authorization))).Status);

        var otherQuery = await auth.GetAsync(path + "?amount=100", ("Date", date), ("X-Amount", "1"), ("Authorization", authorization));
        Assert.Equal(HttpStatusCode.Unauthorized, otherQuery.Status);
        Assert.Equal(NotSame, otherQuery.Message);
        Assert.Equal("hmac", otherQuery.WwwAuthenticate);

        Assert.Equal(NotSame, (await auth.GetAsync(path + "?amount=1", ("Date", date), ("X-Amount", "100"), ("Authorization", authorization))).Message);
        var post = AuthNode.Request(HttpMethod.Post, path + "?amount=1", ("Date", date), ("X-Amount", "1"), ("Authorization", authorization));
        Assert.Equal(NotSame, (await auth.SendAsync(post)).Message);
    }

    [Fact]
    public async Task RequestTargetPseudoHeader_SignsLowerCaseMethodAndTarget()
    {
        // spec "should pass with GET with @request-target": "@request-target: get /request".
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        await CredentialAsync("hm-target", "secret");
        var date = Date();
        var target = path + "/items?a=1";
        var authorization = Sign("hm-target-user", "secret", "hmac-sha256", ["date", "@request-target"], ("date", date), ("@request-target", $"get {target}"));

        Assert.Equal("hm-target", (await auth.GetAsync(target, ("Date", date), ("Authorization", authorization))).Upstream("x-consumer-username"));

        var post = AuthNode.Request(HttpMethod.Post, target, ("Date", date), ("Authorization", authorization));
        Assert.Equal(NotSame, (await auth.SendAsync(post)).Message);
        var upper = Sign("hm-target-user", "secret", "hmac-sha256", ["date", "@request-target"], ("date", date), ("@request-target", $"GET {target}"));
        Assert.Equal(NotSame, (await auth.GetAsync(target, ("Date", date), ("Authorization", upper))).Message);
    }

    [Fact]
    public async Task UnpaddedSignature_Verifies()
    {
        // Kong decodes the signature with ngx.decode_base64, for which the '=' padding is optional.
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        await CredentialAsync("hm-unpadded", "secret");
        var date = Date();
        var authorization = Sign("hm-unpadded-user", "secret", "hmac-sha256", ["date"], ("date", date));

        Assert.EndsWith("=\"", authorization);
        var unpadded = authorization[..^2] + "\"";
        Assert.Equal("hm-unpadded", (await auth.GetAsync(path, ("Date", date), ("Authorization", unpadded))).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task WrongSecretOrUnknownUser_AreRefused()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        await CredentialAsync("hm-wrong", "right");
        var date = Date();

        Assert.Equal(NotSame, (await auth.GetAsync(path, ("Date", date), ("Authorization", Sign("hm-wrong-user", "wrong", "hmac-sha256", ["date"], ("date", date))))).Message);
        Assert.Equal(NotValid, (await auth.GetAsync(path, ("Date", date), ("Authorization", Sign("nobody", "right", "hmac-sha256", ["date"], ("date", date))))).Message);
        Assert.Equal(NotValid, (await auth.GetAsync(path, ("Date", date), ("Authorization", "hmac nonsense"))).Message);
    }

    [Fact]
    public async Task ClockSkew_IsEnforcedOnDateAndXDate()
    {
        var strict = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        var lenient = await auth.RouteAsync("""{"name":"hmac-auth","config":{"clock_skew":1000}}""");
        await CredentialAsync("hm-skew", "secret");
        var old = Date(-400);
        var authorization = Sign("hm-skew-user", "secret", "hmac-sha256", ["date"], ("date", old));

        var refused = await auth.GetAsync(strict, ("Date", old), ("Authorization", authorization));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(NoDate, refused.Message);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(lenient, ("Date", old), ("Authorization", authorization))).Status);

        Assert.Equal(NoDate, (await auth.GetAsync(strict, ("Authorization", authorization))).Message);
        Assert.Equal(NoDate, (await auth.GetAsync(strict, ("Date", "yesterday"), ("Authorization", authorization))).Message);

        // A fresh X-Date rescues a stale Date; the signature covers whichever headers it names.
        var fresh = Date();
        var withXDate = Sign("hm-skew-user", "secret", "hmac-sha256", ["x-date"], ("x-date", fresh));
        Assert.Equal("hm-skew", (await auth.GetAsync(strict, ("Date", old), ("X-Date", fresh), ("Authorization", withXDate))).Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task Date_IsReadAsNginxReadsIt()
    {
        // ngx.parse_http_time reads by position: the zone after the seconds and the weekday name are not checked.
        var path = await auth.RouteAsync("""{"name":"hmac-auth"}""");
        await CredentialAsync("hm-date", "secret");
        var now = DateTimeOffset.UtcNow;
        var invariant = CultureInfo.InvariantCulture;
        string[] dates =
        [
            now.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", invariant),
            now.AddDays(1).ToString("ddd", invariant) + now.ToString(", dd MMM yyyy HH:mm:ss 'GMT'", invariant),
            now.ToString("dddd, dd-MMM-yy HH:mm:ss 'GMT'", invariant),
            now.ToString("ddd MMM ", invariant) + now.Day.ToString(invariant).PadLeft(2) + now.ToString(" HH:mm:ss yyyy", invariant),
        ];

        foreach (var date in dates)
        {
            var authorization = Sign("hm-date-user", "secret", "hmac-sha256", ["date"], ("date", date));
            Assert.Equal("hm-date", (await auth.GetAsync(path, ("Date", date), ("Authorization", authorization))).Upstream("x-consumer-username"));
        }

        var notADate = Sign("hm-date-user", "secret", "hmac-sha256", ["date"], ("date", "yesterday"));
        Assert.Equal(NoDate, (await auth.GetAsync(path, ("Date", "yesterday"), ("Authorization", notADate))).Message);
    }

    [Fact]
    public async Task EnforcedHeadersAndAlgorithms_MustBeUsed()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth","config":{"enforce_headers":["date","request-line"],"algorithms":["hmac-sha256","hmac-sha512"]}}""");
        await CredentialAsync("hm-enforce", "secret");
        var date = Date();

        Assert.Equal(NotValid, (await auth.GetAsync(path, ("Date", date), ("Authorization", Sign("hm-enforce-user", "secret", "hmac-sha256", ["date"], ("date", date))))).Message);
        var sha1 = Sign("hm-enforce-user", "secret", "hmac-sha1", ["date", "request-line"], ("date", date), ("request-line", $"GET {path} HTTP/1.1"));
        Assert.Equal(NotValid, (await auth.GetAsync(path, ("Date", date), ("Authorization", sha1))).Message);
        var sha512 = Sign("hm-enforce-user", "secret", "hmac-sha512", ["date", "request-line"], ("date", date), ("request-line", $"GET {path} HTTP/1.1"));
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Date", date), ("Authorization", sha512))).Status);
    }

    [Fact]
    public async Task ValidateRequestBody_ChecksTheDigest()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth","config":{"validate_request_body":true}}""");
        await CredentialAsync("hm-body", "secret");
        const string body = """{"amount":10}""";
        var digest = "SHA-256=" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var date = Date();
        var authorization = Sign("hm-body-user", "secret", "hmac-sha256", ["date", "digest"], ("date", date), ("digest", digest));

        var ok = await auth.PostAsync(path, body, "application/json", ("Date", date), ("Digest", digest), ("Authorization", authorization));
        Assert.Equal("hm-body", ok.Upstream("x-consumer-username"));
        Assert.Equal(body.Length, ok.Json["body_length"]!.GetValue<long>());

        Assert.Equal(NotSame, (await auth.PostAsync(path, """{"amount":99}""", "application/json", ("Date", date), ("Digest", digest), ("Authorization", authorization))).Message);

        var noDigest = Sign("hm-body-user", "secret", "hmac-sha256", ["date"], ("date", date));
        Assert.Equal(NotSame, (await auth.PostAsync(path, body, "application/json", ("Date", date), ("Authorization", noDigest))).Message);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Date", date), ("Authorization", noDigest))).Status);
    }

    [Fact]
    public async Task ProxyAuthorization_IsTriedFirst_AndHideCredentialsStripsIt()
    {
        var path = await auth.RouteAsync("""{"name":"hmac-auth","config":{"hide_credentials":true}}""");
        await CredentialAsync("hm-hide", "secret");
        var date = Date();
        var authorization = Sign("hm-hide-user", "secret", "hmac-sha256", ["date"], ("date", date));

        var proxy = await auth.GetAsync(path, ("Date", date), ("Proxy-Authorization", authorization), ("Authorization", "Basic other"));
        Assert.Equal("hm-hide", proxy.Upstream("x-consumer-username"));
        Assert.Null(proxy.Upstream("proxy-authorization"));
        Assert.Equal("Basic other", proxy.Upstream("authorization"));

        var plain = await auth.GetAsync(path, ("Date", date), ("Authorization", authorization));
        Assert.Equal("hm-hide", plain.Upstream("x-consumer-username"));
        Assert.Null(plain.Upstream("authorization"));
    }

    [Fact]
    public async Task Anonymous_StandsInForMissingOrBadSignatures()
    {
        await auth.ConsumerAsync("hm-anonymous");
        var path = await auth.RouteAsync("""{"name":"hmac-auth","config":{"anonymous":"hm-anonymous"}}""");
        var ghost = await auth.RouteAsync("""{"name":"hmac-auth","config":{"anonymous":"hm-ghost"}}""");

        var missing = await auth.GetAsync(path);
        Assert.Equal("true", missing.Upstream("x-anonymous-consumer"));
        Assert.Equal("hm-anonymous", missing.Upstream("x-consumer-username"));
        Assert.Null(missing.Upstream("x-credential-identifier"));
        Assert.Equal("hm-anonymous", (await auth.GetAsync(path, ("Date", Date()), ("Authorization", "hmac bad"))).Upstream("x-consumer-username"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await auth.GetAsync(ghost)).Status);
    }

    /// <summary>Kong's client side: the listed headers as "name: value" lines (request-line as itself), HMAC'd and base64'd.</summary>
    private static string Sign(string username, string secret, string algorithm, string[] headers, params (string Name, string Value)[] values)
    {
        var lines = headers.Select(h =>
        {
            var value = values.Single(v => v.Name == h).Value;
            return h == "request-line" ? value : $"{h}: {value}";
        });
        var data = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        var key = Encoding.UTF8.GetBytes(secret);
        var signature = algorithm switch
        {
            "hmac-sha1" => HMACSHA1.HashData(key, data),
            "hmac-sha256" => HMACSHA256.HashData(key, data),
            "hmac-sha384" => HMACSHA384.HashData(key, data),
            _ => HMACSHA512.HashData(key, data),
        };
        return $"hmac username=\"{username}\", algorithm=\"{algorithm}\", headers=\"{string.Join(' ', headers)}\", signature=\"{Convert.ToBase64String(signature)}\"";
    }

    /// <summary>Creates a consumer with an hmac-auth credential "{username}-user"; returns the consumer id.</summary>
    private async Task<string> CredentialAsync(string username, string secret)
    {
        var consumer = await auth.ConsumerAsync(username);
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/hmac-auth", $$"""{"username":"{{username}}-user","secret":"{{secret}}"}""");
        return consumer["id"]!.GetValue<string>();
    }
}
