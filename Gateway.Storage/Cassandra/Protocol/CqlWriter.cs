using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Writes the notation types of spec section 3 ([int], [string], [bytes], ...) big-endian into a growing buffer.</summary>
public sealed class CqlWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>[byte].</summary>
    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Writes raw bytes without a length prefix.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>[short]: 2-byte unsigned.</summary>
    public void WriteShort(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    /// <summary>[int]: 4-byte signed.</summary>
    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>[long]: 8-byte signed.</summary>
    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>[string]: [short] length then UTF-8.</summary>
    public void WriteString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a [string] holds at most {ushort.MaxValue} bytes, got {bytes.Length}", nameof(value));
        }
        WriteShort((ushort)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>[long string]: [int] length then UTF-8.</summary>
    public void WriteLongString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt(bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>[bytes]: [int] length then the bytes; a null is length -1.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt(bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>[bytes] with -1 for null.</summary>
    public void WriteNullableBytes(byte[]? bytes)
    {
        if (bytes is null)
        {
            WriteInt(-1);
            return;
        }
        WriteBytes(bytes);
    }

    /// <summary>[value]: [bytes] where -1 is null and -2 is "not set".</summary>
    public void WriteValue(CqlValue value)
    {
        if (value.IsUnset)
        {
            WriteInt(-2);
            return;
        }
        WriteNullableBytes(value.Bytes);
    }

    /// <summary>[short bytes]: [short] length then the bytes.</summary>
    public void WriteShortBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"[short bytes] hold at most {ushort.MaxValue} bytes", nameof(bytes));
        }
        WriteShort((ushort)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>[string list].</summary>
    public void WriteStringList(IReadOnlyCollection<string> values)
    {
        WriteShort((ushort)values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    /// <summary>[string map], in the order given.</summary>
    public void WriteStringMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var entries = map.ToList();
        WriteShort((ushort)entries.Count);
        foreach (var (key, value) in entries)
        {
            WriteString(key);
            WriteString(value);
        }
    }

    /// <summary>[string multimap], in the order given.</summary>
    public void WriteStringMultimap(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> map)
    {
        var entries = map.ToList();
        WriteShort((ushort)entries.Count);
        foreach (var (key, values) in entries)
        {
            WriteString(key);
            WriteStringList(values);
        }
    }

    /// <summary>[uuid]: 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void WriteUuid(Guid value)
    {
        value.TryWriteBytes(_buffer.GetSpan(16), bigEndian: true, out _);
        _buffer.Advance(16);
    }
}
