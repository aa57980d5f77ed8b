using System.Text;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// A request-transformer value with Kong's <c>$(...)</c> templates, parsed once. The expressions
/// supported are the ones Kong documents: <c>headers.name</c>, <c>query_params.name</c>,
/// <c>uri_captures.name</c> (or <c>[n]</c>, <c>["name"]</c>), <c>shared.name</c>, each with an optional
/// <c>or 'default'</c>, and a quoted string, <c>$('$(not a template)')</c>, which is Kong's documented
/// way to send "$(...)" as is. Anything else is not Lua here: it is sent as written.
/// </summary>
public sealed partial class TransformerTemplate
{
    private readonly object[] _parts;

    private TransformerTemplate(object[] parts)
    {
        _parts = parts;
    }

    /// <summary>Whether the value holds no template (render returns it as is).</summary>
    public bool IsLiteral => _parts.Length == 1 && _parts[0] is string;

    /// <summary>Parses a value.</summary>
    public static TransformerTemplate Parse(string value)
    {
        var parts = new List<object>();
        var last = 0;
        foreach (Match match in ExpressionPattern().Matches(value))
        {
            if (match.Index > last)
            {
                parts.Add(value[last..match.Index]);
            }

            if (match.Groups["literal"].Success)
            {
                parts.Add(match.Groups["literal"].Value);
                last = match.Index + match.Length;
                continue;
            }

            parts.Add(new Expression(match.Groups["source"].Value, match.Groups["key"].Value.Trim('"', '\''), match.Groups["default"].Success ? match.Groups["default"].Value : null, match.Value));
            last = match.Index + match.Length;
        }

        if (last < value.Length || parts.Count == 0)
        {
            parts.Add(value[last..]);
        }

        return new TransformerTemplate([.. parts]);
    }

    /// <summary>Whether an expression reads the request headers (<c>$(headers...)</c>).</summary>
    public bool UsesHeaders => _parts.Any(p => p is Expression { Source: "headers" });

    /// <summary>The value for this request.</summary>
    public string Render(PluginContext context)
    {
        if (IsLiteral)
        {
            return (string)_parts[0];
        }

        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            text.Append(part is Expression expression ? expression.Evaluate(context) : (string)part);
        }

        return text.ToString();
    }

    [GeneratedRegex("""\$\(\s*(?:(?<source>headers|query_params|uri_captures|shared)\s*(?:\.(?<key>[A-Za-z_][A-Za-z0-9_]*)|\[\s*(?<key>"[^"]*"|'[^']*'|\d+)\s*\])\s*(?:or\s+(?:"(?<default>[^"]*)"|'(?<default>[^']*)'))?|"(?<literal>[^"]*)"|'(?<literal>[^']*)')\s*\)""")]
    private static partial Regex ExpressionPattern();

    private sealed record Expression(string Source, string Key, string? Default, string Text)
    {
        public string Evaluate(PluginContext context)
        {
            string? value = Source switch
            {
                // Kong's headers table: lower case, '_' and '-' alike.
                "headers" => TemplateHeaders.Get(context) is var headers && (headers.TryGetValue(Key.Replace('_', '-'), out var h) || headers.TryGetValue(Key, out h)) ? h.ToString() : null,
                "query_params" => TemplateQuery.Get(context, Key),
                "uri_captures" => int.TryParse(Key, out var n)
                    ? (n < context.UriCaptures.Count ? context.UriCaptures[n] : null)
                    : context.NamedUriCaptures.GetValueOrDefault(Key),
                _ => context.Shared.TryGetValue(Key, out var s) ? s?.ToString() : null,
            };
            return value ?? Default ?? "";
        }
    }
}
