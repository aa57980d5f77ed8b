using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Tls;
using Gateway.Storage.Snapshot;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Node.Tls;

/// <summary>Certificates chosen by SNI on a real Kestrel TLS listener, with Kong's wildcard order and the default fallback.</summary>
public sealed class SniCertificateSelectorTests : IAsyncLifetime
{
    private readonly ConfigSnapshotProvider _snapshots = new();
    private SniCertificateSelector? _selector;
    private WebApplication? _server;
    private int _port;

    [Theory]
    [InlineData("PrefixWildcard", "www.example.com", "*.example.com")]
    [InlineData("PrefixWildcard", "a.b.example.com", "*.b.example.com")]
    [InlineData("PrefixWildcard", "example.com", null)]
    [InlineData("SuffixWildcard", "www.example.com", "www.example.*")]
    [InlineData("SuffixWildcard", "example.com", "example.*")]
    [InlineData("SuffixWildcard", "localhost", null)]
    public void WildcardForms_AreKongs(string form, string name, string? expected)
    {
        var actual = form == "PrefixWildcard" ? SniCertificateTable.PrefixWildcard(name) : SniCertificateTable.SuffixWildcard(name);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("exact.example.com", "CN=exact")]
    [InlineData("EXACT.example.com", "CN=exact")]
    [InlineData("other.example.com", "CN=prefix")]
    [InlineData("shop.example.org", "CN=suffix")]
    [InlineData("unknown.test", "CN=default")]
    [InlineData("localhost", "CN=default")]
    public async Task Handshake_ServesTheCertificateForTheSni(string sni, string subject)
    {
        await using var tls = await HandshakeAsync(sni, [SslApplicationProtocol.Http11]);

        Assert.Equal(subject, tls.RemoteCertificate!.Subject);
        Assert.Equal(SslApplicationProtocol.Http11, tls.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task Handshake_NegotiatesH2ByAlpn()
    {
        await using var tls = await HandshakeAsync("exact.example.com", [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);

        Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task HttpClient_GetsHttp2_OverTls()
    {
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.GetAsync($"https://localhost:{_port}/");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("h2 ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NewSnapshot_SwitchesCertificates_WithoutRestart()
    {
        var (cert, key) = Make("CN=replacement");
        _snapshots.Apply(Data(2, [Certificate("c0000000-0000-4000-8000-000000000009", cert, key)], [Sni("exact.example.com", "c0000000-0000-4000-8000-000000000009")]));

        await using var tls = await HandshakeAsync("exact.example.com", [SslApplicationProtocol.Http11]);
        await using var gone = await HandshakeAsync("other.example.com", [SslApplicationProtocol.Http11]);

        Assert.Equal("CN=replacement", tls.RemoteCertificate!.Subject);
        Assert.Equal("CN=default", gone.RemoteCertificate!.Subject);
    }

    [Fact]
    public void UnloadableCertificate_KeepsTheSnapshotServed_AndTheErrorNamesIt()
    {
        var snapshots = new ConfigSnapshotProvider();
        var selector = new SniCertificateSelector(() => snapshots.Current.Certificates, DefaultCertificate());
        var bad = Data(1, [Certificate("c0000000-0000-4000-8000-00000000000a", "not a pem", "not a key")], [Sni("broken.test", "c0000000-0000-4000-8000-00000000000a")]);

        var error = Assert.Throws<InvalidOperationException>(() => snapshots.Apply(bad));

        Assert.StartsWith("certificate c0000000-0000-4000-8000-00000000000a: cannot be loaded", error.Message);
        Assert.Equal(0, snapshots.Current.Version);
        Assert.Equal(0, snapshots.Current.Certificates.Count);
        Assert.Equal("CN=default", selector.SelectCertificate("broken.test").Subject);
    }

    [Fact]
    public void UnchangedPem_ReusesTheLoadedCertificate_ChangedPemLoadsAgain()
    {
        var (cert, key) = Make("CN=kept");
        var (other, otherKey) = Make("CN=changed");
        const string Id = "c0000000-0000-4000-8000-00000000000c";
        var snapshots = new ConfigSnapshotProvider();
        snapshots.Apply(Data(1, [Certificate(Id, cert, key)], [Sni("kept.test", Id)]));
        var first = snapshots.Current.Certificates.Find("kept.test");

        snapshots.Apply(Data(2, [Certificate(Id, cert, key)], [Sni("kept.test", Id), Sni("also.test", Id)]));
        Assert.Same(first, snapshots.Current.Certificates.Find("kept.test"));
        Assert.Same(first, snapshots.Current.Certificates.Find("also.test"));

        snapshots.Apply(Data(3, [Certificate(Id, other, otherKey)], [Sni("kept.test", Id)]));
        Assert.Equal("CN=changed", snapshots.Current.Certificates.Find("kept.test")!.TargetCertificate.Subject);
    }

    [Fact]
    public void StarSni_CatchesEveryOtherName()
    {
        var (cert, key) = Make("CN=star");
        var snapshots = new ConfigSnapshotProvider();
        var selector = new SniCertificateSelector(() => snapshots.Current.Certificates, DefaultCertificate());
        snapshots.Apply(Data(1, [Certificate("c0000000-0000-4000-8000-00000000000b", cert, key)], [Sni("*", "c0000000-0000-4000-8000-00000000000b")]));

        Assert.Equal("CN=star", selector.SelectCertificate("anything.test").Subject);
        Assert.Equal("CN=default", selector.SelectCertificate(null).Subject);
    }

    public async Task InitializeAsync()
    {
        var exact = Make("CN=exact");
        var prefix = Make("CN=prefix");
        var suffix = Make("CN=suffix");
        _snapshots.Apply(Data(1,
            [
                Certificate("c0000000-0000-4000-8000-000000000001", exact.Cert, exact.Key),
                Certificate("c0000000-0000-4000-8000-000000000002", prefix.Cert, prefix.Key),
                Certificate("c0000000-0000-4000-8000-000000000003", suffix.Cert, suffix.Key),
            ],
            [
                Sni("exact.example.com", "c0000000-0000-4000-8000-000000000001"),
                Sni("*.example.com", "c0000000-0000-4000-8000-000000000002"),
                Sni("shop.example.*", "c0000000-0000-4000-8000-000000000003"),
            ]));
        _selector = new SniCertificateSelector(() => _snapshots.Current.Certificates, DefaultCertificate());
        _port = Support.FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(_selector.CreateHandshakeOptions(listen.Protocols));
        }));
        _server = builder.Build();
        _server.Run(context => context.Response.WriteAsync(context.Request.Protocol == "HTTP/2" ? "h2 ok" : "h1 ok"));
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }

    private async Task<SslStream> HandshakeAsync(string sni, List<SslApplicationProtocol> alpn)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _port);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            ApplicationProtocols = alpn,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return tls;
    }

    private static X509Certificate2 DefaultCertificate()
    {
        var (cert, key) = Make("CN=default");
        return X509Certificate2.CreateFromPem(cert, key);
    }

    private static (string Cert, string Key) Make(string subject) => TestCertificates.Ecdsa(subject);

    private static JsonObject Certificate(string id, string cert, string key) => new() { ["id"] = id, ["cert"] = cert, ["key"] = key };

    private static JsonObject Sni(string name, string certificate) =>
        new() { ["name"] = name, ["certificate"] = new JsonObject { ["id"] = certificate } };

    private static ConfigData Data(long version, JsonObject[] certificates, JsonObject[] snis) =>
        new(version, new Dictionary<string, IReadOnlyList<JsonObject>> { ["certificates"] = certificates, ["snis"] = snis });
}
