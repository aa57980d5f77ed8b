namespace Gateway.Cluster.Serialization;

/// <summary>A JSON object on the wire: its text.</summary>
[GenerateSerializer, Alias("Gateway.Cluster.Serialization.JsonObjectSurrogate")]
public struct JsonObjectSurrogate
{
    /// <summary>The object as compact JSON text.</summary>
    [Id(0)]
    public string Json;
}
