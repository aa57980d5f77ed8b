namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>The protocol names of consistency levels ("LOCAL_QUORUM"), for messages and settings.</summary>
public static class CqlConsistencyNames
{
    /// <summary>The upper-case protocol name of a level, or its hex code when it is unknown.</summary>
    public static string Name(CqlConsistency level) => level switch
    {
        CqlConsistency.Any => "ANY",
        CqlConsistency.One => "ONE",
        CqlConsistency.Two => "TWO",
        CqlConsistency.Three => "THREE",
        CqlConsistency.Quorum => "QUORUM",
        CqlConsistency.All => "ALL",
        CqlConsistency.LocalQuorum => "LOCAL_QUORUM",
        CqlConsistency.EachQuorum => "EACH_QUORUM",
        CqlConsistency.Serial => "SERIAL",
        CqlConsistency.LocalSerial => "LOCAL_SERIAL",
        CqlConsistency.LocalOne => "LOCAL_ONE",
        _ => $"0x{(ushort)level:X4}",
    };

    /// <summary>Parses a name such as "LOCAL_QUORUM" (any case); false when it is not a level.</summary>
    public static bool TryParse(string name, out CqlConsistency level)
    {
        foreach (var candidate in Enum.GetValues<CqlConsistency>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }
        level = default;
        return false;
    }
}
