using Gateway.Storage.Migrations;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>An opened database store, with what its users check before trusting it.</summary>
/// <param name="Store">The store.</param>
/// <param name="Migrations">The migration log that says whether the schema is current; null for SQLite, which prepares itself (in <see cref="NotReadyReasonAsync"/>).</param>
/// <param name="Description">"PostgreSQL at host:port/database", for messages.</param>
/// <param name="IsUnavailable">Whether an error means the database did not answer (rather than refused what was asked).</param>
public sealed record DatabaseStore(IConfigStore Store, IMigrationRunner? Migrations, string Description, Func<Exception, bool> IsUnavailable)
{
    /// <summary>
    /// Why the database cannot be used yet, as a one-line answer naming the command that fixes it; null when its
    /// schema is current. A database without a migration log (SQLite) creates what it lacks here instead. Errors of a
    /// database that does not answer, or whose file is corrupt, are thrown.
    /// </summary>
    public async Task<string?> NotReadyReasonAsync(CancellationToken cancellationToken = default)
    {
        if (Migrations is null)
        {
            await Store.InitializeAsync(cancellationToken);
            return null;
        }

        var state = await Migrations.GetStateAsync(cancellationToken);
        return state.IsEmpty ? $"the database ({Description}) is empty: run 'gateway migrations bootstrap'"
            : state.Pending.Count > 0 ? $"the database ({Description}) has pending migrations ({string.Join(", ", state.Pending)}): run 'gateway migrations up'"
            : null;
    }
}
