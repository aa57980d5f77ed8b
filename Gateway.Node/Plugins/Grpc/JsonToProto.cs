using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// JSON to protobuf's wire format over a message descriptor (C# has no dynamic message): proto3's JSON mapping
/// for what a client sends (field names as in the .proto or their JSON names, enums by name or number, 64-bit
/// integers and floats as numbers or strings, bytes as base64), Kong's Timestamp strings, and strings for bools
/// and numbers (path and query values are strings). An unknown field, a null or a value of the wrong type is a
/// <see cref="ProtoJsonException"/>. Implicit-presence fields equal to their default are left out, as protobuf does.
/// </summary>
public static class JsonToProto
{
    private const int MaxDepth = 64;

    /// <summary>A client's JSON text; a repeated property name is refused (<see cref="JsonException"/>) rather than one of its values kept.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });

    /// <summary>The wire bytes of <paramref name="json"/> as a <paramref name="type"/> message.</summary>
    public static byte[] Encode(MessageDescriptor type, JsonNode? json) => EncodeMessage(type, json, 0);

    private static byte[] EncodeMessage(MessageDescriptor type, JsonNode? json, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoJsonException("message nesting too deep");
        }

        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        if (type.FullName == ProtoTimestamps.TypeName && json is JsonValue time && time.GetValueKind() == JsonValueKind.String)
        {
            var (seconds, nanos) = ProtoTimestamps.Parse(time.GetValue<string>());
            WriteField(output, type.FindFieldByNumber(1), seconds, always: false);
            WriteField(output, type.FindFieldByNumber(2), nanos, always: false);
        }
        else if (json is JsonObject fields)
        {
            var oneofs = new HashSet<OneofDescriptor>();
            foreach (var (name, value) in fields)
            {
                var field = type.FindFieldByName(name) ?? type.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name)
                    ?? throw new ProtoJsonException($"unknown field \"{name}\" in message {type.FullName}");
                if (value is null)
                {
                    throw new ProtoJsonException($"field \"{name}\": null is not a valid value");
                }

                if (field.RealContainingOneof is { } oneof && !oneofs.Add(oneof))
                {
                    throw new ProtoJsonException($"field \"{name}\": oneof \"{oneof.Name}\" already has a value");
                }

                Write(output, field, value, depth);
            }
        }
        else
        {
            throw new ProtoJsonException($"expected an object for message {type.FullName}");
        }

        output.Flush();
        return buffer.ToArray();
    }

    private static void Write(CodedOutputStream output, FieldDescriptor field, JsonNode value, int depth)
    {
        if (field.IsMap)
        {
            if (value is not JsonObject entries)
            {
                throw new ProtoJsonException($"field \"{field.Name}\": expected an object");
            }

            var key = field.MessageType.FindFieldByNumber(1);
            var item = field.MessageType.FindFieldByNumber(2);
            foreach (var (name, entry) in entries)
            {
                using var buffer = new MemoryStream();
                var entryOutput = new CodedOutputStream(buffer);
                WriteField(entryOutput, key, Scalar(key, JsonValue.Create(name)), always: true);
                WriteSingle(entryOutput, item, entry ?? throw new ProtoJsonException($"field \"{field.Name}\": null is not a valid value"), depth, always: true);
                entryOutput.Flush();
                output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(UnsafeByteOperations.UnsafeWrap(buffer.ToArray()));
            }
        }
        else if (field.IsRepeated)
        {
            if (value is not JsonArray items)
            {
                throw new ProtoJsonException($"field \"{field.Name}\": expected an array");
            }

            if (field.IsPacked && ProtoWire.Packable(field.FieldType))
            {
                using var buffer = new MemoryStream();
                var packed = new CodedOutputStream(buffer);
                foreach (var item in items)
                {
                    WriteValue(packed, field.FieldType, Scalar(field, item ?? throw new ProtoJsonException($"field \"{field.Name}\": null is not a valid value")));
                }

                packed.Flush();
                output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(UnsafeByteOperations.UnsafeWrap(buffer.ToArray()));
                return;
            }

            foreach (var item in items)
            {
                WriteSingle(output, field, item ?? throw new ProtoJsonException($"field \"{field.Name}\": null is not a valid value"), depth, always: true);
            }
        }
        else
        {
            WriteSingle(output, field, value, depth, always: field.HasPresence);
        }
    }

    private static void WriteSingle(CodedOutputStream output, FieldDescriptor field, JsonNode value, int depth, bool always)
    {
        if (field.FieldType == FieldType.Message)
        {
            output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(EncodeMessage(field.MessageType, value, depth + 1)));
        }
        else
        {
            WriteField(output, field, Scalar(field, value), always);
        }
    }

    private static void WriteField(CodedOutputStream output, FieldDescriptor field, object value, bool always)
    {
        if (!always && IsDefault(value))
        {
            return;
        }

        output.WriteTag(field.FieldNumber, ProtoWire.WireTypeOf(field.FieldType));
        WriteValue(output, field.FieldType, value);
    }

    private static bool IsDefault(object value) => value switch
    {
        double d => d == 0 && !double.IsNegative(d),
        float f => f == 0 && !float.IsNegative(f),
        long l => l == 0,
        ulong u => u == 0,
        int i => i == 0,
        uint u => u == 0,
        bool b => !b,
        string s => s.Length == 0,
        ByteString b => b.IsEmpty,
        _ => false,
    };

    private static void WriteValue(CodedOutputStream output, FieldType type, object value)
    {
        switch (type)
        {
            case FieldType.Double: output.WriteDouble((double)value); break;
            case FieldType.Float: output.WriteFloat((float)value); break;
            case FieldType.Int64: output.WriteInt64((long)value); break;
            case FieldType.SInt64: output.WriteSInt64((long)value); break;
            case FieldType.SFixed64: output.WriteSFixed64((long)value); break;
            case FieldType.UInt64: output.WriteUInt64((ulong)value); break;
            case FieldType.Fixed64: output.WriteFixed64((ulong)value); break;
            case FieldType.Int32: output.WriteInt32((int)value); break;
            case FieldType.SInt32: output.WriteSInt32((int)value); break;
            case FieldType.SFixed32: output.WriteSFixed32((int)value); break;
            case FieldType.Enum: output.WriteEnum((int)value); break;
            case FieldType.UInt32: output.WriteUInt32((uint)value); break;
            case FieldType.Fixed32: output.WriteFixed32((uint)value); break;
            case FieldType.Bool: output.WriteBool((bool)value); break;
            case FieldType.String: output.WriteString((string)value); break;
            case FieldType.Bytes: output.WriteBytes((ByteString)value); break;
            default: throw new ProtoJsonException($"unsupported field type {type}");
        }
    }

    /// <summary>A scalar field's JSON value as the CLR value <see cref="WriteValue"/> writes.</summary>
    private static object Scalar(FieldDescriptor field, JsonNode node)
    {
        if (node is not JsonValue value)
        {
            throw new ProtoJsonException($"field \"{field.Name}\": expected a {field.FieldType.ToString().ToLowerInvariant()}, got {node.GetValueKind().ToString().ToLowerInvariant()}");
        }

        var kind = value.GetValueKind();
        var text = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        try
        {
            return field.FieldType switch
            {
                FieldType.Double => Real(text, kind),
                FieldType.Float => Single(text, kind),
                FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)Integer(text, kind, long.MinValue, long.MaxValue),
                FieldType.UInt64 or FieldType.Fixed64 => (ulong)Integer(text, kind, 0, ulong.MaxValue),
                FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Integer(text, kind, int.MinValue, int.MaxValue),
                FieldType.UInt32 or FieldType.Fixed32 => (uint)Integer(text, kind, 0, uint.MaxValue),
                FieldType.Bool => kind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String when text is "true" or "1" => true,
                    JsonValueKind.String when text is "false" or "0" => false,
                    _ => throw Bad(field, text),
                },
                FieldType.String => kind == JsonValueKind.String ? text : throw Bad(field, text),
                FieldType.Bytes => kind == JsonValueKind.String ? ByteString.CopyFrom(Base64(text)) : throw Bad(field, text),
                FieldType.Enum => kind == JsonValueKind.String && field.EnumType.FindValueByName(text) is { } named ? named.Number
                    : kind == JsonValueKind.Number ? (int)Integer(text, kind, int.MinValue, int.MaxValue)
                    : throw Bad(field, text),
                _ => throw Bad(field, text),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Bad(field, text);
        }
    }

    private static double Real(string text, JsonValueKind kind) => text switch
    {
        "NaN" when kind == JsonValueKind.String => double.NaN,
        "Infinity" when kind == JsonValueKind.String => double.PositiveInfinity,
        "-Infinity" when kind == JsonValueKind.String => double.NegativeInfinity,
        _ when kind is JsonValueKind.Number or JsonValueKind.String && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => throw new FormatException(),
    };

    /// <summary>A float: a finite double out of float's range is refused rather than made infinite.</summary>
    private static float Single(string text, JsonValueKind kind)
    {
        var d = Real(text, kind);
        var f = (float)d;
        return float.IsInfinity(f) && double.IsFinite(d) ? throw new OverflowException() : f;
    }

    private static decimal Integer(string text, JsonValueKind kind, decimal min, decimal max) =>
        kind is JsonValueKind.Number or JsonValueKind.String
        && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d)
        && d == decimal.Truncate(d) && d >= min && d <= max
            ? d
            : throw new FormatException();

    /// <summary>Standard or URL-safe base64, padded or not, as proto3's JSON mapping accepts.</summary>
    private static byte[] Base64(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='));
    }

    private static ProtoJsonException Bad(FieldDescriptor field, string text) =>
        new($"field \"{field.Name}\": invalid {field.FieldType.ToString().ToLowerInvariant()} value {text}");
}
