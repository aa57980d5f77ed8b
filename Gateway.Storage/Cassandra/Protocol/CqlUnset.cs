namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Marker for a bound value that is "not set" (protocol v4 length -2).</summary>
public sealed class CqlUnset
{
    private CqlUnset()
    {
    }

    /// <summary>The single instance.</summary>
    public static CqlUnset Value { get; } = new();
}
