namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Consistency levels as their [consistency] short codes (spec section 3).</summary>
public enum CqlConsistency : ushort
{
    /// <summary>ANY.</summary>
    Any = 0x0000,

    /// <summary>ONE.</summary>
    One = 0x0001,

    /// <summary>TWO.</summary>
    Two = 0x0002,

    /// <summary>THREE.</summary>
    Three = 0x0003,

    /// <summary>QUORUM.</summary>
    Quorum = 0x0004,

    /// <summary>ALL.</summary>
    All = 0x0005,

    /// <summary>LOCAL_QUORUM.</summary>
    LocalQuorum = 0x0006,

    /// <summary>EACH_QUORUM.</summary>
    EachQuorum = 0x0007,

    /// <summary>SERIAL (lightweight transactions).</summary>
    Serial = 0x0008,

    /// <summary>LOCAL_SERIAL (lightweight transactions within the local data centre).</summary>
    LocalSerial = 0x0009,

    /// <summary>LOCAL_ONE.</summary>
    LocalOne = 0x000A,
}
