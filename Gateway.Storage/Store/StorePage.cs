using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>One page of entities; <see cref="Offset"/> is null on the last page.</summary>
public sealed record StorePage(IReadOnlyList<JsonObject> Data, string? Offset);
