namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>A serialized bound value: bytes, null (length -1) or not set (length -2).</summary>
public readonly record struct CqlValue
{
    private CqlValue(byte[]? bytes, bool isUnset)
    {
        Bytes = bytes;
        IsUnset = isUnset;
    }

    /// <summary>The serialized bytes; null for a null or unset value.</summary>
    public byte[]? Bytes { get; }

    /// <summary>True for the v4 "not set" value, which leaves the column untouched.</summary>
    public bool IsUnset { get; }

    /// <summary>The null value.</summary>
    public static CqlValue Null { get; } = new(null, false);

    /// <summary>The "not set" value.</summary>
    public static CqlValue Unset { get; } = new(null, true);

    /// <summary>A value from serialized bytes.</summary>
    public static CqlValue FromBytes(byte[] bytes) => new(bytes, false);

    /// <summary>Serializes <paramref name="value"/> as <paramref name="type"/>; null gives <see cref="Null"/>, <see cref="CqlUnset"/> gives <see cref="Unset"/>.</summary>
    public static CqlValue Of(CqlType type, object? value) => value switch
    {
        null => Null,
        CqlUnset => Unset,
        _ => new(CqlValueCodec.Serialize(type, value), false),
    };
}
