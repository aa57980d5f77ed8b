using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>A write refused because there is no database (Kong's code 12, HTTP 405).</summary>
/// <param name="operation">Kong's verb: create, update, create or update, remove.</param>
/// <param name="entity">The entity type.</param>
public sealed class OperationUnsupportedException(string operation, string entity)
    : StoreConstraintException($"cannot {operation} '{entity}' entities when not using a database");
