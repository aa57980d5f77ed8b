using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>Where the PostgreSQL store lives: the pg_* settings, plus a schema for tests that share one database.</summary>
/// <param name="Host">pg_host.</param>
/// <param name="Port">pg_port.</param>
/// <param name="User">pg_user.</param>
/// <param name="Password">pg_password, or null.</param>
/// <param name="Database">pg_database.</param>
/// <param name="Schema">The schema to work in (search_path); null for the user's default.</param>
public sealed record PostgresSettings(string Host, int Port, string User, string? Password, string Database, string? Schema = null)
{
    /// <summary>The Npgsql connection string. Short timeouts: a node must notice a database that went away quickly.</summary>
    public string ConnectionString
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = Host,
                Port = Port,
                Username = User,
                Password = string.IsNullOrEmpty(Password) ? null : Password,
                Database = Database,
                Timeout = 3,
                CommandTimeout = 15,
                ApplicationName = "gateway",
                MaxPoolSize = 50,
            };
            if (Schema is not null)
            {
                builder.SearchPath = Schema;
            }

            return builder.ConnectionString;
        }
    }

    /// <summary>A data source (connection pool) on these settings.</summary>
    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);
}
