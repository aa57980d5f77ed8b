namespace Gateway.Storage.Migrations;

/// <summary>One schema change on Cassandra: CQL runs one statement per request, so a migration is a list of them.</summary>
/// <param name="Name">The name recorded in <c>schema_migrations</c> ("000_base").</param>
/// <param name="Statements">The statements, given the quoted keyspace; each must be safe to run twice (IF NOT EXISTS).</param>
public sealed record CassandraMigration(string Name, Func<string, IReadOnlyList<string>> Statements);
