using System.Collections.Frozen;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Node.Vaults;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Tls;

/// <summary>
/// The SNI names of one config version and their certificates, looked up in Kong's order
/// (kong/runloop/certificate.lua find_certificate): the exact name, then the prefix wildcard
/// (<c>www.example.com</c> → <c>*.example.com</c>), then the suffix wildcard (→ <c>www.example.*</c>),
/// then an SNI named <c>*</c>; null when none matches (serve the default certificate). Built with the
/// config snapshot that holds it and never changed afterwards.
/// </summary>
public sealed class SniCertificateTable
{
    private readonly FrozenDictionary<string, SslStreamCertificateContext> _byName;

    /// <summary>The loaded certificates by row id, for the next build to reuse.</summary>
    private readonly FrozenDictionary<string, ServerCertificate> _byId;

    private SniCertificateTable(FrozenDictionary<string, SslStreamCertificateContext> byName, FrozenDictionary<string, ServerCertificate> byId)
    {
        _byName = byName;
        _byId = byId;
    }

    /// <summary>A table with no names.</summary>
    public static SniCertificateTable Empty { get; } = new(
        FrozenDictionary<string, SslStreamCertificateContext>.Empty, FrozenDictionary<string, ServerCertificate>.Empty);

    /// <summary>How many SNI names the table holds.</summary>
    public int Count => _byName.Count;

    /// <summary>The certificate for <paramref name="serverName"/>, or null for the default one.</summary>
    public SslStreamCertificateContext? Find(string? serverName)
    {
        if (_byName.Count == 0 || string.IsNullOrEmpty(serverName))
        {
            // Kong serves the default certificate when the client sends no SNI.
            return null;
        }

        var name = serverName.ToLowerInvariant();
        if (_byName.TryGetValue(name, out var exact))
        {
            return exact;
        }

        if (PrefixWildcard(name) is { } prefix && _byName.TryGetValue(prefix, out var prefixed))
        {
            return prefixed;
        }

        if (SuffixWildcard(name) is { } suffix && _byName.TryGetValue(suffix, out var suffixed))
        {
            return suffixed;
        }

        return _byName.GetValueOrDefault("*");
    }

    /// <summary>
    /// Builds the table of <paramref name="data"/>'s <c>certificates</c> and <c>snis</c>, reusing the certificates of
    /// <paramref name="previous"/> whose PEM did not change, with vault references resolved by <paramref name="secrets"/>.
    /// Throws, naming the certificate, when one cannot be loaded: the caller keeps the snapshot it has.
    /// </summary>
    public static SniCertificateTable Build(ConfigData data, SniCertificateTable previous, VaultSecrets? secrets = null)
    {
        var byId = new Dictionary<string, ServerCertificate>(StringComparer.Ordinal);
        foreach (var row in data["certificates"])
        {
            var id = row["id"]?.GetValue<string>() ?? throw new InvalidOperationException("a certificate row has no id");
            if (row["cert"]?.GetValue<string>() is not { } storedCert || row["key"]?.GetValue<string>() is not { } storedKey)
            {
                throw new InvalidOperationException($"certificate {id}: no cert or key");
            }

            // A pair whose reference cannot be resolved is left out (its names get the default certificate); the
            // snapshot lists why.
            if ((secrets?.Resolve(storedCert, $"certificate {id} cert") ?? storedCert) is not { } cert
                || (secrets?.Resolve(storedKey, $"certificate {id} key") ?? storedKey) is not { } key)
            {
                continue;
            }

            if (previous._byId.TryGetValue(id, out var known) && known.Pem == cert + key)
            {
                byId[id] = known;
                continue;
            }

            try
            {
                byId[id] = ServerCertificate.Load(cert, key);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException($"certificate {id}: cannot be loaded: {e.Message}", e);
            }
        }

        var byName = new Dictionary<string, SslStreamCertificateContext>(StringComparer.Ordinal);
        foreach (var sni in data["snis"])
        {
            var name = sni["name"]?.GetValue<string>();
            var certificate = (sni["certificate"] as JsonObject)?["id"]?.GetValue<string>();
            if (name is not null && certificate is not null && byId.TryGetValue(certificate, out var entry))
            {
                byName[name.ToLowerInvariant()] = entry.Context;
            }
        }

        return new SniCertificateTable(byName.ToFrozenDictionary(StringComparer.Ordinal), byId.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary><c>a.b.c</c> → <c>*.b.c</c>; null for names of fewer than three labels (Kong's produce_wild_snis).</summary>
    public static string? PrefixWildcard(string name)
    {
        var dot = name.IndexOf('.');
        return dot > 0 && name.IndexOf('.', dot + 1) > dot + 1 && !name.EndsWith('.') ? "*" + name[dot..] : null;
    }

    /// <summary><c>a.b.c</c> → <c>a.b.*</c>; null for a single label.</summary>
    public static string? SuffixWildcard(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 ? name[..(dot + 1)] + "*" : null;
    }
}
