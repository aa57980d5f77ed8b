namespace Gateway.Schema;

/// <summary>What deleting a referenced entity does to the entities pointing at it, as Kong's <c>on_delete</c>.</summary>
public enum OnDelete
{
    /// <summary>The delete is refused while a reference exists (Kong's default).</summary>
    Restrict,

    /// <summary>The referencing entities are deleted too.</summary>
    Cascade,
}
