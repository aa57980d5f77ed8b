using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>Response bodies for the fake server, laid out as spec section 4.2 describes.</summary>
internal static class FakeCqlReplies
{
    public static byte[] Authenticate(string authenticator)
    {
        var writer = new CqlWriter();
        writer.WriteString(authenticator);
        return writer.ToArray();
    }

    public static byte[] AuthSuccess()
    {
        var writer = new CqlWriter();
        writer.WriteInt(-1);
        return writer.ToArray();
    }

    public static byte[] Void()
    {
        var writer = new CqlWriter();
        writer.WriteInt(1);
        return writer.ToArray();
    }

    public static byte[] Error(int code, string message, Action<CqlWriter>? details = null)
    {
        var writer = new CqlWriter();
        writer.WriteInt(code);
        writer.WriteString(message);
        details?.Invoke(writer);
        return writer.ToArray();
    }

    public static byte[] Unprepared(byte[] id) =>
        Error(0x2500, $"Prepared query with ID {Convert.ToHexStringLower(id)} not found", w => w.WriteShortBytes(id));

    public static byte[] SchemaChange(string keyspace, string table)
    {
        var writer = new CqlWriter();
        writer.WriteInt(5);
        writer.WriteString("CREATED");
        writer.WriteString("TABLE");
        writer.WriteString(keyspace);
        writer.WriteString(table);
        return writer.ToArray();
    }

    public static byte[] Rows(IReadOnlyList<(string Name, CqlType Type)> columns, object?[][] rows, byte[]? pagingState = null)
    {
        var writer = new CqlWriter();
        writer.WriteInt(2);
        WriteMetadata(writer, columns, pagingState);
        writer.WriteInt(rows.Length);
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WriteValue(CqlValue.Of(columns[i].Type, row[i]));
            }
        }
        return writer.ToArray();
    }

    public static byte[] Prepared(byte[] id, IReadOnlyList<(string Name, CqlType Type)> bindColumns, IReadOnlyList<(string Name, CqlType Type)> resultColumns)
    {
        var writer = new CqlWriter();
        writer.WriteInt(4);
        writer.WriteShortBytes(id);
        writer.WriteInt(1);
        writer.WriteInt(bindColumns.Count);
        writer.WriteInt(0);
        writer.WriteString("ks");
        writer.WriteString("t");
        foreach (var (name, type) in bindColumns)
        {
            writer.WriteString(name);
            type.Write(writer);
        }
        WriteMetadata(writer, resultColumns, null);
        return writer.ToArray();
    }

    private static void WriteMetadata(CqlWriter writer, IReadOnlyList<(string Name, CqlType Type)> columns, byte[]? pagingState)
    {
        writer.WriteInt(0x01 | (pagingState is null ? 0 : 0x02));
        writer.WriteInt(columns.Count);
        if (pagingState is not null)
        {
            writer.WriteBytes(pagingState);
        }
        writer.WriteString("ks");
        writer.WriteString("t");
        foreach (var (name, type) in columns)
        {
            writer.WriteString(name);
            type.Write(writer);
        }
    }
}
