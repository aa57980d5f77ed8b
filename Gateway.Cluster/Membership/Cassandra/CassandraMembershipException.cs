namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>The membership table could not be set up; the message is one line naming the table and the cause.</summary>
public sealed class CassandraMembershipException(string message, Exception inner) : InvalidOperationException(message, inner);
