using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Writes a store's whole config as a declarative file, as Kong's <c>kong config db_export</c>
/// (kong/db/declarative/export.lua): <c>_format_version: "3.0"</c> and <c>_transform: false</c> (values
/// such as password hashes are already transformed), then every entity type in dependency order with
/// its rows flat, in id order, nulls kept, and each foreign key written as the bare id.
/// </summary>
public sealed class DeclarativeExporter(SchemaRegistry registry)
{
    private readonly IReadOnlyList<EntitySchema> _order = EntityOrder.Sort(registry);

    /// <summary>The store's config as a declarative document.</summary>
    public async Task<JsonObject> ExportAsync(IConfigStore store, CancellationToken cancellationToken = default)
    {
        var document = new JsonObject { ["_format_version"] = "3.0", ["_transform"] = false };
        foreach (var schema in _order)
        {
            var rows = new JsonArray();
            foreach (var row in await ReadAllAsync(store, schema.Name, cancellationToken))
            {
                // A target written before timestamps were seconds is exported as Kong writes it (Targets.Present).
                var exported = (JsonObject)(schema.Name == Targets.Schema.Name ? Targets.Present(row) : row).DeepClone();
                foreach (var foreign in schema.ForeignFields)
                {
                    if (exported[foreign.Name] is JsonObject reference && reference["id"] is { } id)
                    {
                        exported[foreign.Name] = id.DeepClone();
                    }
                }

                rows.Add(exported);
            }

            if (rows.Count > 0)
            {
                document[schema.Name] = rows;
            }
        }

        return document;
    }

    /// <summary>The store's config as YAML text.</summary>
    public async Task<string> ExportYamlAsync(IConfigStore store, CancellationToken cancellationToken = default) =>
        DeclarativeText.ToYaml(await ExportAsync(store, cancellationToken));

    /// <summary>Every row of one entity type, in the store's (id) order.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ReadAllAsync(IConfigStore store, string entity, CancellationToken cancellationToken = default)
    {
        var all = new List<JsonObject>();
        string? offset = null;
        do
        {
            var page = await store.ListAsync(entity, new ListQuery(1000, offset), cancellationToken);
            all.AddRange(page.Data);
            offset = page.Offset;
        }
        while (offset is not null);
        return all;
    }
}
