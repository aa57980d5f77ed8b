namespace Gateway.Storage.Cassandra.Store;

/// <summary>
/// The store's tables on Cassandra. The relational tables of the SQLite and PostgreSQL stores become query tables:
/// entities are clustered by id inside one partition per entity type (ids sort bytewise, as page offsets assume);
/// unique keys are one partition each so that a lightweight transaction can claim them; references are keyed by
/// their target, for cascades; tags and the change log sit in one clustered partition each (config is small).
/// </summary>
internal static class CassandraTables
{
    /// <summary>The table names, as system_schema.tables lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["entities", "unique_keys", "refs_by_target", "tags", "config_version", "change_log", "locks"];

    /// <summary>The CREATE TABLE statements, in the keyspace <paramref name="keyspace"/> (quoted).</summary>
    public static IReadOnlyList<string> Create(string keyspace) =>
    [
        $"CREATE TABLE IF NOT EXISTS {keyspace}.entities (entity text, id text, body text, PRIMARY KEY ((entity), id))",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.unique_keys (entity text, key text, value text, id text, PRIMARY KEY ((entity, key, value)))",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.refs_by_target (ref_entity text, ref_id text, entity text, field text, id text, PRIMARY KEY ((ref_entity, ref_id), entity, field, id))",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.tags (bucket int, tag text, entity text, id text, PRIMARY KEY ((bucket), tag, entity, id))",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.config_version (singleton int PRIMARY KEY, version bigint)",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.change_log (bucket int, version bigint, seq int, entity text, id text, kind text, at bigint, PRIMARY KEY ((bucket), version, seq))",
        $"CREATE TABLE IF NOT EXISTS {keyspace}.locks (name text PRIMARY KEY, owner uuid)",
    ];
}
