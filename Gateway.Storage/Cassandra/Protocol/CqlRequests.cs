using System.Text;

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Encoders for request bodies (spec section 4.1); frame them with <see cref="CqlFrame.EncodeRequest"/>.</summary>
public static class CqlRequests
{
    /// <summary>The CQL version this client asks for in STARTUP.</summary>
    public const string CqlVersion = "3.0.0";

    /// <summary>OPTIONS: an empty body.</summary>
    public static byte[] Options() => [];

    /// <summary>STARTUP with a [string map] of options (CQL_VERSION is required).</summary>
    public static byte[] Startup(IEnumerable<KeyValuePair<string, string>> options)
    {
        var writer = new CqlWriter();
        writer.WriteStringMap(options);
        return writer.ToArray();
    }

    /// <summary>STARTUP asking for <see cref="CqlVersion"/> and no compression.</summary>
    public static byte[] Startup() => Startup([new("CQL_VERSION", CqlVersion)]);

    /// <summary>AUTH_RESPONSE carrying a SASL token as [bytes].</summary>
    public static byte[] AuthResponse(ReadOnlySpan<byte> token)
    {
        var writer = new CqlWriter();
        writer.WriteBytes(token);
        return writer.ToArray();
    }

    /// <summary>The SASL PLAIN token PasswordAuthenticator expects: NUL user NUL password (RFC 4616, no authzid).</summary>
    public static byte[] PlainSaslToken(string username, string password)
    {
        var user = Encoding.UTF8.GetBytes(username);
        var pass = Encoding.UTF8.GetBytes(password);
        var token = new byte[2 + user.Length + pass.Length];
        user.CopyTo(token, 1);
        pass.CopyTo(token, 2 + user.Length);
        return token;
    }

    /// <summary>REGISTER for event types (TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE).</summary>
    public static byte[] Register(IReadOnlyCollection<string> eventTypes)
    {
        var writer = new CqlWriter();
        writer.WriteStringList(eventTypes);
        return writer.ToArray();
    }

    /// <summary>QUERY: [long string] query then the parameters.</summary>
    public static byte[] Query(string query, CqlQueryParameters parameters)
    {
        var writer = new CqlWriter();
        writer.WriteLongString(query);
        parameters.Write(writer);
        return writer.ToArray();
    }

    /// <summary>PREPARE: the query as a [long string] (v4 has no PREPARE flags).</summary>
    public static byte[] Prepare(string query)
    {
        var writer = new CqlWriter();
        writer.WriteLongString(query);
        return writer.ToArray();
    }

    /// <summary>EXECUTE: [short bytes] prepared id then the parameters.</summary>
    public static byte[] Execute(ReadOnlySpan<byte> preparedId, CqlQueryParameters parameters)
    {
        var writer = new CqlWriter();
        writer.WriteShortBytes(preparedId);
        parameters.Write(writer);
        return writer.ToArray();
    }

    /// <summary>BATCH (spec 4.1.7): type, entries, consistency, flags, then serial consistency and timestamp if given.</summary>
    public static byte[] Batch(
        CqlBatchType type,
        IReadOnlyList<CqlBatchEntry> entries,
        CqlConsistency consistency,
        CqlConsistency? serialConsistency = null,
        long? defaultTimestamp = null)
    {
        var writer = new CqlWriter();
        writer.WriteByte((byte)type);
        writer.WriteShort((ushort)entries.Count);
        foreach (var entry in entries)
        {
            if (entry.PreparedId is { } id)
            {
                writer.WriteByte(1);
                writer.WriteShortBytes(id);
            }
            else
            {
                writer.WriteByte(0);
                writer.WriteLongString(entry.Query ?? throw new ArgumentException("a batch entry needs a query or a prepared id"));
            }
            writer.WriteShort((ushort)entry.Values.Count);
            foreach (var value in entry.Values)
            {
                writer.WriteValue(value);
            }
        }
        writer.WriteShort((ushort)consistency);
        byte flags = 0;
        if (serialConsistency is not null)
        {
            flags |= 0x10;
        }
        if (defaultTimestamp is not null)
        {
            flags |= 0x20;
        }
        writer.WriteByte(flags);
        if (serialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }
        if (defaultTimestamp is { } timestamp)
        {
            writer.WriteLong(timestamp);
        }
        return writer.ToArray();
    }
}
