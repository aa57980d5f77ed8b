using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// Protobuf's wire format to JSON over a message descriptor, as Kong's grpc plugins answer (lua-protobuf's
/// decode with its defaults, then cjson): fields by their .proto names in declaration order, enums by name,
/// implicit-presence fields that were not sent with their default values (empty arrays and objects for repeated
/// fields and maps; absent messages and unset oneof or optional fields left out), Kong's Timestamp text, and
/// proto3's JSON mapping where Lua has no rule of its own: 64-bit integers as strings, bytes as base64, NaN and
/// infinities as strings. Unknown fields are skipped; a malformed message is a <see cref="ProtoJsonException"/>.
/// </summary>
public static class ProtoToJson
{
    private const int MaxDepth = 64;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON text (UTF-8) of the <paramref name="type"/> message in <paramref name="message"/>.</summary>
    public static byte[] Decode(MessageDescriptor type, ReadOnlyMemory<byte> message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            try
            {
                WriteMessage(writer, type, UnsafeByteOperations.UnsafeWrap(message), 0);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ProtoJsonException($"invalid {type.FullName} message: {e.Message}");
            }
        }

        return buffer.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, MessageDescriptor type, ByteString data, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoJsonException("message nesting too deep");
        }

        var values = Read(type, data);
        if (type.FullName == ProtoTimestamps.TypeName)
        {
            writer.WriteStringValue(ProtoTimestamps.Format(values.TryGetValue(1, out var seconds) ? (long)seconds[^1] : 0));
            return;
        }

        writer.WriteStartObject();
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            var present = values.TryGetValue(field.FieldNumber, out var list);
            if (!present && (field.HasPresence || field.FieldType == FieldType.Message && !field.IsRepeated))
            {
                continue;
            }

            writer.WritePropertyName(field.Name);
            if (field.IsMap)
            {
                var key = field.MessageType.FindFieldByNumber(1);
                var item = field.MessageType.FindFieldByNumber(2);
                writer.WriteStartObject();
                foreach (var entry in list ?? [])
                {
                    var parts = Read(field.MessageType, (ByteString)entry);
                    var name = parts.TryGetValue(1, out var k) ? k[^1] : Default(key);
                    writer.WritePropertyName(name switch { bool b => b ? "true" : "false", IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture), _ => name.ToString()! });
                    WriteSingle(writer, item, parts.TryGetValue(2, out var v) ? v : null, depth);
                }

                writer.WriteEndObject();
            }
            else if (field.IsRepeated)
            {
                writer.WriteStartArray();
                foreach (var item in list ?? [])
                {
                    WriteSingle(writer, field, [item], depth);
                }

                writer.WriteEndArray();
            }
            else
            {
                WriteSingle(writer, field, list, depth);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>A singular value: the last one sent (messages: all of them merged), or the default.</summary>
    private static void WriteSingle(Utf8JsonWriter writer, FieldDescriptor field, List<object>? values, int depth)
    {
        if (field.FieldType == FieldType.Message)
        {
            // Protobuf merges repeated occurrences of a message field, which is what parsing them concatenated does.
            var merged = values is null ? ByteString.Empty : values.Count == 1 ? (ByteString)values[0] : ByteString.CopyFrom(values.SelectMany(v => ((ByteString)v).ToByteArray()).ToArray());
            WriteMessage(writer, field.MessageType, merged, depth + 1);
            return;
        }

        switch (values is null ? Default(field) : values[^1])
        {
            case double d: WriteReal(writer, d); break;
            case float f: WriteReal(writer, f); break;
            case long l: writer.WriteStringValue(l.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteStringValue(u.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case uint u: writer.WriteNumberValue(u); break;
            case int i when field.FieldType == FieldType.Enum:
                if (field.EnumType.FindValueByNumber(i) is { } named)
                {
                    writer.WriteStringValue(named.Name);
                }
                else
                {
                    writer.WriteNumberValue(i);
                }

                break;
            case int i: writer.WriteNumberValue(i); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case ByteString b: writer.WriteBase64StringValue(b.Span); break;
        }
    }

    private static void WriteReal(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static object Default(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Double => 0d,
        FieldType.Float => 0f,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt64 or FieldType.Fixed64 => 0UL,
        FieldType.UInt32 or FieldType.Fixed32 => 0U,
        FieldType.Bool => false,
        FieldType.String => "",
        FieldType.Bytes => ByteString.Empty,
        _ => 0,
    };

    /// <summary>The values of each known field, in the order sent; packed and unpacked repeated scalars alike.</summary>
    private static Dictionary<int, List<object>> Read(MessageDescriptor type, ByteString data)
    {
        var values = new Dictionary<int, List<object>>();
        var input = new CodedInputStream(data.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (type.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag)) is not { } field)
            {
                input.SkipLastField();
                continue;
            }

            if (!values.TryGetValue(field.FieldNumber, out var list))
            {
                values[field.FieldNumber] = list = [];
            }

            var wire = WireFormat.GetTagWireType(tag);
            if (wire == WireFormat.WireType.LengthDelimited && ProtoWire.Packable(field.FieldType))
            {
                var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
                while (!packed.IsAtEnd)
                {
                    list.Add(ReadValue(packed, field.FieldType));
                }
            }
            else if (wire != ProtoWire.WireTypeOf(field.FieldType))
            {
                throw new ProtoJsonException($"field \"{field.Name}\" of {type.FullName}: wire type {wire} does not fit {field.FieldType}");
            }
            else
            {
                list.Add(ReadValue(input, field.FieldType));
            }
        }

        return values;
    }

    private static object ReadValue(CodedInputStream input, FieldType type) => type switch
    {
        FieldType.Double => input.ReadDouble(),
        FieldType.Float => input.ReadFloat(),
        FieldType.Int64 => input.ReadInt64(),
        FieldType.SInt64 => input.ReadSInt64(),
        FieldType.SFixed64 => input.ReadSFixed64(),
        FieldType.UInt64 => input.ReadUInt64(),
        FieldType.Fixed64 => input.ReadFixed64(),
        FieldType.Int32 => input.ReadInt32(),
        FieldType.SInt32 => input.ReadSInt32(),
        FieldType.SFixed32 => input.ReadSFixed32(),
        FieldType.Enum => input.ReadEnum(),
        FieldType.UInt32 => input.ReadUInt32(),
        FieldType.Fixed32 => input.ReadFixed32(),
        FieldType.Bool => input.ReadBool(),
        FieldType.String => input.ReadString(),
        FieldType.Bytes or FieldType.Message => input.ReadBytes(),
        _ => throw new ProtoJsonException($"unsupported field type {type}"),
    };
}
