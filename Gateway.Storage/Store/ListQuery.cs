namespace Gateway.Storage.Store;

/// <summary>A page request: size, the opaque offset from the previous page, and filters.</summary>
/// <param name="Size">Rows per page (1 to 1000, checked by the caller).</param>
/// <param name="Offset">The <see cref="StorePage.Offset"/> of the previous page, or null for the first.</param>
/// <param name="Tags">Only entities with these tags.</param>
/// <param name="ForeignField">Only entities whose foreign field of this name ...</param>
/// <param name="ForeignId">... references this id (/services/{s}/routes).</param>
public sealed record ListQuery(int Size, string? Offset = null, TagFilter? Tags = null, string? ForeignField = null, string? ForeignId = null);
