namespace Gateway.Storage.Migrations;

/// <summary>Where a database stands against the migrations this build knows.</summary>
/// <param name="Executed">Migrations already applied, oldest first.</param>
/// <param name="Pending">Migrations still to apply, in order.</param>
public sealed record MigrationState(IReadOnlyList<string> Executed, IReadOnlyList<string> Pending)
{
    /// <summary>Nothing applied yet: the database needs <c>migrations bootstrap</c>.</summary>
    public bool IsEmpty => Executed.Count == 0;

    /// <summary>Everything applied: the node may start.</summary>
    public bool IsCurrent => !IsEmpty && Pending.Count == 0;
}
