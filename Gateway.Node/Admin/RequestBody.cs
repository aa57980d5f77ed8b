using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Gateway.Schema;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Node.Admin;

/// <summary>
/// Reads an Admin API request body into a JSON object: JSON as it is; form-urlencoded and multipart
/// decoded as Kong's kong/api/arguments.lua does (<c>config.key_names[1]=apikey</c>,
/// <c>paths[]=/a</c>, repeated keys) and typed by the entity's schema, so that <c>port=80</c> is a number.
/// </summary>
public static class RequestBody
{
    /// <summary>The nesting JSON bodies are parsed with (System.Text.Json's default), and form keys are held to.</summary>
    private const int MaxDepth = 64;

    /// <summary>Reads the body; an empty body is an empty object.</summary>
    /// <exception cref="AdminException">
    /// 400 for unparsable JSON or form data and for a NUL in it (<see cref="NulCharacters"/>), 415 for another content type,
    /// and <see cref="BodyReader"/>'s refusals.
    /// </exception>
    public static async Task<JsonObject> ReadAsync(HttpContext context, EntitySchema? schema, SchemaRegistry registry, BodyLimits limits)
    {
        var body = await ParseAsync(context, schema, registry, limits);
        context.Features.Set(new AdminRequestBody(body));
        NulCharacters.Refuse(body);
        return body;
    }

    private static async Task<JsonObject> ParseAsync(HttpContext context, EntitySchema? schema, SchemaRegistry registry, BodyLimits limits)
    {
        var request = context.Request;
        var bytes = await BodyReader.ReadAsync(context, limits);
        if (request.HasFormContentType)
        {
            var form = await ReadFormAsync(context);
            var decoded = Decode(form.SelectMany(pair => pair.Value.Select(v => (pair.Key, v ?? ""))));
            return schema is null ? decoded : Infer(decoded, FieldsOf(schema, decoded, registry));
        }

        if (bytes.IsEmpty)
        {
            return [];
        }

        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw AdminException.WithMessage(415, "Unsupported Content-Type: use application/json, application/x-www-form-urlencoded or multipart/form-data");
        }

