using Gateway.Node.Settings;
using Gateway.Storage.Postgres;

namespace Gateway.Node.Config;

/// <summary>Turns the database settings into the store's connection settings.</summary>
public static class StoreFactory
{
    /// <summary>The pg_* settings as the PostgreSQL store takes them.</summary>
    public static PostgresSettings Postgres(GatewaySettings settings) =>
        new(settings.PgHost, settings.PgPort, settings.PgUser, settings.PgPassword, settings.PgDatabase);

    /// <summary>"PostgreSQL at host:port/database", for messages.</summary>
    public static string Describe(PostgresSettings settings) => $"PostgreSQL at {settings.Host}:{settings.Port}/{settings.Database}";
}
