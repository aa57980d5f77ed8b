using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Declarative;

/// <summary>What sync does to one entity of one cluster.</summary>
/// <param name="Kind">Create, update or delete.</param>
/// <param name="Schema">The entity type.</param>
/// <param name="Label">How the entity is named in the diff: its endpoint key, else its id.</param>
/// <param name="Desired">The entity as the file wants it (create, update), in the file's id space.</param>
/// <param name="Current">The entity as the cluster has it (update, delete).</param>
/// <param name="Fields">For updates: the fields that differ, as "name: old -> new".</param>
public sealed record SyncChange(SyncKind Kind, EntitySchema Schema, string Label, JsonObject? Desired, JsonObject? Current, IReadOnlyList<string> Fields)
{
    /// <summary>One diff line, as printed before anything changes.</summary>
    public override string ToString() => Kind switch
    {
        SyncKind.Update => $"update {Schema.Name} {Label}: {string.Join("; ", Fields)}",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Schema.Name} {Label}",
    };
}

/// <summary>The kinds of change sync makes.</summary>
public enum SyncKind
{
    /// <summary>The file has it, the cluster does not.</summary>
    Create,

    /// <summary>Both have it, with different values.</summary>
    Update,

    /// <summary>The cluster has it, the file does not.</summary>
    Delete,
}
