namespace Gateway.Storage.Store;

/// <summary>One page of <c>/tags</c> rows; <see cref="Offset"/> is null on the last page.</summary>
public sealed record TagPage(IReadOnlyList<TagRow> Data, string? Offset);

/// <summary>An entity carrying a tag.</summary>
public sealed record TagRow(string Tag, string EntityName, string EntityId);
