using System.Net;
using Gateway.Cluster.Tls;
using Gateway.Storage.Cassandra.Store;

namespace Gateway.Cluster.Membership;

/// <summary>How this node joins the cluster: its silo endpoint and the ids Orleans groups silos by.</summary>
/// <param name="ListenAddress">cluster_listen's address (0.0.0.0 listens everywhere and advertises loopback).</param>
/// <param name="SiloPort">cluster_listen's port (7946, Kong's old Serf port).</param>
/// <param name="ClusterId">Orleans ClusterId: silos with the same id form one cluster.</param>
/// <param name="ServiceId">Orleans ServiceId: stable across deployments of the same service.</param>
/// <param name="Membership">cluster_membership: localhost, postgres, redis or cassandra.</param>
/// <param name="MembershipConnection">
/// For postgres, an Npgsql connection string to the database that holds the membership tables
/// (created by <c>gateway migrations</c>); for redis, a StackExchange.Redis configuration string.
/// </param>
/// <param name="Cassandra">
/// For cassandra, the cassandra_* settings: the membership table goes in their keyspace, created from their
/// replication settings when missing.
/// </param>
/// <param name="CounterRedis">
/// The redis_* server as a StackExchange.Redis configuration string: the cluster rate-limit counters save their
/// leased totals there (none when null).
/// </param>
/// <param name="Tls">cluster_mtls = on: silo-to-silo traffic is TLS with mutual certificate checks (plain TCP when null).</param>
/// <param name="Dashboard">
/// Whether this silo runs the Orleans dashboard's grains (admin_gui_listen is on); off, its assembly is never loaded
/// (about 17 MB of a node's memory, its embedded web assets mapped in).
/// </param>
public sealed record SiloOptions(
    IPAddress ListenAddress,
    int SiloPort,
    string ClusterId,
    string ServiceId,
    ClusterMembershipKind Membership,
    string? MembershipConnection = null,
    CassandraSettings? Cassandra = null,
    string? CounterRedis = null,
    ClusterTls? Tls = null,
    bool Dashboard = true);
