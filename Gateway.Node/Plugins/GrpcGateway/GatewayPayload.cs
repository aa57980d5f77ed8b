using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>
/// The request message as Kong's deco.lua assembles it before encoding: the path template's variables (dotted
/// field paths), then the body (every field for "*", one field otherwise) or, with no body mapping, the query
/// arguments that name a field of the message (others are dropped, as Kong does).
/// </summary>
public static class GatewayPayload
{
    /// <summary>The message as JSON; throws <see cref="System.Text.Json.JsonException"/> or <see cref="ProtoJsonException"/> on a body that does not fit.</summary>
    public static JsonObject Build(HttpBinding binding, IEnumerable<(string Field, string Value)> variables, ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var payload = new JsonObject();
        foreach (var (field, value) in variables)
        {
            Set(payload, field.Split('.'), JsonValue.Create(value));
        }

        var input = binding.Call.Method.InputType;
        if (binding.Body is { } mapping)
        {
            if (body.Length == 0)
            {
                return payload;
            }

            var decoded = JsonToProto.Parse(body);
            if (mapping != "*")
            {
                payload[mapping] = decoded;
            }
            else if (decoded is JsonObject fields)
            {
                foreach (var name in fields.Select(f => f.Key).ToArray())
                {
                    var value = fields[name];
                    fields.Remove(name);
                    payload[name] = value;
                }
            }
            else
            {
                throw new ProtoJsonException("body must be a table");
            }

            return payload;
        }

        foreach (var (name, values) in query)
        {
            var path = name.Split('.');
            if (FieldAt(input, path) is { } field)
            {
                Set(payload, path, field.IsRepeated ? new JsonArray([.. values.Select(v => JsonValue.Create(v))]) : JsonValue.Create(values[^1]));
            }
        }

        return payload;
    }

    /// <summary>The non-message field a dotted query name reaches through singular message fields, or null.</summary>
    private static FieldDescriptor? FieldAt(MessageDescriptor type, string[] path)
    {
        for (var i = 0; ; i++)
        {
            var field = type.FindFieldByName(path[i]);
            if (field is null || field.IsMap)
            {
                return null;
            }

            if (i == path.Length - 1)
            {
                return field.FieldType == FieldType.Message ? null : field;
            }

            if (field.FieldType != FieldType.Message || field.IsRepeated)
            {
                return null;
            }

            type = field.MessageType;
        }
    }

    private static void Set(JsonObject target, string[] path, JsonNode? value)
    {
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (target[path[i]] is not JsonObject next)
            {
                target[path[i]] = next = [];
            }

            target = next;
        }

        target[path[^1]] = value;
    }
}
