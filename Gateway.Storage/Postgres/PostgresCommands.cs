using Npgsql;

namespace Gateway.Storage.Postgres;

/// <summary>Builds parameterised commands: every value goes through a positional parameter (<c>$1</c>, <c>$2</c>, ...), never into the SQL text.</summary>
internal static class PostgresCommands
{
    /// <summary>A command on <paramref name="connection"/> whose parameters <c>$1</c>.. are <paramref name="values"/> in order.</summary>
    public static NpgsqlCommand Create(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
