using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins;

/// <summary>
/// Query strings and urlencoded forms as JSON, read as nginx's <c>get_uri_args</c> / <c>get_post_args</c> (and
/// so Kong's <c>kong.request.get_query</c>): an argument without '=' is <c>true</c>, "name=" the empty string, a
/// repeated one an array of its values in order, '+' a space, and an argument with an empty name is skipped.
/// Names are exact (case-sensitive). Used by request-termination's echo and the log record's querystring.
/// </summary>
public static class KongArgs
{
    /// <summary>Nginx's default cap on the arguments it returns.</summary>
    private const int MaxArgs = 100;

    /// <summary>Parses <paramref name="text"/> (a leading '?' is ignored) into a JSON object.</summary>
    public static JsonObject Parse(string? text)
    {
        var args = new JsonObject();
        if (string.IsNullOrEmpty(text))
        {
            return args;
        }

        var count = 0;
        foreach (var part in text.TrimStart('?').Split('&'))
        {
            var equals = part.IndexOf('=');
            var name = Unescape(equals < 0 ? part : part[..equals]);
            if (name.Length == 0)
            {
                continue;
            }

            if (++count > MaxArgs)
            {
                break;
            }

            JsonNode value = equals < 0 ? JsonValue.Create(true) : JsonValue.Create(Unescape(part[(equals + 1)..]));
            switch (args[name])
            {
                case null when !args.ContainsKey(name):
                    args[name] = value;
                    break;
                case JsonArray array:
                    array.Add(value);
                    break;
                case var first:
                    args[name] = new JsonArray(first?.DeepClone(), value);
                    break;
            }
        }

        return args;
    }

    /// <summary>Whether <paramref name="text"/> has an argument named exactly <paramref name="name"/>, without parsing it all.</summary>
    public static bool Contains(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var part in text.TrimStart('?').Split('&'))
        {
            var equals = part.IndexOf('=');
            var raw = equals < 0 ? part : part[..equals];
            if (raw.Length > 0 && (raw.AsSpan().IndexOfAny('%', '+') < 0 ? raw : Unescape(raw)) == name)
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
