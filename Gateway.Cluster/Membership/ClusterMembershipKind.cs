namespace Gateway.Cluster.Membership;

/// <summary>How silos find each other: the <c>cluster_membership</c> setting.</summary>
public enum ClusterMembershipKind
{
    /// <summary><c>localhost</c>: a single node, no membership table.</summary>
    Localhost,

    /// <summary><c>postgres</c>: the membership table lives in PostgreSQL (pg_* settings).</summary>
    Postgres,

    /// <summary><c>redis</c>: membership lives in Redis (redis_* settings).</summary>
    Redis,

    /// <summary><c>cassandra</c>: membership lives in Cassandra (cassandra_* settings).</summary>
    Cassandra,
}
