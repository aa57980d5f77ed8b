using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Reads the notation types of spec section 3 from a body; running past the end is a protocol error.</summary>
public ref struct CqlReader
{
    private readonly ReadOnlySpan<byte> _source;
    private int _position;

    /// <summary>A reader at the start of <paramref name="source"/>.</summary>
    public CqlReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        _position = 0;
    }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _source.Length - _position;

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new CqlProtocolException($"message truncated: needed {count} bytes at offset {_position}, {Remaining} left");
        }
        var slice = _source.Slice(_position, count);
        _position += count;
        return slice;
    }

    /// <summary>[byte].</summary>
    public byte ReadByte() => ReadRaw(1)[0];

    /// <summary>[short] (unsigned).</summary>
    public ushort ReadShort() => BinaryPrimitives.ReadUInt16BigEndian(ReadRaw(2));

    /// <summary>[int].</summary>
    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(ReadRaw(4));

    /// <summary>[long].</summary>
    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(ReadRaw(8));

    /// <summary>[string].</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadRaw(ReadShort()));

    /// <summary>[long string].</summary>
    public string ReadLongString() => Encoding.UTF8.GetString(ReadRaw(ReadInt()));

    /// <summary>[bytes]; null when the length is negative.</summary>
    public byte[]? ReadBytes()
    {
        var length = ReadInt();
        return length < 0 ? null : ReadRaw(length).ToArray();
    }

    /// <summary>[short bytes].</summary>
    public byte[] ReadShortBytes() => ReadRaw(ReadShort()).ToArray();

    /// <summary>[uuid].</summary>
    public Guid ReadUuid() => new(ReadRaw(16), bigEndian: true);

    /// <summary>[string list].</summary>
    public IReadOnlyList<string> ReadStringList()
    {
        var count = ReadShort();
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString());
        }
        return list;
    }

    /// <summary>[string multimap], keeping the wire order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReadStringMultimap()
    {
        var count = ReadShort();
        var map = new Dictionary<string, IReadOnlyList<string>>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString();
            map[key] = ReadStringList();
        }
        return map;
    }

    /// <summary>[bytes map].</summary>
    public IReadOnlyDictionary<string, byte[]?> ReadBytesMap()
    {
        var count = ReadShort();
        var map = new Dictionary<string, byte[]?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString();
            map[key] = ReadBytes();
        }
        return map;
    }

    /// <summary>[inet]: a size byte (4 or 16), the address, then an [int] port.</summary>
    public IPEndPoint ReadInet()
    {
        var size = ReadByte();
        if (size != 4 && size != 16)
        {
            throw new CqlProtocolException($"[inet] address size must be 4 or 16, got {size}");
        }
        var address = new IPAddress(ReadRaw(size));
        var port = ReadInt();
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new CqlProtocolException($"[inet] port {port} is out of range");
        }
        return new IPEndPoint(address, port);
    }
}
