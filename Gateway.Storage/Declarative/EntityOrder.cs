using Gateway.Schema;

namespace Gateway.Storage.Declarative;

/// <summary>Orders entity types so that every type comes after the types its foreign fields reference (Kong's topological_sort).</summary>
public static class EntityOrder
{
    /// <summary>The registry's declarative entities (<see cref="EntitySchema.DbExport"/>), referenced before referencing, otherwise in registration order.</summary>
    public static IReadOnlyList<EntitySchema> Sort(SchemaRegistry registry)
    {
        var placed = new List<EntitySchema>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var pending = registry.Entities.Where(e => e.DbExport).ToList();
        while (pending.Count > 0)
        {
            var progress = false;
            foreach (var schema in pending.ToList())
            {
                if (schema.ForeignFields.All(f => f.Reference == schema.Name || names.Contains(f.Reference!) || registry.Find(f.Reference!) is null))
                {
                    placed.Add(schema);
                    names.Add(schema.Name);
                    pending.Remove(schema);
                    progress = true;
                }
            }

            if (!progress)
            {
                // A reference cycle: keep registration order for what is left rather than loop forever.
                placed.AddRange(pending);
                break;
            }
        }

        return placed;
    }
}
