using System.Text.Json.Nodes;

namespace Gateway.Cluster.Serialization;

/// <summary>
/// Lets rows (<see cref="JsonObject"/>, which Orleans has no codec for) cross silos as JSON text. Orleans calls it only
/// to serialise or to deep-copy: the types that carry rows are immutable, so a call within one silo never comes here.
/// </summary>
[RegisterConverter]
public sealed class JsonObjectConverter : IConverter<JsonObject, JsonObjectSurrogate>
{
    /// <inheritdoc/>
    public JsonObject ConvertFromSurrogate(in JsonObjectSurrogate surrogate) => JsonNode.Parse(surrogate.Json)!.AsObject();

    /// <inheritdoc/>
    public JsonObjectSurrogate ConvertToSurrogate(in JsonObject value) => new() { Json = value.ToJsonString() };
}
