namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>A schema change, from a SchemaChange result or a SCHEMA_CHANGE event.</summary>
/// <param name="ChangeType">CREATED, UPDATED or DROPPED.</param>
/// <param name="Target">KEYSPACE, TABLE, TYPE, FUNCTION or AGGREGATE.</param>
/// <param name="Keyspace">The keyspace.</param>
/// <param name="Name">The table, type, function or aggregate; "" for a keyspace.</param>
/// <param name="ArgumentTypes">Argument types of a function or aggregate.</param>
public sealed record CqlSchemaChange(string ChangeType, string Target, string Keyspace, string Name, IReadOnlyList<string> ArgumentTypes)
{
    /// <summary>Reads &lt;change_type&gt;&lt;target&gt;&lt;options&gt;.</summary>
    public static CqlSchemaChange Read(ref CqlReader reader)
    {
        var change = reader.ReadString();
        var target = reader.ReadString();
        var keyspace = reader.ReadString();
        return target switch
        {
            "KEYSPACE" => new CqlSchemaChange(change, target, keyspace, "", []),
            "TABLE" or "TYPE" => new CqlSchemaChange(change, target, keyspace, reader.ReadString(), []),
            "FUNCTION" or "AGGREGATE" => new CqlSchemaChange(change, target, keyspace, reader.ReadString(), reader.ReadStringList()),
            _ => throw new CqlProtocolException($"unknown schema change target '{target}'"),
        };
    }
}
