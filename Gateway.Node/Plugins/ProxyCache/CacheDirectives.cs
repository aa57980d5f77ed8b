using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// A Cache-Control header's directives as Kong's parse_directive_header reads them (kong/tools/http.lua): split
/// at commas, each "name" or "name=value", names lower case, a later directive of the same name winning.
/// </summary>
public sealed class CacheDirectives
{
    private static readonly CacheDirectives None = new(new Dictionary<string, string?>());

    private readonly Dictionary<string, string?> _directives;

    private CacheDirectives(Dictionary<string, string?> directives) => _directives = directives;

    /// <summary>The directives of every value of the header.</summary>
    public static CacheDirectives Parse(StringValues header)
    {
        if (header.Count == 0)
        {
            return None;
        }

        var directives = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var part in string.Join(", ", header.ToArray()).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            var name = (equals < 0 ? part : part[..equals]).Trim().ToLowerInvariant();
            if (name.Length > 0)
            {
                directives[name] = equals < 0 ? null : part[(equals + 1)..];
            }
        }

        return new CacheDirectives(directives);
    }

    /// <summary>Whether the directive is present, with or without a value.</summary>
    public bool Has(string name) => _directives.ContainsKey(name);

    /// <summary>The directive's value as Lua's tonumber reads it; null when absent or not a number.</summary>
    public double? Number(string name) =>
        _directives.TryGetValue(name, out var value) && value is not null
        && double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : null;

    /// <summary>
    /// Kong's calculate_resource_ttl: s-maxage, else max-age, else Expires (the last one) less now; never below 0.
    /// </summary>
    public double ResourceTtl(StringValues expires, long now)
    {
        var maxAge = Number("s-maxage") ?? Number("max-age");
        if (maxAge is null && expires.Count > 0
            && DateTimeOffset.TryParse(expires[^1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            maxAge = at.ToUnixTimeSeconds() - now;
        }

        return Math.Max(maxAge ?? 0, 0);
    }
}
