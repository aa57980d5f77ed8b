using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// A query string's or urlencoded form's arguments as nginx parses them for Kong (<c>ngx.req.get_uri_args</c>,
/// <c>get_post_args</c>, and so <c>kong.request.get_query</c>): split at '&amp;', '+' a space, percent-escapes
/// decoded, names exact (case-sensitive; ASP.NET's <c>Request.Query</c> merges them case-insensitively), a
/// name without '=' a flag (a null value, Lua's <c>true</c>), a repeated name several values in order, an
/// argument with an empty name not an argument. Read it as a table (<see cref="Get"/>, <see cref="ToJson"/>),
/// change it (<see cref="Set(string, string?)"/>, <see cref="Append"/>, <see cref="Remove"/>) and write it back
/// in the way of the Kong function the plugin mirrors (<see cref="QueryArgsEncoding"/>).
/// </summary>
public sealed class QueryArgs
{
    /// <summary>nginx's default cap on the arguments <c>get_uri_args</c> returns (Kong's get_query and log serializer).</summary>
    public const int NginxMaxArgs = 100;

    private readonly List<Arg> _args;

    private QueryArgs(List<Arg> args) => _args = args;

    /// <summary>The names present, each once, in the order they first came.</summary>
    public IEnumerable<string> Names => _args.Where(a => a.Name.Length > 0).Select(a => a.Name).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Parses a query ("?a=1&amp;b" or "a=1&amp;b"; one leading '?' is the separator, as nginx's <c>$args</c>
    /// starts after it). Parsing stops after <paramref name="maxArgs"/> arguments: pass
    /// <see cref="NginxMaxArgs"/> where Kong reads with nginx's default cap.
    /// </summary>
    public static QueryArgs Parse(string? query, int maxArgs = int.MaxValue) => ParseForm(WithoutSeparator(query), maxArgs);

    /// <summary>Parses an urlencoded form body ("a=1&amp;b"), as <see cref="Parse"/> does but taking a '?' as part of the first name.</summary>
    public static QueryArgs ParseForm(string? body, int maxArgs = int.MaxValue)
    {
        var args = new List<Arg>();
        var named = 0;
        foreach (var raw in (body ?? "").Split('&'))
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var equals = raw.IndexOf('=');
            var arg = equals < 0 ? new Arg(Decode(raw), null, raw) : new Arg(Decode(raw[..equals]), Decode(raw[(equals + 1)..]), raw);
            if (arg.Name.Length > 0 && ++named > maxArgs)
            {
                break;
            }

            args.Add(arg);
        }

        return new QueryArgs(args);
    }

    /// <summary>
    /// Whether <paramref name="query"/> (read as <see cref="Parse"/> reads it) has an argument named exactly
    /// <paramref name="name"/>, without parsing it all: for a check made on every request.
    /// </summary>
    public static bool HasArgument(string? query, string name)
    {
        foreach (var part in WithoutSeparator(query).Split('&'))
        {
            var equals = part.IndexOf('=');
            var raw = equals < 0 ? part : part[..equals];
            if (raw.Length > 0 && (raw.AsSpan().IndexOfAny('%', '+') < 0 ? raw : Decode(raw)) == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a name is present.</summary>
    public bool Contains(string name) => name.Length > 0 && _args.Exists(a => a.Name == name);

    /// <summary>The values of a name in order (null for a flag); empty when it is absent.</summary>
    public IReadOnlyList<string?> Get(string name) =>
        name.Length == 0 ? [] : [.. _args.Where(a => a.Name == name).Select(a => a.Value)];

    /// <summary>Sets a name to one value (null for a flag): its first argument takes it in place, the others go.</summary>
    public void Set(string name, string? value)
    {
        var first = _args.FindIndex(a => a.Name == name);
        if (first < 0)
        {
            _args.Add(new Arg(name, value, null));
            return;
        }

        _args[first] = new Arg(name, value, null);
        for (var i = _args.Count - 1; i > first; i--)
        {
            if (_args[i].Name == name)
            {
                _args.RemoveAt(i);
            }
        }
    }

    /// <summary>Sets a name to these values, in order, after the other arguments.</summary>
    public void Set(string name, IEnumerable<string?> values)
    {
        Remove(name);
        _args.AddRange(values.Select(v => new Arg(name, v, null)));
    }

    /// <summary>Adds a value (null for a flag) after the other arguments.</summary>
    public void Append(string name, string? value) => _args.Add(new Arg(name, value, null));

    /// <summary>
    /// Kong's transformers' <c>append_value</c>: a name that is only a flag (Lua's <c>true</c>) is replaced
    /// by the value; otherwise the value goes after the others.
    /// </summary>
    public void AppendValue(string name, string value)
    {
        if (Get(name) is [null])
        {
            Set(name, value);
        }
        else
        {
            Append(name, value);
        }
    }

    /// <summary>Removes every argument of a name; whether there was one.</summary>
    public bool Remove(string name) => _args.RemoveAll(a => a.Name == name) > 0;

    /// <summary>A copy without the arguments of a name, the others as they were (written back, they keep their text with <see cref="QueryArgsEncoding.AsSent"/>).</summary>
    public QueryArgs Without(string name) => new([.. _args.Where(a => a.Name != name)]);

    /// <summary>The arguments as Kong's <c>get_query</c> table in JSON: a string per name, <c>true</c> for a flag, an array for a repeated name.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, value, _) in _args)
        {
            if (name.Length == 0)
            {
                continue;
            }

            JsonNode node = value is null ? JsonValue.Create(true) : JsonValue.Create(value);
            switch (json[name])
            {
                case null when !json.ContainsKey(name):
                    json[name] = node;
                    break;
                case JsonArray array:
                    array.Add(node);
                    break;
                case var first:
                    json[name] = new JsonArray(first?.DeepClone(), node);
                    break;
            }
        }

        return json;
    }

    /// <summary>The arguments as text (no leading '?'), written as <paramref name="encoding"/> says.</summary>
    public string Encode(QueryArgsEncoding encoding)
    {
        if (encoding != QueryArgsEncoding.Sorted)
        {
            return string.Join('&', _args.Select(a => encoding == QueryArgsEncoding.AsSent && a.Raw is { } raw ? raw : Escape(a.Name, [a.Value])));
        }

        var pieces = _args.Where(a => a.Name.Length > 0).GroupBy(a => a.Name, StringComparer.Ordinal)
            .Select(g => Escape(g.Key, [.. g.Select(a => a.Value)])).ToList();
        pieces.Sort(StringComparer.Ordinal);
        return string.Join('&', pieces);
    }

    /// <summary>As <see cref="Encode"/>, as an upstream query: empty when there is no argument, else '?' and the arguments.</summary>
    public string ToQueryString(QueryArgsEncoding encoding) => Encode(encoding) is { Length: > 0 } encoded ? "?" + encoded : "";

    private static string WithoutSeparator(string? query) => query is ['?', ..] ? query[1..] : query ?? "";

    /// <summary>Decodes a query or form component: '+' is a space, then percent-escapes.</summary>
    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    /// <summary>A name's "name=value" pairs joined by '&amp;', percent-encoded; a flag is the bare name.</summary>
    private static string Escape(string name, IReadOnlyList<string?> values)
    {
        var text = new StringBuilder();
        foreach (var value in values)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(Uri.EscapeDataString(name));
            if (value is not null)
            {
                text.Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return text.ToString();
    }

    /// <summary>One argument: decoded name and value (null for a flag), and its text as sent (null once set here).</summary>
    private readonly record struct Arg(string Name, string? Value, string? Raw);
}
