namespace Gateway.Storage.Migrations;

/// <summary>One schema change, applied once, in order, in its own transaction.</summary>
/// <param name="Name">The name recorded in <c>schema_migrations</c> ("000_base").</param>
/// <param name="Sql">The statements.</param>
public sealed record Migration(string Name, string Sql);
