namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>A column type as the protocol describes it: a code and, for collections, element types.</summary>
/// <param name="Code">The type id.</param>
/// <param name="Parameters">Element types: one for list and set, key and value for map, the fields of a tuple or UDT.</param>
/// <param name="CustomName">The class name of a custom type, or the keyspace.name of a UDT.</param>
public sealed record CqlType(CqlTypeCode Code, IReadOnlyList<CqlType> Parameters, string? CustomName = null)
{
    /// <summary>How deep <see cref="Read(ref CqlReader)"/> follows nested collection, tuple and UDT types.</summary>
    private const int MaxNesting = 64;

    /// <summary>ascii.</summary>
    public static CqlType Ascii { get; } = Simple(CqlTypeCode.Ascii);

    /// <summary>text (sent as varchar, as Cassandra 3 and 4 do).</summary>
    public static CqlType Text { get; } = Simple(CqlTypeCode.Varchar);

    /// <summary>int.</summary>
    public static CqlType Int { get; } = Simple(CqlTypeCode.Int);

    /// <summary>bigint.</summary>
    public static CqlType Bigint { get; } = Simple(CqlTypeCode.Bigint);

    /// <summary>boolean.</summary>
    public static CqlType Boolean { get; } = Simple(CqlTypeCode.Boolean);

    /// <summary>uuid.</summary>
    public static CqlType Uuid { get; } = Simple(CqlTypeCode.Uuid);

    /// <summary>timeuuid.</summary>
    public static CqlType Timeuuid { get; } = Simple(CqlTypeCode.Timeuuid);

    /// <summary>timestamp.</summary>
    public static CqlType Timestamp { get; } = Simple(CqlTypeCode.Timestamp);

    /// <summary>blob.</summary>
    public static CqlType Blob { get; } = Simple(CqlTypeCode.Blob);

    /// <summary>A type without parameters.</summary>
    public static CqlType Simple(CqlTypeCode code) => new(code, []);

    /// <summary>list&lt;element&gt;.</summary>
    public static CqlType ListOf(CqlType element) => new(CqlTypeCode.List, [element]);

    /// <summary>set&lt;element&gt;.</summary>
    public static CqlType SetOf(CqlType element) => new(CqlTypeCode.Set, [element]);

    /// <summary>map&lt;key, value&gt;.</summary>
    public static CqlType MapOf(CqlType key, CqlType value) => new(CqlTypeCode.Map, [key, value]);

    /// <summary>Parses a CQL type name: "text", "set&lt;text&gt;", "map&lt;text, bigint&gt;".</summary>
    public static CqlType Parse(string name)
    {
        var text = name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        var open = text.IndexOf('<', StringComparison.Ordinal);
        if (open < 0)
        {
            return text switch
            {
                "ascii" => Ascii,
                "text" or "varchar" => Text,
                "int" => Int,
                "bigint" => Bigint,
                "boolean" => Boolean,
                "uuid" => Uuid,
                "timeuuid" => Timeuuid,
                "timestamp" => Timestamp,
                "blob" => Blob,
                _ => throw new ArgumentException($"unsupported CQL type '{name}'", nameof(name)),
            };
        }
        if (!text.EndsWith('>'))
        {
            throw new ArgumentException($"malformed CQL type '{name}'", nameof(name));
        }
        var inner = text[(open + 1)..^1];
        return text[..open] switch
        {
            "list" => ListOf(Parse(inner)),
            "set" => SetOf(Parse(inner)),
            "map" when inner.Split(',') is [var key, var value] => MapOf(Parse(key), Parse(value)),
            _ => throw new ArgumentException($"unsupported CQL type '{name}'", nameof(name)),
        };
    }

    /// <summary>Reads an [option] type description from a result or prepared metadata.</summary>
    public static CqlType Read(ref CqlReader reader) => Read(ref reader, 0);

    private static CqlType Read(ref CqlReader reader, int depth)
    {
        // Types nest a few levels in practice; a server's 256 MiB frame of list<list<...>> must not overflow the stack.
        if (depth > MaxNesting)
        {
            throw new CqlProtocolException($"type nests deeper than {MaxNesting} levels");
        }
        var code = (CqlTypeCode)reader.ReadShort();
        switch (code)
        {
            case CqlTypeCode.Custom:
                return new CqlType(code, [], reader.ReadString());
            case CqlTypeCode.List:
            case CqlTypeCode.Set:
                return new CqlType(code, [Read(ref reader, depth + 1)]);
            case CqlTypeCode.Map:
                var key = Read(ref reader, depth + 1);
                return new CqlType(code, [key, Read(ref reader, depth + 1)]);
            case CqlTypeCode.Tuple:
                var count = reader.ReadShort();
                var elements = new List<CqlType>(count);
                for (var i = 0; i < count; i++)
                {
                    elements.Add(Read(ref reader, depth + 1));
                }
                return new CqlType(code, elements);
            case CqlTypeCode.Udt:
                var keyspace = reader.ReadString();
                var udtName = reader.ReadString();
                var fieldCount = reader.ReadShort();
                var fields = new List<CqlType>(fieldCount);
                for (var i = 0; i < fieldCount; i++)
                {
                    reader.ReadString();
                    fields.Add(Read(ref reader, depth + 1));
                }
                return new CqlType(code, fields, $"{keyspace}.{udtName}");
            default:
                return Simple(code);
        }
    }

    /// <summary>Writes the type as an [option] (the fake server in the tests uses this for metadata).</summary>
    public void Write(CqlWriter writer)
    {
        writer.WriteShort((ushort)Code);
        if (Code == CqlTypeCode.Custom)
        {
            writer.WriteString(CustomName ?? "");
        }
        if (Code == CqlTypeCode.Udt)
        {
            throw new NotSupportedException("writing a UDT type option is not supported");
        }
        if (Code == CqlTypeCode.Tuple)
        {
            writer.WriteShort((ushort)Parameters.Count);
        }
        foreach (var parameter in Parameters)
        {
            parameter.Write(writer);
        }
    }

    /// <summary>The CQL name; varchar for text, as the server and the DataStax driver name it.</summary>
    public override string ToString() => Code switch
    {
        CqlTypeCode.List => $"list<{Parameters[0]}>",
        CqlTypeCode.Set => $"set<{Parameters[0]}>",
        CqlTypeCode.Map => $"map<{Parameters[0]}, {Parameters[1]}>",
        CqlTypeCode.Tuple => $"tuple<{string.Join(", ", Parameters)}>",
        CqlTypeCode.Custom => $"'{CustomName}'",
        CqlTypeCode.Udt => CustomName ?? "udt",
        _ => Code.ToString().ToLowerInvariant(),
    };

    /// <summary>Types compare by structure.</summary>
    public bool Equals(CqlType? other) =>
        other is not null && Code == other.Code && CustomName == other.CustomName && Parameters.SequenceEqual(other.Parameters);

    /// <summary>Hash of the code and parameters.</summary>
    public override int GetHashCode() => HashCode.Combine(Code, Parameters.Count, CustomName);
}
