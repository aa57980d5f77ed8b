using System.Collections.Frozen;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Storage.Snapshot;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Node.Tls;

/// <summary>
/// Chooses the server certificate of each TLS handshake on the proxy's <c>ssl</c> listeners from the
/// <c>certificates</c> and <c>snis</c> of the current config snapshot, falling back to the default
/// certificate, and offers ALPN (h2 when the listener has <c>http2</c>). Rebuilds its table on every
/// snapshot swap, reusing certificates whose PEM did not change; handshakes read the table lock-free.
/// </summary>
/// <remarks>
/// Proxy host use (Kestrel):
/// <code>
/// kestrel.Listen(address, port, o =>
/// {
///     o.Protocols = HttpProtocols.Http1AndHttp2;
///     o.UseHttps(selector.CreateHandshakeOptions(o.Protocols));
/// });
/// </code>
/// </remarks>
public sealed partial class SniCertificateSelector : IDisposable
{
    private static readonly List<SslApplicationProtocol> Http1Only = [SslApplicationProtocol.Http11];
    private static readonly List<SslApplicationProtocol> Http2First = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly IDisposable? _following;
    private readonly ILogger? _logger;
    private readonly Lock _buildLock = new();
    private Dictionary<string, (string Pem, SslStreamCertificateContext Context)> _parsed = [];
    private SniCertificateTable _table = SniCertificateTable.Empty;

    /// <summary>Follows <paramref name="snapshots"/>: builds from the current one and rebuilds on every swap.</summary>
    public SniCertificateSelector(ConfigSnapshotProvider snapshots, X509Certificate2 defaultCertificate, ILogger<SniCertificateSelector>? logger = null)
        : this(defaultCertificate)
    {
        _logger = logger;
        _following = snapshots.Follow(Apply, LogRebuildFailure);
    }

    /// <summary>A selector fed only through <see cref="Apply"/>.</summary>
    public SniCertificateSelector(X509Certificate2 defaultCertificate)
    {
        Default = SslStreamCertificateContext.Create(defaultCertificate, additionalCertificates: null, offline: true);
    }

    /// <summary>The certificate served when no SNI matches (prefix/default.crt).</summary>
    public SslStreamCertificateContext Default { get; }

    /// <summary>The current table of SNI names.</summary>
    public SniCertificateTable Table => Volatile.Read(ref _table);

    /// <summary>The certificate (with its chain) for a client's SNI; the default one when nothing matches.</summary>
    public SslStreamCertificateContext Select(string? serverName) => Table.Find(serverName) ?? Default;

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

    /// <summary>What to pass to <c>ListenOptions.UseHttps</c> for a proxy listener with <paramref name="protocols"/>.</summary>
    public TlsHandshakeCallbackOptions CreateHandshakeOptions(HttpProtocols protocols) => new()
    {
        OnConnection = context => ValueTask.FromResult(CreateServerOptions(context.ClientHelloInfo.ServerName, protocols)),
    };

    /// <summary>
    /// Builds the table of <paramref name="data"/> and publishes it. A certificate that cannot be
    /// loaded is logged and its SNIs left out (they get the default certificate).
    /// </summary>
    public void Apply(ConfigData data)
    {
        lock (_buildLock)
        {
            var parsed = new Dictionary<string, (string Pem, SslStreamCertificateContext Context)>();
            foreach (var row in data["certificates"])
            {
                if (row["id"]?.GetValue<string>() is not { } id || row["cert"]?.GetValue<string>() is not { } cert || row["key"]?.GetValue<string>() is not { } key)
                {
                    continue;
                }

                var pem = cert + key;
                if (_parsed.TryGetValue(id, out var known) && known.Pem == pem)
                {
                    parsed[id] = known;
                    continue;
                }

                try
                {
                    parsed[id] = (pem, Load(cert, key));
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
                {
                    if (_logger is not null)
                    {
                        LogLoadFailure(_logger, id, e.Message);
                    }
                }
            }

            var byName = new Dictionary<string, SslStreamCertificateContext>(StringComparer.Ordinal);
            foreach (var sni in data["snis"])
            {
                var name = sni["name"]?.GetValue<string>();
                var certificate = (sni["certificate"] as JsonObject)?["id"]?.GetValue<string>();
                if (name is not null && certificate is not null && parsed.TryGetValue(certificate, out var entry))
                {
                    byName[name.ToLowerInvariant()] = entry.Context;
                }
            }

            _parsed = parsed;
            Volatile.Write(ref _table, new SniCertificateTable(byName.ToFrozenDictionary(StringComparer.Ordinal)));
        }
    }

    /// <summary>Stops following the snapshot provider.</summary>
    public void Dispose() => _following?.Dispose();

    /// <summary>Loads a PEM chain (leaf first, then intermediates) and its key.</summary>
    private static SslStreamCertificateContext Load(string certPem, string keyPem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certPem);
        if (chain.Count == 0)
        {
            throw new ArgumentException("no certificate in the PEM", nameof(certPem));
        }

        var leaf = X509Certificate2.CreateFromPem(chain[0].ExportCertificatePem(), keyPem);
        if (OperatingSystem.IsWindows())
        {
            // SChannel needs a persisted key; a PKCS#12 round trip gives it one.
            leaf = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private void LogRebuildFailure(long version, Exception exception)
    {
        if (_logger is not null)
        {
            LogRebuildFailure(_logger, version, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "[ssl] could not rebuild the SNI table for config version {Version}; the previous one stays live")]
    private static partial void LogRebuildFailure(ILogger logger, long version, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "[ssl] could not load certificate {Certificate}: {Reason}; its SNIs get the default certificate")]
    private static partial void LogLoadFailure(ILogger logger, string certificate, string reason);
}
