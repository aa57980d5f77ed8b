using Gateway.Storage.Migrations;
using Gateway.Storage.Store;

namespace Gateway.Node.Config;

/// <summary>An opened database store, with what its users check before trusting it.</summary>
/// <param name="Store">The store.</param>
/// <param name="Migrations">The migration log that says whether the schema is current; null for SQLite, which prepares itself.</param>
/// <param name="Description">"PostgreSQL at host:port/database", for messages.</param>
/// <param name="IsUnavailable">Whether an error means the database did not answer (rather than refused what was asked).</param>
public sealed record DatabaseStore(IConfigStore Store, IMigrationRunner? Migrations, string Description, Func<Exception, bool> IsUnavailable);
