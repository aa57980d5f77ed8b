using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>A write the store refused because of the data, not because of the database.</summary>
public abstract class StoreConstraintException(string message) : Exception(message);

/// <summary>An entity with this id exists (Kong code 3).</summary>
public sealed class PrimaryKeyViolationException(string entity, string id)
    : StoreConstraintException($"primary key violation on key '{{id=\"{id}\"}}'")
{
    /// <summary>The entity type.</summary>
    public string Entity { get; } = entity;

    /// <summary>The id that exists.</summary>
    public string Id { get; } = id;
}

/// <summary>A unique field or cache key is taken (Kong code 5, HTTP 409).</summary>
/// <param name="entity">The entity type.</param>
/// <param name="key">The unique key that collided, field by field (a cache key has several).</param>
public sealed class UniqueViolationException(string entity, JsonObject key)
    : StoreConstraintException($"UNIQUE violation detected on '{KongFormat.Pretty(key)}'")
{
    /// <summary>The entity type.</summary>
    public string Entity { get; } = entity;

    /// <summary>The colliding key, as Kong puts it in <c>fields</c>.</summary>
    public JsonObject Key { get; } = key;
}

/// <summary>A foreign field points at an entity that does not exist (Kong code 4).</summary>
public sealed class ForeignKeyViolationException(string field, string id, string parent)
    : StoreConstraintException($"the foreign key '{{id=\"{id}\"}}' does not reference an existing '{parent}' entity.")
{
    /// <summary>The foreign field ("service").</summary>
    public string Field { get; } = field;

    /// <summary>The missing id.</summary>
    public string Id { get; } = id;
}

/// <summary>A delete refused because another entity still references this one (Kong code 4).</summary>
public sealed class ReferencedByOthersException(string parent, string child)
    : StoreConstraintException($"an existing '{child}' entity references this '{parent}' entity")
{
    /// <summary>The entity type that still references ("routes").</summary>
    public string Child { get; } = child;
}

/// <summary>A page offset this store did not issue (Kong code 7).</summary>
public sealed class InvalidOffsetException(string offset, string reason)
    : StoreConstraintException($"'{offset}' is not a valid offset: {reason}");
