using System.Text.Json.Nodes;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Loads a validated declarative config into a database, as <c>kong config db_import</c>: every entity
/// is upserted by id, parents before children. Entities already stored exactly as the file says are
/// left alone, so importing the same file twice changes nothing the second time (not even the config
/// version). Nothing is deleted: entities the file does not mention stay.
/// </summary>
public static class DeclarativeImporter
{
    /// <summary>
    /// Upserts every entity of <paramref name="config"/>; returns how many were written and how many were already
    /// current, or, when the database refused a row (a name taken by another id), the refusal; the rows before it stay.
    /// </summary>
    /// <param name="store">The database.</param>
    /// <param name="config">The config to import.</param>
    /// <param name="stamp">The request its audit records name, when the store keeps an audit log.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    public static async Task<ImportResult> ImportAsync(IConfigStore store, DeclarativeConfig config, AuditStamp? stamp = null, CancellationToken cancellationToken = default)
    {
        int written = 0, unchanged = 0;
        foreach (var (entity, rows) in config.Entities)
        {
            foreach (var row in rows)
            {
                var current = await store.GetAsync(entity, row["id"]!.GetValue<string>(), cancellationToken);
                if (current is not null && JsonNode.DeepEquals(current, row))
                {
                    unchanged++;
                    continue;
                }

                var result = await store.UpsertAsync(entity, (JsonObject)row.DeepClone(), stamp, cancellationToken);
                if (result.Refusal is { } refusal)
                {
                    return new ImportResult(written, unchanged, refusal);
                }

                written++;
            }
        }

        return new ImportResult(written, unchanged, null);
    }
}

/// <summary>What an import did.</summary>
/// <param name="Written">Entities created or replaced.</param>
/// <param name="Unchanged">Entities already stored exactly as in the file.</param>
/// <param name="Refusal">Why the database refused the row the import stopped at; null when every row went in.</param>
public sealed record ImportResult(int Written, int Unchanged, WriteRefusal? Refusal);
