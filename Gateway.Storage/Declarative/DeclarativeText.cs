using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Reads a declarative config file (YAML, or JSON, which YAML includes) into JSON nodes, and writes
/// JSON nodes back as YAML. Plain YAML scalars are typed by the YAML core schema (null, booleans,
/// integers, floats); quoted scalars are always strings.
/// </summary>
public static partial class DeclarativeText
{
    private const int MaxDepth = 64;

    private const int MaxNodesPerCharacter = 10;

    private static readonly JsonSerializerOptions JsonText = new() { AllowTrailingCommas = true };

    /// <summary>Parses YAML or JSON text into its root node.</summary>
    /// <exception cref="DeclarativeConfigException">The text is neither.</exception>
    public static JsonNode? Parse(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            try
            {
                return KongJson.Parse(text, JsonText);
            }
            catch (JsonException)
            {
                // Flow-style YAML also starts with a brace: let the YAML parser have a go and report.
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // YamlDotNet also fails so on some malformed input: its scanner with InvalidOperationException,
            // its node loader with ArgumentException ("the current event is of an unsupported type").
            throw DeclarativeConfigException.Parsing(e.Message);
        }

        // Aliases share nodes, so the converted tree can be exponentially larger than the text ("billion laughs").
        var budget = MaxNodesPerCharacter * (long)text.Length + 1_000;
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, 0, ref budget);
    }

    /// <summary>Reads a file; a missing or unreadable file is a parsing error naming it.</summary>
    public static JsonNode? ReadFile(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DeclarativeConfigException.Parsing($"cannot read {path}: {e.Message}");
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth, ref long budget)
    {
        // The JSON the parser re-reads the document as allows 64 levels, as the Admin API's JSON bodies do.
        if (depth >= MaxDepth)
        {
            throw DeclarativeConfigException.Parsing($"the document nests deeper than {MaxDepth} levels, at {node.Start}");
        }

        if (--budget < 0)
        {
            throw DeclarativeConfigException.Parsing($"aliases expand the document past {MaxNodesPerCharacter} nodes per character, at {node.Start}");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (IsMergeKey(key))
                    {
                        continue;
                    }

                    obj[key is YamlScalarNode scalar ? scalar.Value ?? "" : key.ToString()] = Convert(value, depth + 1, ref budget);
                }

                // YAML merge keys (<<: *base): merged keys never override the mapping's own.
                foreach (var (key, value) in mapping.Children.Where(c => IsMergeKey(c.Key)))
                {
                    var sources = value is YamlSequenceNode list ? list.Children : [value];
                    foreach (var source in sources)
                    {
                        if (Convert(source, depth, ref budget) is not JsonObject merged)
                        {
                            throw DeclarativeConfigException.Parsing($"a merge key needs a mapping, at {key.Start}");
                        }

                        foreach (var (name, item) in merged.ToList())
                        {
                            if (!obj.ContainsKey(name))
                            {
                                merged.Remove(name);
                                obj[name] = item;
                            }
                        }
                    }
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var child in sequence.Children)
                {
                    array.Add(Convert(child, depth + 1, ref budget));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw DeclarativeConfigException.Parsing($"unsupported YAML node at {node.Start}");
        }
    }

    private static bool IsMergeKey(YamlNode key) => key is YamlScalarNode { Style: ScalarStyle.Plain, Value: "<<" };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        // 1e999 parses as infinity, which JSON cannot hold: it stays text (and a number field refuses it).
        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    /// <summary>
    /// Writes <paramref name="node"/> as block-style YAML with keys in their given order. Strings are
    /// double-quoted (JSON escapes are valid YAML), so no value can change type on the way back in.
    /// </summary>
    public static string ToYaml(JsonObject node)
    {
        var builder = new StringBuilder();
        WriteMapping(builder, node, 0);
        return builder.ToString();
    }

    private static void WriteMapping(StringBuilder builder, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            builder.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(builder, value, indent);
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } nested:
                builder.Append('\n');
                WriteMapping(builder, nested, indent + 2);
                break;
            case JsonArray { Count: > 0 } array:
                builder.Append('\n');
                foreach (var element in array)
                {
                    builder.Append(' ', indent).Append('-');
                    if (element is JsonObject { Count: > 0 } item)
                    {
                        // The first key shares the dash's line; the rest align under it.
                        var text = new StringBuilder();
                        WriteMapping(text, item, indent + 2);
                        builder.Append(' ').Append(text.ToString(indent + 2, text.Length - indent - 2));
                    }
                    else
                    {
                        WriteValue(builder, element, indent + 2);
                    }
                }

                break;
            default:
                builder.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        _ => value.ToJsonString(ExportJson),
    };

    private static string Key(string key) => PlainKey().IsMatch(key) ? key : JsonSerializer.Serialize(key, ExportJson);

    private static readonly JsonSerializerOptions ExportJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex PlainKey();
}
