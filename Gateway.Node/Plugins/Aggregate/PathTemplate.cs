using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// A backend's <c>path</c>: literal text and <c>{source.name}</c> placeholders, where the source is
/// <c>uri_captures</c>, <c>query</c>, <c>headers</c>, <c>consumer</c> (<c>id</c> or <c>username</c>) or a backend
/// named in <c>depends_on</c> (then the name is a dot path into its answer: <c>{user.address.city}</c>,
/// <c>{orders.items.0.id}</c>). Values are percent-encoded as one path segment or query value.
/// </summary>
public sealed class PathTemplate
{
    /// <summary>The sources that are not backends; a backend cannot take one of these names.</summary>
    public static readonly IReadOnlySet<string> RequestSources = new HashSet<string>(StringComparer.Ordinal) { "uri_captures", "query", "headers", "consumer" };

    private readonly Part[] _parts;

    private PathTemplate(Part[] parts) => _parts = parts;

    /// <summary>The backends whose answers the template reads.</summary>
    public IEnumerable<string> Backends => _parts.Where(p => p.Source is not null && !RequestSources.Contains(p.Source)).Select(p => p.Source!).Distinct(StringComparer.Ordinal);

    /// <summary>Parses a template, or says why it cannot (for the schema's message).</summary>
    public static PathTemplate? Parse(string text, out string? error)
    {
        var parts = new List<Part>();
        var literal = 0;
        error = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}')
            {
                error = $"unexpected '}}' at position {i + 1}";
                return null;
            }

            if (text[i] != '{')
            {
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"unclosed '{{' at position {i + 1}";
                return null;
            }

            var reference = text[(i + 1)..end];
            var dot = reference.IndexOf('.');
            if (dot <= 0 || dot == reference.Length - 1 || reference.Contains('{'))
            {
                error = $"'{{{reference}}}' is not of the form {{source.name}}";
                return null;
            }

            var source = reference[..dot];
            var name = reference[(dot + 1)..];
            if (source == "consumer" && name is not ("id" or "username"))
            {
                error = $"'{{{reference}}}': a consumer has only id and username";
                return null;
            }

            parts.Add(new Part(text[literal..i], null, null));
            parts.Add(new Part(null, source, name));
            literal = end + 1;
            i = end;
        }

        parts.Add(new Part(text[literal..], null, null));
        return new PathTemplate([.. parts.Where(p => p.Literal is not "")]);
    }

    /// <summary>
    /// The path with every placeholder filled, or null when a value is missing: an absent capture, query argument or
    /// header, no consumer, or a field the earlier answer lacks (or holds an object, an array or null).
    /// </summary>
    /// <param name="request">The client request's values.</param>
    /// <param name="answers">The parsed answers of the backends this one depends on, by name.</param>
    public string? Render(TemplateValues request, IReadOnlyDictionary<string, JsonNode?> answers)
    {
        var path = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part.Literal is { } literal)
            {
                path.Append(literal);
                continue;
            }

            var value = part.Source switch
            {
                "uri_captures" => request.Capture(part.Name!),
                "query" => request.Query(part.Name!),
                "headers" => request.Header(part.Name!),
                "consumer" => part.Name == "id" ? request.ConsumerId : request.ConsumerUsername,
                _ => Scalar(JsonPaths.Find(answers.GetValueOrDefault(part.Source!), part.Name!)),
            };
            if (value is null)
            {
                return null;
            }

            path.Append(Uri.EscapeDataString(value));
        }

        return path.ToString();
    }

    /// <summary>A string as it is, a number or boolean as JSON writes it; nothing for null, objects and arrays.</summary>
    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => null,
        }
        : null;

    private sealed record Part(string? Literal, string? Source, string? Name);
}
