using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;

namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>Registers the Cassandra membership table, as Orleans' UseXClustering extensions do.</summary>
public static class CassandraClusteringExtensions
{
    /// <summary>Makes <see cref="CassandraMembershipTable"/> the silo's membership table, configured by <paramref name="configure"/>.</summary>
    public static ISiloBuilder UseCassandraClustering(this ISiloBuilder silo, Action<CassandraClusteringOptions> configure) =>
        silo.ConfigureServices(services =>
        {
            services.Configure(configure);
            services.AddSingleton<IMembershipTable, CassandraMembershipTable>();
        });
}
