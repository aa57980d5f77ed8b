using Gateway.Storage.Postgres;
using Npgsql;

namespace Gateway.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use (TEST_PG_* from infra/test.sh), and throw-away schemas on it
/// so that test classes running in parallel never see each other's rows.
/// </summary>
public static class PostgresTestDatabase
{
    /// <summary>The server's settings, from the environment; throws with a clear message when unset.</summary>
    public static PostgresSettings Server(string? schema = null) => new(
        Environment.GetEnvironmentVariable("TEST_PG_HOST") ?? throw new InvalidOperationException("TEST_PG_HOST is not set: run the tests through infra/test.sh"),
        int.Parse(Environment.GetEnvironmentVariable("TEST_PG_PORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
        Environment.GetEnvironmentVariable("TEST_PG_USER") ?? "gateway",
        Environment.GetEnvironmentVariable("TEST_PG_PASSWORD"),
        Environment.GetEnvironmentVariable("TEST_PG_DATABASE") ?? "gateway",
        schema);

    /// <summary>Creates an empty schema with a unique name and returns settings that work in it.</summary>
    public static async Task<PostgresSettings> CreateSchemaAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE SCHEMA {name}");
        return Server(name);
    }

    /// <summary>Drops the schema and everything in it.</summary>
    public static Task DropSchemaAsync(string name) => ExecuteAsync($"DROP SCHEMA IF EXISTS {name} CASCADE");

    /// <summary>Creates an empty database with a unique name (for node processes, whose settings have no schema).</summary>
    public static async Task<PostgresSettings> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE {name}");
        return Server() with { Database = name };
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, disconnecting whoever is left on it.</summary>
    public static Task DropDatabaseAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server().ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
