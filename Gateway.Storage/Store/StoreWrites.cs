using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Store;

/// <summary>
/// The write rules every database store follows, written once: an insert of an existing id is refused and an update
/// or delete of a missing one finds nothing; a row's unique keys are checked before its references, in schema order,
/// and the first violation is the one reported; a delete removes the cascading children first, depth first, each
/// logged before its parent, and is refused while a restricting child remains that the cascade does not remove. Each
/// store runs them on a session of its own (<see cref="IWriteSession"/>) under its own write lock.
/// </summary>
internal static class StoreWrites
{
    /// <summary>A write run by <see cref="IConfigStore"/>'s write methods, on a session the store opens.</summary>
    public delegate Task<StoreWriteResult> Write(IWriteSession session, CancellationToken cancellationToken);

    /// <summary>Stores a new row; refused when its id exists.</summary>
    public static Write Insert(SchemaRegistry registry, string entity, JsonObject row)
    {
        var (schema, id) = (registry.Get(entity), EntityKeys.Id(row));
        return async (session, cancellationToken) => await session.ExistsAsync(entity, id, cancellationToken)
            ? StoreWriteResult.Refused(new WriteRefusal.PrimaryKeyViolation(entity, id))
            : await PutAsync(session, schema, id, row, exists: false, runtime: false, cancellationToken);
    }

    /// <summary>Replaces the row with the row's id; not found when there is none.</summary>
    public static Write Update(SchemaRegistry registry, string entity, JsonObject row)
    {
        var (schema, id) = (registry.Get(entity), EntityKeys.Id(row));
        return async (session, cancellationToken) => await session.ExistsAsync(entity, id, cancellationToken)
            ? await PutAsync(session, schema, id, row, exists: true, runtime: false, cancellationToken)
            : StoreWriteResult.NotFound;
    }

    /// <summary>Stores or replaces the row with the row's id; a <paramref name="runtime"/> write is no config change (<see cref="IRuntimeRowWriter"/>).</summary>
    public static Write Upsert(SchemaRegistry registry, string entity, JsonObject row, bool runtime = false)
    {
        var (schema, id) = (registry.Get(entity), EntityKeys.Id(row));
        return async (session, cancellationToken) =>
            await PutAsync(session, schema, id, row, await session.ExistsAsync(entity, id, cancellationToken), runtime, cancellationToken);
    }

    /// <summary>Deletes the row and what cascades from it; not found when it does not exist. A <paramref name="runtime"/> delete is no config change.</summary>
    public static Write Delete(SchemaRegistry registry, string entity, string id, bool runtime = false)
    {
        registry.Get(entity);
        return async (session, cancellationToken) =>
        {
            if (!await session.ExistsAsync(entity, id, cancellationToken))
            {
                return StoreWriteResult.NotFound;
            }

            // Planned whole before anything is removed: a store that cannot roll back (Cassandra) never stops half way.
            var doomed = new List<EntityChange>();
            if (await PlanDeleteAsync(session, registry, entity, id, doomed, [], cancellationToken) is { } refusal)
            {
                return StoreWriteResult.Refused(refusal);
            }

            foreach (var row in doomed)
            {
                await session.RemoveAsync(registry.Get(row.Entity), row.Id, cancellationToken);
            }

            return await CommitAsync(session, doomed, runtime, cancellationToken);
        };
    }

    private static async Task<StoreWriteResult> PutAsync(
        IWriteSession session, EntitySchema schema, string id, JsonObject row, bool exists, bool runtime, CancellationToken cancellationToken)
    {
        foreach (var key in EntityKeys.UniqueKeys(schema, row))
        {
            if (!await session.TakeUniqueKeyAsync(schema.Name, key, id, cancellationToken))
            {
                return StoreWriteResult.Refused(new WriteRefusal.UniqueViolation(schema.Name, key.Violation));
            }
        }

        foreach (var reference in EntityKeys.References(schema, row))
        {
            if (!await session.ExistsAsync(reference.RefEntity, reference.RefId, cancellationToken))
            {
                return StoreWriteResult.Refused(new WriteRefusal.ForeignKeyViolation(reference.Field, reference.RefId, reference.RefEntity));
            }
        }

        var before = exists && session.Audited ? await session.ReadAsync(schema.Name, id, cancellationToken) : null;
        await session.StoreAsync(schema, id, row, exists, cancellationToken);
        var change = new EntityChange(schema.Name, id, ChangeKind.Upsert, before, session.Audited ? row : null);
        return await CommitAsync(session, [change], runtime, cancellationToken);
    }

    private static async Task<StoreWriteResult> CommitAsync(IWriteSession session, IReadOnlyList<EntityChange> changes, bool runtime, CancellationToken cancellationToken)
    {
        var version = await session.CommitAsync(changes, runtime, cancellationToken);
        return runtime ? StoreWriteResult.RuntimeWritten : StoreWriteResult.Committed(version);
    }

    /// <summary>
    /// Adds the row and, before it, every row that cascades from it to <paramref name="doomed"/>, children first; or the
    /// refusal of the first restricting reference that remains. Cascades are followed before restricts are checked, so a
    /// restricting child that the cascade removes (anywhere in it so far) does not block.
    /// </summary>
    private static async Task<WriteRefusal?> PlanDeleteAsync(
        IWriteSession session, SchemaRegistry registry, string entity, string id, List<EntityChange> doomed, HashSet<(string, string)> visited,
        CancellationToken cancellationToken)
    {
        visited.Add((entity, id));
        var referencing = registry.ReferencesTo(entity).ToList();
        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Cascade))
        {
            foreach (var childId in await session.ReferencingAsync(schema.Name, field.Name, entity, id, cancellationToken))
            {
                // An earlier branch of this cascade may remove it already; an index row may outlive its row on Cassandra.
                if (visited.Contains((schema.Name, childId)) || !await session.ExistsAsync(schema.Name, childId, cancellationToken))
                {
                    continue;
                }

                if (await PlanDeleteAsync(session, registry, schema.Name, childId, doomed, visited, cancellationToken) is { } refusal)
                {
                    return refusal;
                }
            }
        }

        foreach (var (schema, field) in referencing.Where(r => r.Field.OnDelete == OnDelete.Restrict))
        {
            if ((await session.ReferencingAsync(schema.Name, field.Name, entity, id, cancellationToken)).Any(child => !visited.Contains((schema.Name, child))))
            {
                return new WriteRefusal.ReferencedByOthers(entity, schema.Name);
            }
        }

        doomed.Add(new EntityChange(entity, id, ChangeKind.Delete, session.Audited ? await session.ReadAsync(entity, id, cancellationToken) : null));
        return null;
    }
}
