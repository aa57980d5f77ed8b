using Microsoft.Data.Sqlite;

namespace Gateway.Storage.Sqlite;

/// <summary>Builds parameterised commands: every value goes through a parameter, never into the SQL text.</summary>
internal static class SqliteCommands
{
    /// <summary>A command on <paramref name="connection"/> with parameters named <c>$p0</c>, <c>$p1</c>, ... in order.</summary>
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$p" + i, values[i] ?? DBNull.Value);
        }

        return command;
    }
}
