using System.Net;
using Gateway.Cluster.Joining;
using Gateway.Cluster.Membership;
using Gateway.Cluster.Membership.Cassandra;
using Gateway.Storage.Cassandra.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;

namespace Gateway.Tests.Cluster.Membership;

/// <summary>cluster_membership = cassandra in the silo's container (built, never started: no Cassandra needed).</summary>
public sealed class CassandraClusteringRegistrationTests
{
    [Fact]
    public void UseGatewayCluster_Cassandra_RegistersTheCassandraTableWithTheSettings()
    {
        var settings = new CassandraSettings { ContactPoints = ["10.1.2.3"], Keyspace = "members" };
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseGatewayCluster(
            new SiloOptions(IPAddress.Loopback, 11111, "cluster-a", "service-a", ClusterMembershipKind.Cassandra, Cassandra: settings)));
        // Disposed synchronously, as a container can be: the table must accept that too.
        using var host = builder.Build();

        var table = host.Services.GetRequiredService<IMembershipTable>();

        // The Cassandra table, behind the wrapper that retries its set-up while Cassandra does not answer.
        Assert.IsType<CassandraMembershipTable>(Assert.IsType<RetryingMembershipTable>(table).Inner);
        Assert.Same(settings, host.Services.GetRequiredService<IOptions<CassandraClusteringOptions>>().Value.Settings);
        Assert.Equal("orleans_membership", host.Services.GetRequiredService<IOptions<CassandraClusteringOptions>>().Value.TableName);
    }

    [Fact]
    public void UseGatewayCluster_CassandraWithoutSettings_Throws()
    {
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.UseOrleans(silo => silo.UseGatewayCluster(
            new SiloOptions(IPAddress.Loopback, 11111, "cluster-a", "service-a", ClusterMembershipKind.Cassandra))));

        Assert.Equal("cluster_membership = cassandra needs the cassandra_* settings (Parameter 'options')", error.Message);
    }
}
