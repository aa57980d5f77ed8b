namespace Gateway.Storage.Store;

/// <summary>One row of <c>refs</c>: the row's <paramref name="Field"/> points at <paramref name="RefEntity"/> <paramref name="RefId"/>.</summary>
internal sealed record ForeignRef(string Field, string RefEntity, string RefId);
