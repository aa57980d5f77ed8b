namespace Gateway.Storage.Migrations;

/// <summary>
/// One database's migration log, as <c>gateway migrations</c> and node start-up see it: where it stands, how to bring
/// it up, and which failures mean the database cannot be reached rather than a refused statement.
/// </summary>
public interface IMigrationRunner
{
    /// <summary>Which migrations the database has and which it lacks.</summary>
    Task<MigrationState> GetStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates what is missing and applies every pending migration; returns the names applied.</summary>
    Task<IReadOnlyList<string>> UpAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="error"/> means the database did not answer (a one-line "cannot reach").</summary>
    bool IsUnreachable(Exception error);
}
