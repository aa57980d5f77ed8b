using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Kong 3.0 needs a <c>~</c> in front of regex paths; files in the older formats (1.1, 2.1) have none, so
/// their route paths are migrated on load as Kong does (kong/db/declarative/migrations/route_path.lua,
/// migrate_path_280_300.lua): a path made only of <c>[a-zA-Z0-9.-_~/%]</c> is a plain prefix, anything
/// else is a regex and gets the prefix, with percent-encoded characters decoded one last time.
/// </summary>
public static partial class RoutePathMigration
{
    /// <summary>Rewrites the paths of the routes of <paramref name="root"/> (top level and nested in services) in place.</summary>
    public static void Apply(JsonObject root)
    {
        if (root["_format_version"] is not JsonValue version || version.GetValueKind() != JsonValueKind.String
            || version.GetValue<string>() is not ("1.1" or "2.1"))
        {
            return;
        }

        MigrateRoutes(root["routes"]);
        if (root["services"] is JsonArray services)
        {
            foreach (var service in services.OfType<JsonObject>())
            {
                MigrateRoutes(service["routes"]);
            }
        }
    }

    /// <summary>One path in 3.0 syntax.</summary>
    public static string Migrate(string path) => Plain().IsMatch(path) ? path : "~" + DecodePercents(path);

    private static void MigrateRoutes(JsonNode? routes)
    {
        foreach (var route in (routes as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (route["paths"] is JsonArray paths)
            {
                for (var i = 0; i < paths.Count; i++)
                {
                    if (paths[i] is JsonValue path && path.GetValueKind() == JsonValueKind.String)
                    {
                        paths[i] = Migrate(path.GetValue<string>());
                    }
                }
            }
        }
    }

    /// <summary>
    /// Decodes byte by byte, as Kong's gsub does, so multi-byte UTF-8 sequences come back whole: reserved
    /// characters stay encoded (upper-cased), regex metacharacters come back escaped, the rest decoded.
    /// </summary>
    private static string DecodePercents(string path)
    {
        var bytes = new List<byte>();
        var i = 0;
        foreach (Match match in Percent().Matches(path))
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(path[i..match.Index]));
            var code = byte.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var character = (char)code;
            var replacement = "!#$%&'()*+,/:;=?@[]".Contains(character) ? match.Value.ToUpperInvariant()
                : ".^-{}\\|".Contains(character) ? "\\" + character
                : null;
            if (replacement is null)
            {
                bytes.Add(code);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(replacement));
            }

            i = match.Index + match.Length;
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(path[i..]));
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"^[a-zA-Z0-9\.\-_~/%]*$")]
    private static partial Regex Plain();

    [GeneratedRegex("%([0-9A-Fa-f]{2})")]
    private static partial Regex Percent();
}
