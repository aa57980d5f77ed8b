using System.Net;
using System.Text;

namespace Gateway.Tests.Node.Plugins.BasicAuth;

/// <summary>Kong's basic-auth behaviour end to end (spec/03-plugins/10-basic-auth/03-access_spec.lua).</summary>
public sealed class BasicAuthAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    [Fact]
    public async Task MissingCredentials_Answer401WithBasicChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
        Assert.Equal("Basic realm=\"service\"", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task Realm_IsInTheChallenge()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth","config":{"realm":"gateway"}}""");

        Assert.Equal("Basic realm=\"gateway\"", (await auth.GetAsync(path)).WwwAuthenticate);
    }

    [Theory]
    [InlineData("Basic Ym9i")]
    [InlineData("Basic !!!")]
    [InlineData("Bearer abc")]
    [InlineData("Basic ")]
    public async Task MalformedCredentials_Answer401(string authorization)
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");

        var answer = await auth.GetAsync(path, ("Authorization", authorization));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
    }

    [Fact]
    public async Task WrongPasswordOrUnknownUser_Answer401()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-wrong");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-wrong-user","password":"right"}""");

        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("Authorization", Basic("ba-wrong-user", "wrong")))).Message);
        Assert.Equal("Unauthorized", (await auth.GetAsync(path, ("Authorization", Basic("nobody", "right")))).Message);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", Basic("ba-wrong-user", "right")))).Status);
    }

    [Fact]
    public async Task Credentials_AreDecodedAsNginxDoes()
    {
        // ngx.decode_base64: padding optional, text after the first '=' ignored, whitespace inside an error.
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-nginx");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-nginx-user","password":"pw1"}""");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("ba-nginx-user:pw1"));

        Assert.EndsWith("=", encoded);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", "Basic " + encoded.TrimEnd('=')))).Status);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", "Basic " + encoded + "ignored"))).Status);
        var spaced = await auth.GetAsync(path, ("Authorization", $"Basic {encoded[..8]} {encoded[8..]}"));
        Assert.Equal(HttpStatusCode.Unauthorized, spaced.Status);
        Assert.Equal("Unauthorized", spaced.Message);
    }

    [Fact]
    public async Task ValidCredentials_ReachTheBackendWithConsumerHeaders()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-valid", "ba-custom");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-valid-user","password":"p:ss word"}""");
        var authorization = Basic("ba-valid-user", "p:ss word");

        var answer = await auth.GetAsync(path, ("Authorization", authorization));

        Assert.Equal(consumer["id"]!.GetValue<string>(), answer.Upstream("x-consumer-id"));
        Assert.Equal("ba-custom", answer.Upstream("x-consumer-custom-id"));
        Assert.Equal("ba-valid", answer.Upstream("x-consumer-username"));
        Assert.Equal("ba-valid-user", answer.Upstream("x-credential-identifier"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal(authorization, answer.Upstream("authorization"));
    }

    [Fact]
    public async Task ProxyAuthorization_IsTriedFirst()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-proxy");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-proxy-user","password":"secret"}""");

        var answer = await auth.GetAsync(path, ("Proxy-Authorization", Basic("ba-proxy-user", "secret")));

        Assert.Equal("ba-proxy", answer.Upstream("x-consumer-username"));
    }

    [Fact]
    public async Task HideCredentials_StripsTheHeaders()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth","config":{"hide_credentials":true}}""");
        var consumer = await auth.ConsumerAsync("ba-hide");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-hide-user","password":"secret"}""");

        var answer = await auth.GetAsync(path, ("Authorization", Basic("ba-hide-user", "secret")));
        Assert.Equal("ba-hide", answer.Upstream("x-consumer-username"));
        Assert.Null(answer.Upstream("authorization"));

        var proxy = await auth.GetAsync(path, ("Proxy-Authorization", Basic("ba-hide-user", "secret")));
        Assert.Null(proxy.Upstream("proxy-authorization"));
    }

    [Fact]
    public async Task Anonymous_StandsInForMissingOrWrongCredentials()
    {
        var anonymous = await auth.ConsumerAsync("ba-anonymous");
        var path = await auth.RouteAsync("""{"name":"basic-auth","config":{"anonymous":"ba-anonymous"}}""");
        var consumer = await auth.ConsumerAsync("ba-real");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-real-user","password":"secret"}""");

        var missing = await auth.GetAsync(path);
        Assert.Equal("true", missing.Upstream("x-anonymous-consumer"));
        Assert.Equal(anonymous["id"]!.GetValue<string>(), missing.Upstream("x-consumer-id"));
        Assert.Null(missing.Upstream("x-credential-identifier"));

        Assert.Equal("ba-anonymous", (await auth.GetAsync(path, ("Authorization", Basic("ba-real-user", "wrong")))).Upstream("x-consumer-username"));
        var real = await auth.GetAsync(path, ("Authorization", Basic("ba-real-user", "secret")));
        Assert.Equal("ba-real", real.Upstream("x-consumer-username"));
        Assert.Null(real.Upstream("x-anonymous-consumer"));
    }

    [Fact]
    public async Task AnonymousThatDoesNotExist_Answers500()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth","config":{"anonymous":"ghost"}}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("anonymous consumer ghost is configured but doesn't exist", answer.Message);
    }

    [Fact]
    public async Task ChangedPassword_AppliesToTheNextRequest()
    {
        // Both verdicts are kept (a failure of "new", a success of "old"): neither may answer after the change.
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-change");
        var credential = await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-change-user","password":"old"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, (await auth.GetAsync(path, ("Authorization", Basic("ba-change-user", "new")))).Status);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", Basic("ba-change-user", "old")))).Status);

        await auth.Node.PatchAsync($"/basic-auths/{credential["id"]}", """{"password":"new"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, (await auth.GetAsync(path, ("Authorization", Basic("ba-change-user", "old")))).Status);
        Assert.Equal(HttpStatusCode.OK, (await auth.GetAsync(path, ("Authorization", Basic("ba-change-user", "new")))).Status);
    }

    [Fact]
    public async Task RightPassword_Authenticates_WhileEightClientsSendAWrongOne()
    {
        var path = await auth.RouteAsync("""{"name":"basic-auth"}""");
        var consumer = await auth.ConsumerAsync("ba-flood");
        await auth.Node.CreateAsync($"/consumers/{consumer["id"]}/basic-auth", """{"username":"ba-flood-user","password":"right"}""");
        using var stop = new CancellationTokenSource();
        var flood = Enumerable.Range(0, 8).Select(async _ =>
        {
            var answers = new List<Answer>();
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await auth.GetAsync(path, ("Authorization", Basic("ba-flood-user", "wrong"))));
            }

            return answers;
        }).ToList();

        var right = await auth.GetAsync(path, ("Authorization", Basic("ba-flood-user", "right")));
        await stop.CancelAsync();
        var wrong = (await Task.WhenAll(flood)).SelectMany(a => a).ToList();

        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal("ba-flood", right.Upstream("x-consumer-username"));
        Assert.NotEmpty(wrong);
        Assert.All(wrong, a => Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized", "Basic realm=\"service\""), (a.Status, a.Message, a.WwwAuthenticate)));
    }

    private static string Basic(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
}
