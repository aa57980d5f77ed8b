using System.Security.Cryptography;
using System.Text;
using Gateway.Node.Plugins.Jwt;

namespace Gateway.Tests.Node.Plugins.Jwt;

/// <summary>The jwt plugin's Ed25519 verifier against the JWS example of RFC 8037, appendix A.4, and its key of A.2.</summary>
public sealed class JwtEd25519Tests
{
    private const string SigningInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    private const string Signature = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    private const string PublicKeyX = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    [Fact]
    public void Rfc8037Example_Verifies()
    {
        Assert.True(Ed25519Keys.Verify(Pem(JwtToken.Base64Url(PublicKeyX)!), Encoding.ASCII.GetBytes(SigningInput), JwtToken.Base64Url(Signature)!));
    }

    [Fact]
    public void Rfc8037Example_WithOneBitChanged_DoesNotVerify()
    {
        var signature = JwtToken.Base64Url(Signature)!;
        signature[10] ^= 1;
        Assert.False(Ed25519Keys.Verify(Pem(JwtToken.Base64Url(PublicKeyX)!), Encoding.ASCII.GetBytes(SigningInput), signature));
        Assert.False(Ed25519Keys.Verify(Pem(JwtToken.Base64Url(PublicKeyX)!), Encoding.ASCII.GetBytes(SigningInput + "x"), JwtToken.Base64Url(Signature)!));
    }

    [Fact]
    public void NonEd25519Keys_AreNotEd25519Keys()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(Ed25519Keys.Parse(ec.ExportSubjectPublicKeyInfoPem()));
        Assert.Null(Ed25519Keys.Parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        Assert.NotNull(Ed25519Keys.Parse(Pem(JwtToken.Base64Url(PublicKeyX)!)));
    }

    /// <summary>The SubjectPublicKeyInfo of a raw Ed25519 key (RFC 8410: OID 1.3.101.112), as PEM.</summary>
    private static string Pem(byte[] key) =>
        new(PemEncoding.Write("PUBLIC KEY", [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. key]));
}
