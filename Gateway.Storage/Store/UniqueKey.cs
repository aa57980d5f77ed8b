using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>One row of <c>unique_keys</c>, with the key as Kong reports it on a collision.</summary>
internal sealed record UniqueKey(string Key, string Value, JsonObject Violation);
