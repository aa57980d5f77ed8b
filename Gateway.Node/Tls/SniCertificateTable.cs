using System.Collections.Frozen;
using System.Net.Security;

namespace Gateway.Node.Tls;

/// <summary>
/// The SNI names of one config version and their certificates, looked up in Kong's order
/// (kong/runloop/certificate.lua find_certificate): the exact name, then the prefix wildcard
/// (<c>www.example.com</c> → <c>*.example.com</c>), then the suffix wildcard (→ <c>www.example.*</c>),
/// then an SNI named <c>*</c>; null when none matches (serve the default certificate).
/// </summary>
public sealed class SniCertificateTable(FrozenDictionary<string, SslStreamCertificateContext> byName)
{
    /// <summary>A table with no names.</summary>
    public static SniCertificateTable Empty { get; } = new(FrozenDictionary<string, SslStreamCertificateContext>.Empty);

    /// <summary>How many SNI names the table holds.</summary>
    public int Count => byName.Count;

    /// <summary>The certificate for <paramref name="serverName"/>, or null for the default one.</summary>
    public SslStreamCertificateContext? Find(string? serverName)
    {
        if (byName.Count == 0 || string.IsNullOrEmpty(serverName))
        {
            // Kong serves the default certificate when the client sends no SNI.
            return null;
        }

        var name = serverName.ToLowerInvariant();
        if (byName.TryGetValue(name, out var exact))
        {
            return exact;
        }

        if (PrefixWildcard(name) is { } prefix && byName.TryGetValue(prefix, out var prefixed))
        {
            return prefixed;
        }

        if (SuffixWildcard(name) is { } suffix && byName.TryGetValue(suffix, out var suffixed))
        {
            return suffixed;
        }

        return byName.GetValueOrDefault("*");
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
