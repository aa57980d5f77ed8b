using System.Net;
using System.Text;
using Gateway.Node.Plugins.LdapAuth;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.LdapAuth.TestDirectory;

namespace Gateway.Tests.Node.Plugins.LdapAuth;

/// <summary>
/// Kong's ldap-auth end to end (spec/03-plugins/20-ldap-auth/01-access_spec.lua) against the real slapd that
/// infra/slapd.sh starts (TEST_LDAP_HOST/PORT/BASE_DN, set by infra/test.sh): its users uid=einstein
/// (password "password") and uid=curie ("radium") under the base DN.
/// </summary>
[Collection(TestDirectory.Collection)]
public sealed class LdapAuthAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    [Fact]
    public async Task NoCredentials_Answers401WithTheLdapChallenge()
    {
        var path = await auth.RouteAsync(Plugin());

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
        Assert.Equal("LDAP", answer.WwwAuthenticate);
    }

    [Fact]
    public async Task Realm_AndAnotherHeaderType_AreInTheChallenge()
    {
        var path = await auth.RouteAsync(Plugin(""","realm":"directory","header_type":"basic" """));

        Assert.Equal("basic realm=\"directory\"", (await auth.GetAsync(path)).WwwAuthenticate);
        Assert.Equal("curie", (await auth.GetAsync(path, ("Authorization", Authorization("curie", "radium", "Basic")))).Upstream("x-credential-identifier"));
    }

    [Fact]
    public async Task RightPassword_ReachesTheBackendAsTheCredential_WithoutAConsumer()
    {
        var path = await auth.RouteAsync(Plugin());

        var answer = await auth.GetAsync(path, ("Authorization", Authorization("einstein", "password", "LDAP")), ("X-Consumer-ID", "forged"), ("X-Anonymous-Consumer", "true"));

        Assert.Equal("einstein", answer.Upstream("x-credential-identifier"));
        Assert.Null(answer.Upstream("x-consumer-id"));
        Assert.Null(answer.Upstream("x-anonymous-consumer"));
        Assert.Equal(Authorization("einstein", "password", "LDAP"), answer.Upstream("authorization"));
    }

    [Fact]
    public async Task ProxyAuthorization_IsTriedFirst_ThenAuthorization()
    {
        var path = await auth.RouteAsync(Plugin());

        Assert.Equal("curie", (await auth.GetAsync(path, ("Proxy-Authorization", Authorization("curie", "radium")))).Upstream("x-credential-identifier"));
        var both = await auth.GetAsync(path, ("Proxy-Authorization", Authorization("curie", "wrong")), ("Authorization", Authorization("einstein", "password")));
        Assert.Equal("einstein", both.Upstream("x-credential-identifier"));
    }

    [Theory]
    [InlineData("einstein", "wrong")]
    [InlineData("nobody", "password")]
    [InlineData("einstein,ou=users", "password")]
    [InlineData("einstein", "")]
    public async Task WrongPassword_UnknownUser_ForgedDn_OrEmptyPassword_Answer401(string user, string password)
    {
        var path = await auth.RouteAsync(Plugin());

        var answer = await auth.GetAsync(path, ("Authorization", Authorization(user, password)));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
        Assert.Equal("LDAP", answer.WwwAuthenticate);
    }

    [Theory]
    [InlineData("ldap not-base64!")]
    [InlineData("ldapZWluc3RlaW46cGFzc3dvcmQ=")]
    [InlineData("Basic ZWluc3RlaW46cGFzc3dvcmQ=")]
    public async Task MalformedCredentials_Answer401(string header)
    {
        var path = await auth.RouteAsync(Plugin());

        Assert.Equal(HttpStatusCode.Unauthorized, (await auth.GetAsync(path, ("Authorization", header))).Status);
    }

    [Fact]
    public async Task Verdicts_AreKeptForCacheTtl_SoAFloodOfOneWrongPasswordBindsOnce()
    {
        var path = await auth.RouteAsync(Plugin(""","cache_ttl":600"""));
        var before = LdapAuthPlugin.Binds.Completed;

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await auth.GetAsync(path, ("Authorization", Authorization("curie", "flood")))).Status);
        }

        Assert.Equal(before + 1, LdapAuthPlugin.Binds.Completed);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("curie", (await auth.GetAsync(path, ("Authorization", Authorization("curie", "radium")))).Upstream("x-credential-identifier"));
        }

        Assert.Equal(before + 2, LdapAuthPlugin.Binds.Completed);
    }

    [Fact]
    public async Task HideCredentials_StripsBothHeaders()
    {
        var path = await auth.RouteAsync(Plugin(""","hide_credentials":true"""));

        var answer = await auth.GetAsync(path, ("Authorization", Authorization("einstein", "password")), ("Proxy-Authorization", Authorization("einstein", "wrong")));

        Assert.Null(answer.Upstream("authorization"));
        Assert.Null(answer.Upstream("proxy-authorization"));
        Assert.Equal("einstein", answer.Upstream("x-credential-identifier"));
    }

    [Fact]
    public async Task Anonymous_ServesFailedAttemptsAsTheAnonymousConsumer()
    {
        var anonymous = await auth.ConsumerAsync("ldap-anonymous");
        var path = await auth.RouteAsync(Plugin($$""","anonymous":"{{anonymous["id"]}}" """));

        var answer = await auth.GetAsync(path, ("Authorization", Authorization("einstein", "wrong")));

        Assert.Equal(anonymous["id"]!.GetValue<string>(), answer.Upstream("x-consumer-id"));
        Assert.Equal("ldap-anonymous", answer.Upstream("x-consumer-username"));
        Assert.Equal("true", answer.Upstream("x-anonymous-consumer"));
        Assert.Null(answer.Upstream("x-credential-identifier"));
        Assert.Equal("einstein", (await auth.GetAsync(path, ("Authorization", Authorization("einstein", "password")))).Upstream("x-credential-identifier"));
    }

    [Fact]
    public async Task UnreachableDirectory_Answers500_AndIsNotKept()
    {
        var path = await auth.RouteAsync(Plugin(""","timeout":2000""", port: FreePorts.Next()));

        for (var i = 0; i < 2; i++)
        {
            var answer = await auth.GetAsync(path, ("Authorization", Authorization("einstein", "password")));
            Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
            Assert.Equal("An unexpected error occurred", answer.Message);
        }
    }

    [Fact]
    public async Task LdapsAndStartTls_Together_AreASchemaViolation()
    {
        var (status, body) = await auth.Node.CallAsync(HttpMethod.Post, "/plugins", Plugin(""","ldaps":true,"start_tls":true"""));

        Assert.Equal(400, status);
        Assert.Equal("schema violation", body!["name"]!.GetValue<string>());
        Assert.Equal(LdapAuthSchema.BothTlsModes, body["fields"]!["config"]!["start_tls"]!.GetValue<string>());
    }
}
