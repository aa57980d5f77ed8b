using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Node.Tls;

/// <summary>
/// Chooses the server certificate of each TLS handshake on the proxy's <c>ssl</c> listeners from the SNI table of
/// the config snapshot being served, falling back to the default certificate, and offers ALPN (h2 when the listener
/// has <c>http2</c>). The table is built with the snapshot; a handshake reads the current one once, lock-free.
/// </summary>
/// <remarks>
/// Proxy host use (Kestrel):
/// <code>
/// var selector = new SniCertificateSelector(() => snapshots.Current.Certificates, defaultCertificate);
/// kestrel.Listen(address, port, o =>
/// {
///     o.Protocols = HttpProtocols.Http1AndHttp2;
///     o.UseHttps(selector.CreateHandshakeOptions(o.Protocols));
/// });
/// </code>
/// </remarks>
/// <param name="currentTable">The current snapshot's table (a delegate, so that Tls/ needs nothing from Config/, which holds the snapshot).</param>
/// <param name="defaultCertificate">The certificate served when no SNI matches (prefix/default.crt).</param>
public sealed class SniCertificateSelector(Func<SniCertificateTable> currentTable, X509Certificate2 defaultCertificate)
{
    private static readonly List<SslApplicationProtocol> Http1Only = [SslApplicationProtocol.Http11];
    private static readonly List<SslApplicationProtocol> Http2First = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>The certificate served when no SNI matches (prefix/default.crt).</summary>
    public SslStreamCertificateContext Default { get; } = SslStreamCertificateContext.Create(defaultCertificate, additionalCertificates: null, offline: true);

    /// <summary>The certificate (with its chain) for a client's SNI; the default one when nothing matches.</summary>
    public SslStreamCertificateContext Select(string? serverName) => currentTable().Find(serverName) ?? Default;

    /// <summary>The leaf certificate for a client's SNI, for <c>HttpsConnectionAdapterOptions.ServerCertificateSelector</c>.</summary>
    public X509Certificate2 SelectCertificate(string? serverName) => Select(serverName).TargetCertificate;

    /// <summary>The TLS options of one handshake: the certificate for the SNI, and ALPN for the listener's protocols.</summary>
    public SslServerAuthenticationOptions CreateServerOptions(string? serverName, HttpProtocols protocols) => new()
    {
        ServerCertificateContext = Select(serverName),
        ApplicationProtocols = (protocols & HttpProtocols.Http2) != 0 ? Http2First : Http1Only,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>The TLS options of a stream listener's handshake (Kong's stream <c>ssl</c> listeners): the certificate for the SNI, no ALPN.</summary>
    public SslServerAuthenticationOptions CreateStreamOptions(string? serverName) => new()
    {
        ServerCertificateContext = Select(serverName),
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>What to pass to <c>ListenOptions.UseHttps</c> for a proxy listener with <paramref name="protocols"/>.</summary>
    public TlsHandshakeCallbackOptions CreateHandshakeOptions(HttpProtocols protocols) => new()
    {
        OnConnection = context => ValueTask.FromResult(CreateServerOptions(context.ClientHelloInfo.ServerName, protocols)),
    };
}
