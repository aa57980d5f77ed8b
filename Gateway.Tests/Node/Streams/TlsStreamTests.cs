using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Streams;

/// <summary>
/// TLS on stream routes: terminated on an <c>ssl</c> stream listener with the certificate chosen by SNI from
/// certificates/snis, passed through untouched for tls_passthrough routes, and started by the gateway towards tls services.
/// </summary>
[Collection(StreamNodeCollection.Name)]
public sealed class TlsStreamTests(StreamNode fixture)
{
    [Fact]
    public async Task Termination_CertificateBySni_RouteBySni_BackendGetsPlaintext()
    {
        await using var backendA = StreamBackend.Start("backend-a");
        await using var backendB = StreamBackend.Start("backend-b");
        var certA = await CertificateAsync("CN=a.example", "a.example");
        var certB = await CertificateAsync("CN=b.example", "b.example");
        await fixture.Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backendA.Port}}"}""", """{"protocols":["tls"],"snis":["a.example"]}""");
        await fixture.Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backendB.Port}}"}""", """{"protocols":["tls"],"snis":["b.example"]}""");

        foreach (var (host, thumbprint, backend) in new[] { ("a.example", certA, backendA), ("b.example", certB, backendB) })
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    await using var client = await StreamClient.ConnectAsync(fixture.SslPort);
                    using var seen = await client.StartTlsAsync(host);
                    Assert.Equal(thumbprint, seen.Thumbprint);
                    Assert.Equal($"CN={host}", seen.Subject);
                    return await client.GreetingAsync() == backend.Name;
                },
                TimeSpan.FromSeconds(15),
                $"{host} terminated and routed to {backend.Name}");

            // The gateway ended TLS: the backend read the client's words as they were written.
            Assert.Contains("probe", backend.FirstBytes);
        }
    }

    [Fact]
    public async Task Termination_SniWithoutACertificate_GetsTheNodesDefaultCertificate()
    {
        await using var backend = StreamBackend.Start("backend-default");
        await fixture.Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", """{"protocols":["tls"],"snis":["nocert.example"]}""");
        using var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(
            Path.Combine(fixture.Node.Prefix, "default.crt"));

        await Eventually.HoldsAsync(
            async () =>
            {
                await using var client = await StreamClient.ConnectAsync(fixture.SslPort);
                using var seen = await client.StartTlsAsync("nocert.example");
                Assert.Equal(expected.Thumbprint, seen.Thumbprint);
                return await client.GreetingAsync() == backend.Name;
            },
            TimeSpan.FromSeconds(15),
            "nocert.example terminated with the default certificate");
    }

    [Fact]
    public async Task Passthrough_ClientSeesTheBackendsCertificate_BackendDoesTheHandshake()
    {
        await using var backend = StreamBackend.StartTls("tls-backend", "CN=pass.example");
        // A certificate of the gateway's own for the same name: a terminating gateway would show this one.
        var gatewayCertificate = await CertificateAsync("CN=pass.example", "pass.example");
        await fixture.Node.RouteAsync($$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", """{"protocols":["tls_passthrough"],"snis":["pass.example"]}""");

        await Eventually.HoldsAsync(
            async () =>
            {
                await using var client = await StreamClient.ConnectAsync(fixture.SslPort);
                using var seen = await client.StartTlsAsync("pass.example");
                Assert.NotEqual(gatewayCertificate, seen.Thumbprint);
                Assert.Equal(backend.Certificate.Thumbprint, seen.Thumbprint);
                return await client.GreetingAsync() == backend.Name;
            },
            TimeSpan.FromSeconds(15),
            "pass.example passed through to the TLS backend");

        Assert.True(backend.Handshakes >= 1, "the backend did the TLS handshake");
        Assert.Contains("probe", backend.FirstBytes);
    }

    [Fact]
    public async Task TlsService_PlainClient_BackendGetsItsDataOverTls()
    {
        await using var backend = StreamBackend.StartTls("tls-service", "CN=upstream.example");
        var port = fixture.TakePort();
        await fixture.Node.RouteAsync($$"""{"url":"tls://127.0.0.1:{{backend.Port}}"}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{port}}}]}""");
        await StreamNode.AnsweredByAsync(IPAddress.Loopback, port, backend.Name);

        await using var client = await StreamClient.ConnectAsync(port);
        Assert.Equal(backend.Name, await client.ReadLineAsync());
        await client.SendAsync("in the clear");
        client.EndSending();

        Assert.Equal("in the clear" + StreamBackend.EndMark, await client.ReadToEndAsync());
        Assert.Contains("in the clear", backend.FirstBytes);
        Assert.Equal(backend.Connections, backend.Handshakes);
    }

    /// <summary>Creates a certificate with its snis through the Admin API; returns its thumbprint.</summary>
    private async Task<string> CertificateAsync(string subject, string sni)
    {
        var (cert, key) = TestCertificates.Ecdsa(subject);
        var body = new JsonObject { ["cert"] = cert, ["key"] = key, ["snis"] = new JsonArray(sni) };
        await fixture.Node.CreateAsync("/certificates", body.ToJsonString());
        using var loaded = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(cert);
        return loaded.Thumbprint;
    }
}
