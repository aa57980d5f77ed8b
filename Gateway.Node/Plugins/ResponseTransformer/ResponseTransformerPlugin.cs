using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Transformers;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Microsoft.Extensions.Primitives;

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
        // Kong tests presence (and takes rename values) on kong.response.get_headers(), a copy made
        // before any change: a header removed here still blocks an add, and a header renamed or added
        // here is not "present" for replace and add.
        var headers = context.Http.Response.Headers;
        var entries = config.Entries;
        var before = entries.RenameHeaders.Length + entries.ReplaceHeaders.Length + entries.AddHeaders.Length > 0
            ? new Dictionary<string, StringValues>(headers, StringComparer.OrdinalIgnoreCase)
            : null;
        foreach (var name in config.Remove.Headers)
        {
            headers.Remove(name);
        }

        foreach (var (old, @new) in entries.RenameHeaders)
        {
            if (before!.TryGetValue(old, out var value) && @new.Length > 0)
            {
                headers.Remove(old);
                headers[@new] = value;
            }
        }

        // Kong's iter turns an empty value ("name:", which the schema accepts) into nil, and
        // header_transformer skips nil values.
        foreach (var (name, value) in entries.ReplaceHeaders)
        {
            if (value.Length > 0 && before!.ContainsKey(name))
            {
                headers[name] = value;
            }
        }

        foreach (var (name, value) in entries.AddHeaders)
        {
            if (value.Length > 0 && !before!.ContainsKey(name))
            {
                headers[name] = value;
            }
        }

        foreach (var (name, value) in config.Entries.AppendHeaders)
        {
            if (value.Length > 0)
            {
                headers.Append(name, value);
            }
        }

        if (config.ChangesBody && JsonContentType.IsJson(headers.ContentType))
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
        if (!JsonContentType.IsJson(context.Http.Response.Headers.ContentType))
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

            // Materializes the properties here, where a duplicate name is caught.
            _ = parsed.Count;
            json = parsed;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
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
            // Kong renames any present value, JSON null included (cjson.null is not nil).
            if (@new.Length > 0 && json.TryGetPropertyValue(old, out var value))
            {
                json.Remove(old);
                json[@new] = value;
            }
        }

        var replace = config.Entries.ReplaceJson;
        for (var i = 0; i < replace.Length; i++)
        {
            if (LuaJson.IsTruthy(json, replace[i].Name) && Cast(replace[i].Value, config.Replace.JsonTypes, i) is { } value)
            {
                json[replace[i].Name] = value;
            }
        }

        var add = config.Entries.AddJson;
        for (var i = 0; i < add.Length; i++)
        {
            if (!LuaJson.IsTruthy(json, add[i].Name) && Cast(add[i].Value, config.Add.JsonTypes, i) is { } value)
            {
                json[add[i].Name] = value;
            }
        }

        var append = config.Entries.AppendJson;
        for (var i = 0; i < append.Length; i++)
        {
            if (Cast(append[i].Value, config.Append.JsonTypes, i) is { } value)
            {
                LuaJson.Append(json, append[i].Name, value);
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(json, Compact);
    }

    /// <summary>
    /// Kong's json_value and cast_value: an empty value is what cjson.encode(nil) gives ("null", as a
    /// string); "number" is Lua's tonumber (decimal or 0x hex; anything else, or a non-finite number,
    /// leaves the entry out); "boolean" is true only for "true".
    /// </summary>
    private static JsonNode? Cast(string value, string[] types, int index)
    {
        if (value.Length == 0)
        {
            value = "null";
        }

        return (index < types.Length ? types[index] : "string") switch
        {
            "number" => ToNumber(value.Trim()) is { } number ? JsonNode.Parse(number.ToString("R", CultureInfo.InvariantCulture)) : null,
            "boolean" => JsonValue.Create(value == "true"),
            _ => JsonValue.Create(value),
        };
    }

    private static double? ToNumber(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative || text.StartsWith('+') ? text[1..] : text;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? (negative ? -hex : hex) : null;
        }

        // Only digits, a point and an exponent: .NET would also take "Infinity" and "NaN".
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
    }
}
