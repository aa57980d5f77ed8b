using Gateway.Node.Settings;
using Gateway.Node.Tls;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Settings;

/// <summary>
/// admin_ssl_cert / admin_ssl_cert_key and status_ssl_cert / status_ssl_cert_key: unset by default (a self-signed default
/// in prefix/); a certificate without its key, a missing file or a key of another certificate stops start-up with one line
/// naming the setting.
/// </summary>
public sealed class ListenerTlsSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-listener-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Defaults_AreUnset()
    {
        var settings = SettingsLoader.FromValues([]);

        Assert.Empty(settings.AdminSslCert);
        Assert.Empty(settings.AdminSslCertKey);
        Assert.Empty(settings.StatusSslCert);
        Assert.Empty(settings.StatusSslCertKey);
    }

    [Fact]
    public void CommaLists_AreReadInOrder()
    {
        var settings = SettingsLoader.FromValues(
            [("admin_ssl_cert", "/etc/a-rsa.crt, /etc/a-ecdsa.crt", "test"), ("admin_ssl_cert_key", "/etc/a-rsa.key,/etc/a-ecdsa.key", "test")]);

        Assert.Equal(["/etc/a-rsa.crt", "/etc/a-ecdsa.crt"], settings.AdminSslCert);
        Assert.Equal(["/etc/a-rsa.key", "/etc/a-ecdsa.key"], settings.AdminSslCertKey);
    }

    [Theory]
    [InlineData("admin_ssl_cert", "/etc/a.crt", "admin_ssl_cert_key must be specified")]
    [InlineData("admin_ssl_cert_key", "/etc/a.key", "admin_ssl_cert must be specified")]
    [InlineData("status_ssl_cert", "/etc/s.crt", "status_ssl_cert_key must be specified")]
    [InlineData("status_ssl_cert_key", "/etc/s.key", "status_ssl_cert must be specified")]
    public void OneWithoutTheOther_IsRefused(string name, string value, string message)
    {
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.FromValues([(name, value, "test")]));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void ListsOfDifferentLengths_AreRefused()
    {
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.FromValues(
            [("status_ssl_cert", "/etc/a.crt, /etc/b.crt", "test"), ("status_ssl_cert_key", "/etc/a.key", "test")]));

        Assert.Equal("status_ssl_cert was specified 2 times while status_ssl_cert_key was specified 1 times", ex.Message);
    }

    [Fact]
    public void NoSslListener_LoadsNoCertificate_AndWritesNothing()
    {
        var settings = SettingsLoader.FromValues([("prefix", _folder, "test")]);

        Assert.Null(ListenerCertificate.ForAdmin(settings));
        Assert.Null(ListenerCertificate.ForStatus(settings));
        Assert.Empty(Directory.EnumerateFiles(_folder));
    }

    [Fact]
    public void Unset_GeneratesOneDefaultPerListenerKind_WithTheKeyOwnerOnly()
    {
        var settings = SettingsLoader.FromValues(
            [("prefix", _folder, "test"), ("admin_listen", "127.0.0.1:0 ssl", "test"), ("status_listen", "127.0.0.1:0 ssl", "test")]);

        using var admin = ListenerCertificate.ForAdmin(settings)!;
        using var status = ListenerCertificate.ForStatus(settings)!;

        Assert.True(admin.HasPrivateKey);
        Assert.NotEqual(admin.Thumbprint, status.Thumbprint);
        foreach (var key in new[] { "admin-default.key", "status-default.key" })
        {
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, key)));
            }
        }

        // Reused after: the same certificate on the next start.
        using var again = ListenerCertificate.ForAdmin(settings)!;
        Assert.Equal(admin.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public void AMissingFile_NamesTheSetting()
    {
        var (cert, key) = Write("own", TestCertificates.Ecdsa());
        var missingCert = Load(Path.Combine(_folder, "nope.crt"), key);
        var missingKey = Load(cert, Path.Combine(_folder, "nope.key"));

        Assert.StartsWith("invalid value for admin_ssl_cert: ", missingCert.Message, StringComparison.Ordinal);
        Assert.Contains("nope.crt", missingCert.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid value for admin_ssl_cert_key: ", missingKey.Message, StringComparison.Ordinal);
        Assert.Contains("nope.key", missingKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOfAnotherCertificate_NamesTheKeySetting()
    {
        var (cert, _) = Write("one", TestCertificates.Ecdsa());
        var (_, otherKey) = Write("other", TestCertificates.Ecdsa());

        var ex = Load(cert, otherKey);

        Assert.StartsWith("invalid value for admin_ssl_cert_key: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ACertificateFileThatIsNotPem_NamesTheCertificateSetting()
    {
        var (_, key) = Write("own", TestCertificates.Ecdsa());
        var notPem = Path.Combine(_folder, "not.crt");
        File.WriteAllText(notPem, "not a certificate");

        Assert.StartsWith("invalid value for admin_ssl_cert: ", Load(notPem, key).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithAMissingAdminCertificate_ExitsWithOneLine()
    {
        var (_, key) = Write("own", TestCertificates.Ecdsa());
        var missing = Path.Combine(_folder, "missing.crt");

        var (code, stdout, stderr) = await NodeProcess.RunAsync(
            ["start", "--prefix", Path.Combine(_folder, "prefix"), "--admin_listen", $"127.0.0.1:{FreePorts.Next()} ssl",
                "--admin_ssl_cert", missing, "--admin_ssl_cert_key", key]);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr);
        Assert.StartsWith("gateway: invalid value for admin_ssl_cert: ", line, StringComparison.Ordinal);
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    private SettingsException Load(string cert, string key) => Assert.Throws<SettingsException>(() => ListenerCertificate.ForAdmin(SettingsLoader.FromValues(
        [("prefix", _folder, "test"), ("admin_listen", "127.0.0.1:0 ssl", "test"), ("admin_ssl_cert", cert, "test"), ("admin_ssl_cert_key", key, "test")])));

    private (string Cert, string Key) Write(string name, (string Cert, string Key) pem)
    {
        var cert = Path.Combine(_folder, name + ".crt");
        var key = Path.Combine(_folder, name + ".key");
        File.WriteAllText(cert, pem.Cert);
        File.WriteAllText(key, pem.Key);
        return (cert, key);
    }
}
