namespace Gateway.Node.Settings;

/// <summary>The CQL consistency levels <c>cassandra_consistency</c> accepts, as Kong 2.x listed them.</summary>
public enum CassandraConsistency
{
    /// <summary><c>ALL</c>.</summary>
    All,

    /// <summary><c>EACH_QUORUM</c>.</summary>
    EachQuorum,

    /// <summary><c>QUORUM</c>.</summary>
    Quorum,

    /// <summary><c>LOCAL_QUORUM</c> (the default).</summary>
    LocalQuorum,

    /// <summary><c>ONE</c>.</summary>
    One,

    /// <summary><c>TWO</c>.</summary>
    Two,

    /// <summary><c>THREE</c>.</summary>
    Three,

    /// <summary><c>LOCAL_ONE</c>.</summary>
    LocalOne,
}
