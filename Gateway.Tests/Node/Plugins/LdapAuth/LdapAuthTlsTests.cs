using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Node.Plugins.LdapAuth;
using Gateway.Tests.Support;
using static Gateway.Tests.Node.Plugins.LdapAuth.TestDirectory;

namespace Gateway.Tests.Node.Plugins.LdapAuth;

/// <summary>A node whose lua_ssl_trusted_certificate holds the directory's CA (after an unrelated one: a bundle of two).</summary>
public sealed class TrustingNode : AuthNode
{
    /// <inheritdoc />
    protected override string[] NodeArguments => ["--lua_ssl_trusted_certificate", $"{LdapAuthTlsTests.OtherCa},{Ca}"];
}

/// <summary>A node that trusts only a CA that did not sign the directory's certificate.</summary>
public sealed class DistrustingNode : AuthNode
{
    /// <inheritdoc />
    protected override string[] NodeArguments => ["--lua_ssl_trusted_certificate", LdapAuthTlsTests.OtherCa];
}

/// <summary>
/// ldaps and start_tls against the test slapd, whose certificate a CA made at test time signed (infra/slapd.sh):
/// Kong's sslhandshake(true, ldap_host, verify_ldap_host) checks the chain and the name only with verify_ldap_host,
/// and a failed handshake is a failed bind: 401 with the challenge.
/// </summary>
[Collection(TestDirectory.Collection)]
public sealed class LdapAuthTlsTests(TrustingNode trusting, DistrustingNode distrusting) : IClassFixture<TrustingNode>, IClassFixture<DistrustingNode>
{
    private static readonly Lazy<string> Other = new(WriteOtherCa);

    /// <summary>A CA of the test's own, which signed nothing the directory serves.</summary>
    public static string OtherCa => Other.Value;

    private static string Tls(string mode, bool verify, string? host = null) =>
        Plugin($""","{mode}":true,"verify_ldap_host":{(verify ? "true" : "false")}""", mode == "ldaps" ? LdapsPort : Port, host);

    [Theory]
    [InlineData("ldaps")]
    [InlineData("start_tls")]
    public async Task Verified_WithTheDirectorysCaTrusted_Binds_AndAWrongPasswordIsStillRefused(string mode)
    {
        var path = await trusting.RouteAsync(Tls(mode, verify: true));

        Assert.Equal("einstein", (await trusting.GetAsync(path, ("Authorization", Authorization("einstein", "password")))).Upstream("x-credential-identifier"));
        var wrong = await trusting.GetAsync(path, ("Authorization", Authorization("einstein", "wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
    }

    [Theory]
    [InlineData("ldaps")]
    [InlineData("start_tls")]
    public async Task Verified_WithAnUntrustedCa_IsAFailedBind_AsKongAnswersIt(string mode)
    {
        var path = await distrusting.RouteAsync(Tls(mode, verify: true));

        var answer = await distrusting.GetAsync(path, ("Authorization", Authorization("einstein", "password")));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal(LdapAuthPlugin.UnauthorizedMessage, answer.Message);
        Assert.Equal("LDAP", answer.WwwAuthenticate);
    }

    [Theory]
    [InlineData("ldaps")]
    [InlineData("start_tls")]
    public async Task Verified_ButTheCertificateNamesAnotherHost_IsAFailedBind_AndUnverifiedBinds(string mode)
    {
        // The certificate is for 127.0.0.1, not for localhost, though both reach the same server.
        var verified = await trusting.RouteAsync(Tls(mode, verify: true, host: "localhost"));
        var unverified = await trusting.RouteAsync(Tls(mode, verify: false, host: "localhost"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await trusting.GetAsync(verified, ("Authorization", Authorization("einstein", "password")))).Status);
        Assert.Equal("einstein", (await trusting.GetAsync(unverified, ("Authorization", Authorization("einstein", "password")))).Upstream("x-credential-identifier"));
    }

    [Theory]
    [InlineData("ldaps")]
    [InlineData("start_tls")]
    public async Task Unverified_BindsWhicheverCaSignedTheCertificate(string mode)
    {
        var path = await distrusting.RouteAsync(Tls(mode, verify: false));

        Assert.Equal("curie", (await distrusting.GetAsync(path, ("Authorization", Authorization("curie", "radium")))).Upstream("x-credential-identifier"));
    }

    [Fact]
    public async Task Ldaps_ToAPortNobodyListensOn_IsAnError_NotAFailedHandshake()
    {
        var path = await distrusting.RouteAsync(Plugin(""","ldaps":true,"timeout":2000""", FreePorts.Next()));

        var answer = await distrusting.GetAsync(path, ("Authorization", Authorization("einstein", "password")));

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal(LdapAuthPlugin.UnexpectedMessage, answer.Message);
    }

    private static string WriteOtherCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Not the directory's CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), $"other-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
