namespace Gateway.Tests.Support;

/// <summary>
/// One network namespace of a <see cref="NamespaceNetwork"/>: a host with two links to the test's namespace. The
/// cluster link is a port of the network's bridge (peers, and PostgreSQL through the test's relay); the client link
/// is a veth of its own that carries the test's requests and the node's way to the backend.
/// </summary>
/// <param name="Namespace">The namespace's name, for <c>ip netns exec</c>.</param>
/// <param name="ClusterAddress">Its address on the bridge (cluster_listen).</param>
/// <param name="ClientAddress">Its address on the client link (proxy, Admin and status listeners).</param>
/// <param name="ClusterLink">The root end of the cluster link: down cuts the host off from the bridge.</param>
public sealed record NamespacedHost(string Namespace, string ClusterAddress, string ClientAddress, string ClusterLink);
