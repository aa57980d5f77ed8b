using System.Text;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// Query string or form arguments as Kong's Lua tables hold them: a name maps to a value, a list of
/// values, or <c>true</c> (a bare flag, held as a null value). Encodes as ngx.encode_args does for
/// kong.service.request.set_query: names sorted, repeated values in order.
/// </summary>
public sealed class QueryArgs
{
    private readonly Dictionary<string, List<string?>> _args = new(StringComparer.Ordinal);

    /// <summary>The names present.</summary>
    public IEnumerable<string> Names => _args.Keys;

    /// <summary>Parses "a=1&amp;b&amp;a=2" (a leading '?' is skipped).</summary>
    public static QueryArgs Parse(string query)
    {
        var args = new QueryArgs();
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Unescape(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? null : Unescape(pair[(equals + 1)..]);
            if (name.Length > 0)
            {
                args.Append(name, value);
            }
        }

        return args;
    }

    /// <summary>Whether a name is present.</summary>
    public bool Contains(string name) => _args.ContainsKey(name);

    /// <summary>The values of a name, or null.</summary>
    public List<string?>? Get(string name) => _args.GetValueOrDefault(name);

    /// <summary>Sets a name to one value (replacing any).</summary>
    public void Set(string name, string? value) => _args[name] = [value];

    /// <summary>Sets a name to a list of values.</summary>
    public void Set(string name, List<string?> values) => _args[name] = values;

    /// <summary>Adds a value to a name (Kong's append_value).</summary>
    public void Append(string name, string? value)
    {
        if (_args.TryGetValue(name, out var values))
        {
            values.Add(value);
        }
        else
        {
            _args[name] = [value];
        }
    }

    /// <summary>Removes a name.</summary>
    public bool Remove(string name) => _args.Remove(name);

    /// <summary>
    /// Encodes as kong.service.request.set_query does (make_ordered_args): each name's
    /// "name=value" pairs (bare names for flags) encoded as ngx.encode_args does, and those pieces
    /// sorted as strings, so "a-" comes before "a" because '-' sorts before '='.
    /// </summary>
    public string Encode()
    {
        var pieces = new List<string>(_args.Count);
        var text = new StringBuilder();
        foreach (var (name, values) in _args)
        {
            text.Clear();
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

            pieces.Add(text.ToString());
        }

        pieces.Sort(StringComparer.Ordinal);
        return string.Join('&', pieces);
    }

    /// <summary>
    /// Kong's append_value: a name that is only a flag (Lua's <c>true</c>) is replaced by the value;
    /// otherwise the value goes after the others.
    /// </summary>
    public void AppendValue(string name, string value)
    {
        if (_args.TryGetValue(name, out var values) && values is [null])
        {
            values[0] = value;
        }
        else
        {
            Append(name, value);
        }
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
