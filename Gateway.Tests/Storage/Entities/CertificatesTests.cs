using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class CertificatesTests
{
    private static readonly (string Cert, string Key) RsaPair = TestCertificates.Rsa();
    private static readonly (string Cert, string Key) OtherRsaPair = TestCertificates.Rsa();
    private static readonly (string Cert, string Key) EcdsaPair = TestCertificates.Ecdsa();

    private static string Json(params (string Name, string Value)[] fields)
    {
        var json = new JsonObject();
        foreach (var (name, value) in fields)
        {
            json[name] = value;
        }

        return json.ToJsonString();
    }

    [Fact]
    public void Insert_MatchingPair_IsValid()
    {
        var certificate = Valid("certificates", Json(("cert", RsaPair.Cert), ("key", RsaPair.Key)));

        Assert.Equal(RsaPair.Cert, (string?)certificate["cert"]);
        Assert.Null(certificate["cert_alt"]);
        Assert.Null(certificate["key_alt"]);
    }

    [Fact]
    public void Insert_Chain_IsCheckedAgainstItsFirstCertificate()
    {
        Valid("certificates", Json(("cert", RsaPair.Cert + "\n" + EcdsaPair.Cert), ("key", RsaPair.Key)));
    }

    [Fact]
    public void Insert_Empty_NeedsCertAndKey()
    {
        Assert.Equal("2 schema violations (cert: required field missing; key: required field missing)", Invalid("certificates", "{}").Message);
    }

    [Fact]
    public void Insert_Garbage_IsNotPem()
    {
        var (fields, _) = Invalid("certificates", Json(("cert", "nope"), ("key", "nope")));

        Assert.Equal(
            """{"cert":"invalid certificate: x509.new: could not parse a PEM certificate","key":"invalid key: pkey.new:load_key: could not parse a PEM key"}""",
            fields);
    }

    [Fact]
    public void Insert_KeyOfAnotherCertificate_DoesNotMatch()
    {
        Assert.Equal(
            """{"@entity":["certificate does not match key"]}""",
            Invalid("certificates", Json(("cert", RsaPair.Cert), ("key", OtherRsaPair.Key))).Fields);
    }

    [Fact]
    public void AlternativePair_MustBeCompleteMatchingAndOfAnotherType()
    {
        Valid("certificates", Json(("cert", RsaPair.Cert), ("key", RsaPair.Key), ("cert_alt", EcdsaPair.Cert), ("key_alt", EcdsaPair.Key)));

        Assert.Equal(
            """{"@entity":["all or none of these fields must be set: 'cert_alt', 'key_alt'"]}""",
            Invalid("certificates", Json(("cert", RsaPair.Cert), ("key", RsaPair.Key), ("cert_alt", EcdsaPair.Cert))).Fields);

        Assert.Equal(
            """{"@entity":["alternative certificate does not match key"]}""",
            Invalid("certificates", Json(("cert", RsaPair.Cert), ("key", RsaPair.Key), ("cert_alt", EcdsaPair.Cert), ("key_alt", OtherRsaPair.Key))).Fields);

        Assert.Equal(
            """{"@entity":["certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type"]}""",
            Invalid("certificates", Json(("cert", RsaPair.Cert), ("key", RsaPair.Key), ("cert_alt", OtherRsaPair.Cert), ("key_alt", OtherRsaPair.Key))).Fields);
    }

    [Fact]
    public void CaCertificate_GetsItsDigest()
    {
        var ca = TestCertificates.Rsa(ca: true);

        var stored = Valid("ca_certificates", Json(("cert", ca.Cert), ("cert_digest", "ignored")));

        using var certificate = X509Certificate2.CreateFromPem(ca.Cert);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), (string?)stored["cert_digest"]);
    }

    [Fact]
    public void CaCertificate_MustBeASingleUnexpiredCa()
    {
        Assert.Equal(
            """{"@entity":["certificate does not appear to be a CA because it is missing the \"CA\" basic constraint"]}""",
            Invalid("ca_certificates", Json(("cert", RsaPair.Cert))).Fields);

        Assert.Equal(
            """{"@entity":["certificate expired, \"Not After\" time is in the past"]}""",
            Invalid("ca_certificates", Json(("cert", TestCertificates.Rsa(ca: true, expired: true).Cert))).Fields);

        var ca = TestCertificates.Rsa(ca: true).Cert;
        Assert.Equal(
            """{"@entity":["please submit only one certificate at a time"]}""",
            Invalid("ca_certificates", Json(("cert", ca + "\n" + ca))).Fields);

        Assert.Equal("schema violation (cert: required field missing)", Invalid("ca_certificates", "{}").Message);
    }
}
