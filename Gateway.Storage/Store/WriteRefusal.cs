using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>
/// Why a store refused a write because of the data, not the database: one case per Kong DAO error a write can
/// get (kong/db/errors.lua). A refusal travels as this value from the store to the Admin API, which alone turns it
/// into Kong's answer; <see cref="Message"/> is Kong's message for it.
/// </summary>
public abstract record WriteRefusal
{
    /// <summary>Only the cases below.</summary>
    private WriteRefusal()
    {
    }

    /// <summary>Kong's message for the refusal.</summary>
    public abstract string Message { get; }

    /// <summary>An entity with this id exists (Kong code 3).</summary>
    /// <param name="Entity">The entity type.</param>
    /// <param name="Id">The id that exists.</param>
    public sealed record PrimaryKeyViolation(string Entity, string Id) : WriteRefusal
    {
        /// <inheritdoc/>
        public override string Message => $"primary key violation on key '{{id=\"{Id}\"}}'";
    }

    /// <summary>A unique field or cache key is taken (Kong code 5).</summary>
    /// <param name="Entity">The entity type.</param>
    /// <param name="Key">The colliding key, field by field (a cache key has several), as Kong puts it in <c>fields</c>.</param>
    public sealed record UniqueViolation(string Entity, JsonObject Key) : WriteRefusal
    {
        /// <inheritdoc/>
        public override string Message => $"UNIQUE violation detected on '{KongFormat.Pretty(Key)}'";
    }

    /// <summary>A foreign field points at an entity that does not exist (Kong code 4).</summary>
    /// <param name="Field">The foreign field ("service").</param>
    /// <param name="Id">The missing id.</param>
    /// <param name="Parent">The entity type the field references ("services").</param>
    public sealed record ForeignKeyViolation(string Field, string Id, string Parent) : WriteRefusal
    {
        /// <inheritdoc/>
        public override string Message => $"the foreign key '{{id=\"{Id}\"}}' does not reference an existing '{Parent}' entity.";
    }

    /// <summary>A delete refused because another entity still references this one (Kong code 4); nothing was deleted.</summary>
    /// <param name="Parent">The entity type being deleted (or cascaded to).</param>
    /// <param name="Child">The entity type that still references it ("routes").</param>
    public sealed record ReferencedByOthers(string Parent, string Child) : WriteRefusal
    {
        /// <inheritdoc/>
        public override string Message => $"an existing '{Child}' entity references this '{Parent}' entity";
    }

    /// <summary>A write with no database to write to (Kong code 12).</summary>
    /// <param name="Operation">Kong's verb: create, update, create or update, remove.</param>
    /// <param name="Entity">The entity type.</param>
    public sealed record OperationUnsupported(string Operation, string Entity) : WriteRefusal
    {
        /// <inheritdoc/>
        public override string Message => $"cannot {Operation} '{Entity}' entities when not using a database";
    }
}
