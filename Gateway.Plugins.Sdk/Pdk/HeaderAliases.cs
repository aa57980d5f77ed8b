using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// Header lookups as Kong's <c>kong.request.get_headers()</c> answers them: a name not found as given is
/// tried again with its underscores as hyphens (the table's lookup metamethod), so <c>key_names =
/// ["api_key"]</c> also finds an <c>api-key</c> header (spec 09-key-auth "underscores or hyphens in key headers").
/// </summary>
public static class HeaderAliases
{
    /// <summary>The other name a configured header name is found under, or null when it has no underscore.</summary>
    public static string? For(string name) => name.Contains('_') ? name.Replace('_', '-') : null;

    /// <summary>The aliases of <paramref name="names"/>, index for index (computed once per config).</summary>
    public static string?[] For(string[] names) => [.. names.Select(For)];

    /// <summary>The header's values under <paramref name="name"/>, else under <paramref name="alias"/>; <paramref name="found"/> is the name that matched.</summary>
    public static bool TryGet(IHeaderDictionary headers, string name, string? alias, out StringValues values, out string found)
    {
        found = name;
        if (headers.TryGetValue(name, out values))
        {
            return true;
        }

        if (alias is not null && headers.TryGetValue(alias, out values))
        {
            found = alias;
            return true;
        }

        return false;
    }
}
