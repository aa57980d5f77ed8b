namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>A column spec of result or prepared metadata.</summary>
/// <param name="Keyspace">Keyspace of the column's table.</param>
/// <param name="Table">Table name.</param>
/// <param name="Name">Column name ("[applied]" for the LWT outcome).</param>
/// <param name="Type">Column type.</param>
public sealed record CqlColumn(string Keyspace, string Table, string Name, CqlType Type);