        return ParseJson(bytes.Span) as JsonObject ?? throw CannotParseJson();
    }

    /// <summary>A JSON body by Kong's rules (<see cref="KongJson"/>): the last of a repeated key wins; invalid text is a 400.</summary>
    /// <exception cref="AdminException">400 "Cannot parse JSON body".</exception>
    public static JsonNode? ParseJson(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return KongJson.Parse(utf8);
        }
        catch (JsonException)
        {
            throw CannotParseJson();
        }
    }

    /// <summary>A form body already read by <see cref="BodyReader"/>.</summary>
    /// <exception cref="AdminException">400 "Cannot parse form body".</exception>
    public static async Task<IFormCollection> ReadFormAsync(HttpContext context)
    {
        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The body is in memory: an IOException is a multipart body that ends before its last boundary.
            throw AdminException.WithMessage(400, "Cannot parse form body");
        }
    }

    private static AdminException CannotParseJson() => AdminException.WithMessage(400, "Cannot parse JSON body");

    /// <summary>Turns flat form pairs into a nested object: dots make records, brackets make arrays.</summary>
    public static JsonObject Decode(IEnumerable<(string Key, string Value)> pairs)
    {
        var root = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            var path = SplitKey(key);
            if (path.Count == 0)
            {
                continue;
            }

            // As deep as a JSON body may nest: a.a.a... past that could not be written back as JSON.
            if (path.Count > MaxDepth)
            {
                throw AdminException.WithMessage(400, "Cannot parse form body");
            }

            JsonNode container = root;
            for (var i = 0; i < path.Count; i++)
            {
                var last = i == path.Count - 1;
                var (name, index) = path[i];
                var obj = (JsonObject)container;
                if (index is null)
                {
                    if (last)
                    {
                        // A repeated key becomes an array, as in Kong.
                        obj[name] = obj[name] switch
                        {
                            null => JsonValue.Create(value),
                            JsonArray existing => Append(existing, value),
                            var single => new JsonArray(single.DeepClone(), JsonValue.Create(value)),
                        };
                    }
                    else
                    {
                        container = obj[name] as JsonObject ?? (JsonNode)(obj[name] = new JsonObject());
                    }

                    continue;
                }

                var array = obj[name] as JsonArray ?? (JsonArray)(obj[name] = new JsonArray());
                var position = index == -1 ? array.Count : index.Value;
                while (array.Count <= position)
                {
                    array.Add(null);
                }

                if (last)
                {
                    array[position] = JsonValue.Create(value);
                }
                else
                {
                    container = array[position] as JsonObject ?? (JsonNode)(array[position] = new JsonObject());
                }
            }
        }

        return root;
    }

    private static JsonArray Append(JsonArray array, string value)
    {
        array.Add(JsonValue.Create(value));
        return array;
    }

    /// <summary>Splits <c>config.names[2]</c> into (config), (names, index 1); <c>a[]</c> appends (index -1).</summary>
    private static List<(string Name, int? Index)> SplitKey(string key)
    {
        var parts = new List<(string, int?)>();
        foreach (var segment in key.Split('.'))
        {
            var bracket = segment.IndexOf('[');
            if (bracket < 0 || !segment.EndsWith(']'))
            {
                parts.Add((segment, null));
                continue;
            }

            var name = segment[..bracket];
            var inside = segment[(bracket + 1)..^1];
            // No form carries more values than the form reader takes, so no index needs to be larger: a
            // larger one stays part of the key (and is an unknown field) instead of padding an array.
            int? index = inside.Length == 0 ? -1
                : int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= FormReader.DefaultValueCountLimit ? n - 1 : null;
            parts.Add(index is null ? (segment, null) : (name, index));
        }

        return parts;
    }

    private static IReadOnlyList<Field> FieldsOf(EntitySchema schema, JsonObject input, SchemaRegistry registry)
    {
        if (schema.SubschemaKey is { } key && schema.SubschemaField is { } sub
            && input[key] is JsonValue name && name.TryGetValue<string>(out var pluginName)
            && registry.FindPlugin(pluginName) is { } plugin)
        {
            return [.. schema.Fields.Select(f => f.Name == sub ? plugin.Config with { Name = sub } : f)];
        }

        return schema.Fields;
    }

    /// <summary>Gives form strings the types the schema expects; what cannot be converted is left for validation to reject.</summary>
    private static JsonObject Infer(JsonObject input, IReadOnlyList<Field> fields)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in input)
        {
            var field = fields.FirstOrDefault(f => f.Name == key);
            typed[key] = field is null || value is null ? value?.DeepClone() : Infer(field, value);
        }

        return typed;
    }

    private static JsonNode? Infer(Field field, JsonNode value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        switch (field.Type)
        {
            case FieldType.Integer or FieldType.Number when text is not null:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? (number == Math.Floor(number) && Math.Abs(number) < 1e15 ? JsonValue.Create((long)number) : JsonValue.Create(number))
                    : value.DeepClone();
            case FieldType.Boolean when text is not null:
                return text switch { "true" => JsonValue.Create(true), "false" => JsonValue.Create(false), _ => value.DeepClone() };
            case FieldType.Array or FieldType.Set:
                var items = value switch
                {
                    JsonArray array => array.Where(e => e is not null).ToList(),
                    _ when text == "" => [],
                    _ => [value],
                };
                return new JsonArray([.. items.Select(e => field.Elements is null ? e!.DeepClone() : Infer(field.Elements, e!))]);
            case FieldType.Record when value is JsonObject record:
                return Infer(record, field.Fields ?? []);
            case FieldType.Map when value is JsonObject map:
                var values = new JsonObject();
                foreach (var (k, entry) in map)
                {
                    values[k] = entry is null || field.Values is null ? entry?.DeepClone() : Infer(field.Values, entry);
                }

                return values;
            default:
                return value.GetValueKind() == JsonValueKind.String && text == "" && field.Type != FieldType.String
                    ? null
                    : value.DeepClone();
        }
    }
}
