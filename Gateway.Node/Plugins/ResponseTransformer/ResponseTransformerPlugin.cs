using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.RequestTransformer;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

namespace Gateway.Node.Plugins.ResponseTransformer;

/// <summary>
/// Kong's response-transformer (kong/plugins/response-transformer/{handler,header_transformer,
/// body_transformer}.lua): response headers changed in the header filter; a JSON body changed in the
/// body filter (the engine buffers it only for configs with json changes, and only JSON bodies change).
/// </summary>
public sealed class ResponseTransformerPlugin : GatewayPlugin<ResponseTransformerConfig>
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public override PluginSchema Schema => ResponseTransformerSchema.Schema;

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, ResponseTransformerConfig config)
    {
        var headers = context.Http.Response.Headers;
        foreach (var name in config.Remove.Headers)
        {
            headers.Remove(name);
        }

        foreach (var (old, @new) in config.Entries.RenameHeaders)
        {
            if (headers.TryGetValue(old, out var value) && @new.Length > 0)
            {
                headers.Remove(old);
                headers[@new] = value;
            }
        }

        foreach (var (name, value) in config.Entries.ReplaceHeaders)
        {
            if (headers.ContainsKey(name))
            {
                headers[name] = value;
            }
        }

        foreach (var (name, value) in config.Entries.AddHeaders)
        {
            if (!headers.ContainsKey(name))
            {
                headers[name] = value;
            }
        }

        foreach (var (name, value) in config.Entries.AppendHeaders)
        {
            headers.Append(name, value);
        }

        if (config.ChangesBody && IsJson(headers.ContentType))
        {
            // The body is going to change.
            headers.ContentLength = null;
        }
    }

    /// <inheritdoc />
    protected override ResponseTransformerConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with
        {
            Entries = new(
                NameValue.ParseAll(read.Rename.Headers),
                NameValue.ParseAll(read.Replace.Headers),
                NameValue.ParseAll(read.Add.Headers),
                NameValue.ParseAll(read.Append.Headers),
                NameValue.ParseAll(read.Rename.Json),
                NameValue.ParseAll(read.Replace.Json),
                NameValue.ParseAll(read.Add.Json),
                NameValue.ParseAll(read.Append.Json)),
        };
    }

    /// <inheritdoc />
    public override bool NeedsBody(ResponseTransformerConfig config) => config.ChangesBody;

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> BodyFilter(PluginContext context, ResponseTransformerConfig config, ReadOnlyMemory<byte> body)
    {
        if (!IsJson(context.Http.Response.Headers.ContentType))
        {
            return body;
        }

        JsonObject json;
        try
        {
            if (JsonNode.Parse(body.Span) is not JsonObject parsed)
            {
                return body;
            }

            json = parsed;
        }
        catch (JsonException)
        {
            // Kong logs "body transform failed" and sends the body unchanged.
            return body;
        }

        foreach (var name in config.Remove.Json)
        {
            json.Remove(name);
        }

        foreach (var (old, @new) in config.Entries.RenameJson)
        {
            if (json.TryGetPropertyValue(old, out var value) && value is not null && @new.Length > 0)
            {
                json.Remove(old);
                json[@new] = value;
            }
        }

        var replace = config.Entries.ReplaceJson;
        for (var i = 0; i < replace.Length; i++)
        {
            if (json[replace[i].Name] is not null && Cast(replace[i].Value, config.Replace.JsonTypes, i) is { } value)
            {
                json[replace[i].Name] = value;
            }
        }

        var add = config.Entries.AddJson;
        for (var i = 0; i < add.Length; i++)
        {
            if (json[add[i].Name] is null && Cast(add[i].Value, config.Add.JsonTypes, i) is { } value)
            {
                json[add[i].Name] = value;
            }
        }

        var append = config.Entries.AppendJson;
        for (var i = 0; i < append.Length; i++)
        {
            if (Cast(append[i].Value, config.Append.JsonTypes, i) is { } value)
            {
                var name = append[i].Name;
                json[name] = json[name] switch
                {
                    JsonArray array => Appended(array, value),
                    null => new JsonArray(value),
                    var current => new JsonArray(current.DeepClone(), value),
                };
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(json, Compact);
    }

    /// <summary>Kong's cast_value: "number" and "boolean" json_types convert the text; a bad number is left out.</summary>
    private static JsonNode? Cast(string value, string[] types, int index) => (index < types.Length ? types[index] : "string") switch
    {
        "number" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonNode.Parse(number.ToString("R", CultureInfo.InvariantCulture))
            : null,
        "boolean" => JsonValue.Create(value == "true"),
        _ => JsonValue.Create(value),
    };

    private static JsonArray Appended(JsonArray array, JsonNode value)
    {
        var copy = (JsonArray)array.DeepClone();
        copy.Add(value);
        return copy;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase);
}
