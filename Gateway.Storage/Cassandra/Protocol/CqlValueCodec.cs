using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>
/// Serializes and deserializes cell values (spec section 6). CLR forms: ascii/text string, int int, bigint long,
/// boolean bool, uuid/timeuuid Guid, timestamp DateTimeOffset (long milliseconds accepted), blob byte[],
/// list and set a list of elements, map a dictionary. Other types are kept as their raw bytes.
/// </summary>
public static class CqlValueCodec
{
    private static readonly long MinTimestamp = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    private static readonly long MaxTimestamp = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The value bytes of <paramref name="value"/> as <paramref name="type"/>, without a length prefix.</summary>
    public static byte[] Serialize(CqlType type, object value)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Ascii:
                var ascii = AsString(type, value);
                if (ascii.Any(c => c > 0x7F))
                {
                    throw new ArgumentException($"ascii value contains a non-ASCII character: '{ascii}'");
                }
                return Encoding.ASCII.GetBytes(ascii);
            case CqlTypeCode.Varchar:
            case CqlTypeCode.Text:
                return Encoding.UTF8.GetBytes(AsString(type, value));
            case CqlTypeCode.Int:
                var i = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(i, value switch
                {
                    int v => v,
                    short or byte or sbyte or ushort => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
                    long v when v is >= int.MinValue and <= int.MaxValue => (int)v,
                    _ => throw Mismatch(type, value),
                });
                return i;
            case CqlTypeCode.Bigint:
            case CqlTypeCode.Counter:
                var l = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(l, value switch
                {
                    long v => v,
                    int v => v,
                    short or byte or sbyte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw Mismatch(type, value),
                });
                return l;
            case CqlTypeCode.Boolean:
                return value is bool b ? [b ? (byte)1 : (byte)0] : throw Mismatch(type, value);
            case CqlTypeCode.Uuid:
            case CqlTypeCode.Timeuuid:
                var guid = value switch
                {
                    Guid g => g,
                    string s when Guid.TryParse(s, out var parsed) => parsed,
                    _ => throw Mismatch(type, value),
                };
                if (type.Code == CqlTypeCode.Timeuuid && guid.Version != 1)
                {
                    throw new ArgumentException($"timeuuid must be a version 1 uuid, got version {guid.Version}: {guid}");
                }
                return guid.ToByteArray(bigEndian: true);
            case CqlTypeCode.Timestamp:
                var t = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(t, value switch
                {
                    DateTimeOffset d => d.ToUnixTimeMilliseconds(),
                    DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime()).ToUnixTimeMilliseconds(),
                    long ms => ms,
                    int ms => ms,
                    _ => throw Mismatch(type, value),
                });
                return t;
            case CqlTypeCode.List:
            case CqlTypeCode.Set:
                if (value is string || value is not IEnumerable items)
                {
                    throw Mismatch(type, value);
                }
                return SerializeCollection(type.Parameters[0], items.Cast<object?>().ToList());
            case CqlTypeCode.Map:
                return SerializeMap(type, value);
            default:
                return value is byte[] raw ? raw : throw Mismatch(type, value);
        }
    }

    /// <summary>The CLR value of <paramref name="bytes"/> as <paramref name="type"/>.</summary>
    public static object Deserialize(CqlType type, ReadOnlySpan<byte> bytes)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Ascii:
            case CqlTypeCode.Varchar:
            case CqlTypeCode.Text:
                return Encoding.UTF8.GetString(bytes);
            case CqlTypeCode.Int:
                return BinaryPrimitives.ReadInt32BigEndian(Exact(type, bytes, 4));
            case CqlTypeCode.Bigint:
            case CqlTypeCode.Counter:
                return BinaryPrimitives.ReadInt64BigEndian(Exact(type, bytes, 8));
            case CqlTypeCode.Boolean:
                return Exact(type, bytes, 1)[0] != 0;
            case CqlTypeCode.Uuid:
            case CqlTypeCode.Timeuuid:
                return new Guid(Exact(type, bytes, 16), bigEndian: true);
            case CqlTypeCode.Timestamp:
                return Timestamp(BinaryPrimitives.ReadInt64BigEndian(Exact(type, bytes, 8)));
            case CqlTypeCode.List:
            case CqlTypeCode.Set:
                return DeserializeCollection(type.Parameters[0], bytes);
            case CqlTypeCode.Map:
                return DeserializeMap(type, bytes);
            default:
                return bytes.ToArray();
        }
    }

    private static byte[] SerializeCollection(CqlType element, List<object?> items)
    {
        var writer = new CqlWriter();
        writer.WriteInt(items.Count);
        foreach (var item in items)
        {
            writer.WriteBytes(Serialize(element, item ?? throw new ArgumentException("collections cannot hold null elements")));
        }
        return writer.ToArray();
    }

    private static byte[] SerializeMap(CqlType type, object value)
    {
        var entries = new List<(object Key, object Value)>();
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                entries.Add((entry.Key, entry.Value ?? throw new ArgumentException("maps cannot hold null values")));
            }
        }
        else if (value is IEnumerable<KeyValuePair<object, object>> pairs)
        {
            entries.AddRange(pairs.Select(p => (p.Key, p.Value)));
        }
        else
        {
            throw Mismatch(type, value);
        }
        var writer = new CqlWriter();
        writer.WriteInt(entries.Count);
        foreach (var (key, entryValue) in entries)
        {
            writer.WriteBytes(Serialize(type.Parameters[0], key));
            writer.WriteBytes(Serialize(type.Parameters[1], entryValue));
        }
        return writer.ToArray();
    }

    private static List<object?> DeserializeCollection(CqlType element, ReadOnlySpan<byte> bytes)
    {
        var reader = new CqlReader(bytes);
        var count = reader.ReadInt();
        // Each element takes at least its 4-byte length: a count past that is the server's error, not an allocation.
        var list = new List<object?>(Math.Clamp(count, 0, reader.Remaining / 4));
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadElement(element, ref reader));
        }
        return list;
    }

    private static Dictionary<object, object?> DeserializeMap(CqlType type, ReadOnlySpan<byte> bytes)
    {
        var reader = new CqlReader(bytes);
        var count = reader.ReadInt();
        var map = new Dictionary<object, object?>(Math.Clamp(count, 0, reader.Remaining / 8));
        for (var i = 0; i < count; i++)
        {
            var key = ReadElement(type.Parameters[0], ref reader) ?? throw new CqlProtocolException("map key is null");
            map[key] = ReadElement(type.Parameters[1], ref reader);
        }
        return map;
    }

    private static object? ReadElement(CqlType type, ref CqlReader reader)
    {
        var length = reader.ReadInt();
        return length < 0 ? null : Deserialize(type, reader.ReadRaw(length));
    }

    /// <summary>A CQL timestamp; one outside what <see cref="DateTimeOffset"/> holds (years 1 to 9999) is refused.</summary>
    private static DateTimeOffset Timestamp(long milliseconds) =>
        milliseconds >= MinTimestamp && milliseconds <= MaxTimestamp
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : throw new CqlProtocolException($"timestamp {milliseconds} ms is outside years 1 to 9999");

    private static string AsString(CqlType type, object value) => value as string ?? throw Mismatch(type, value);

    private static ReadOnlySpan<byte> Exact(CqlType type, ReadOnlySpan<byte> bytes, int size) =>
        bytes.Length == size ? bytes : throw new CqlProtocolException($"a {type} value must be {size} bytes, got {bytes.Length}");

    private static ArgumentException Mismatch(CqlType type, object value) =>
        new($"cannot serialize a {value.GetType().Name} as CQL {type}");
}
