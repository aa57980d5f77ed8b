using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// admin_listen and status_listen with <c>ssl</c>, as Kong's <c>127.0.0.1:8444 ssl</c>: the self-signed default in
/// prefix/ when no certificate is set, or admin_ssl_cert / status_ssl_cert; curl checks each against the certificate
/// it was given (<c>--cacert</c>), beside a plain listener on the same API.
/// </summary>
public sealed class AdminTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-admin-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SslListeners_ServeTheDefaultCertificates_BesideThePlainOne()
    {
        var tlsPort = FreePorts.Next();
        var statusTlsPort = FreePorts.Next();
        var plainPort = FreePorts.Next();
        await using var node = await TestNode.StartAsync(
            "--admin_listen", $"127.0.0.1:{plainPort}, 127.0.0.1:{tlsPort} http2 ssl",
            "--status_listen", $"127.0.0.1:{statusTlsPort} ssl");

        var (code, body) = await CurlAsync("--cacert", Path.Combine(node.Prefix, "admin-default.crt"), $"https://127.0.0.1:{tlsPort}/");
        Assert.True(code == 0, body);
        Assert.Contains("\"tagline\":", body, StringComparison.Ordinal);

        var (http2, version) = await CurlAsync("--cacert", Path.Combine(node.Prefix, "admin-default.crt"), "--http2", "-o", "/dev/null", "-w", "%{http_version}",
            $"https://127.0.0.1:{tlsPort}/services");
        Assert.True(http2 == 0, version);
        Assert.Equal("2", version);

        var (statusCode, status) = await CurlAsync("--cacert", Path.Combine(node.Prefix, "status-default.crt"), $"https://127.0.0.1:{statusTlsPort}/status");
        Assert.True(statusCode == 0, status);
        Assert.Contains("\"cluster\":", status, StringComparison.Ordinal);

        // Each kind has its own certificate: the status API's does not vouch for the Admin API.
        var (wrong, _) = await CurlAsync("--cacert", Path.Combine(node.Prefix, "status-default.crt"), $"https://127.0.0.1:{tlsPort}/");
        Assert.Equal(60, wrong); // curl: peer certificate cannot be authenticated with the given CA
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(node.Prefix, "admin-default.key")));
        }

        // The plain listener still answers over HTTP.
        using var plain = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync($"http://127.0.0.1:{plainPort}/")).StatusCode);
    }

    [Fact]
    public async Task AdminSslCert_IsTheCertificateServed()
    {
        var (cert, key) = WriteLoopbackCertificate("admin");
        var tlsPort = FreePorts.Next();
        await using var node = await TestNode.StartAsync(
            "--admin_listen", $"127.0.0.1:{tlsPort} ssl", "--admin_ssl_cert", cert, "--admin_ssl_cert_key", key);

        var (code, body) = await CurlAsync("--cacert", cert, $"https://127.0.0.1:{tlsPort}/services");
        Assert.True(code == 0, body);
        Assert.Contains("\"data\":", body, StringComparison.Ordinal);

        string? served = null;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    served = certificate?.GetCertHashString();
                    return true;
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"https://127.0.0.1:{tlsPort}/")).StatusCode);
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        Assert.Equal(expected.GetCertHashString(), served);
        Assert.False(File.Exists(Path.Combine(node.Prefix, "admin-default.crt")));
    }

    [Fact]
    public async Task StatusSslCert_IsTheCertificateServed()
    {
        var (cert, key) = WriteLoopbackCertificate("status");
        var statusPort = FreePorts.Next();
        await using var node = await TestNode.StartAsync(
            "--status_listen", $"127.0.0.1:{statusPort} ssl", "--status_ssl_cert", cert, "--status_ssl_cert_key", key);

        var (code, body) = await CurlAsync("--cacert", cert, $"https://127.0.0.1:{statusPort}/status");

        Assert.True(code == 0, body);
        Assert.Contains("\"cluster\":", body, StringComparison.Ordinal);
    }

    private (string Cert, string Key) WriteLoopbackCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certPath = Path.Combine(_folder, name + ".crt");
        var keyPath = Path.Combine(_folder, name + ".key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    private static async Task<(int ExitCode, string Output)> CurlAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-sS", "--max-time", "10", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
