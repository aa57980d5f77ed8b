using System.Net;
using Gateway.Cluster.Propagation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Gateway.Cluster.Membership;

/// <summary>Configures the Orleans silo every gateway node runs.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Sets the silo endpoint, cluster ids and membership provider, the config push service, and
    /// adds the dashboard. Silos take no client connections (gateway port 0): the node itself is the
    /// only caller.
    /// </summary>
    public static ISiloBuilder UseGatewayCluster(this ISiloBuilder silo, SiloOptions options)
    {
        switch (options.Membership)
        {
            case ClusterMembershipKind.Localhost:
                silo.UseLocalhostClustering(siloPort: options.SiloPort, gatewayPort: 0, serviceId: options.ServiceId, clusterId: options.ClusterId);
                break;
            case ClusterMembershipKind.Postgres:
                silo.UseAdoNetClustering(ado =>
                {
                    ado.Invariant = "Npgsql";
                    ado.ConnectionString = options.MembershipConnection;
                });
                break;
            case ClusterMembershipKind.Redis:
                silo.UseRedisClustering(redis => redis.ConfigurationOptions = ConfigurationOptions.Parse(options.MembershipConnection!));
                break;
            default:
                throw new NotSupportedException($"cluster_membership {options.Membership} is not available yet");
        }

        var advertised = options.ListenAddress.Equals(IPAddress.Any) ? IPAddress.Loopback : options.ListenAddress;
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.AdvertisedIPAddress = advertised;
            endpoints.SiloPort = options.SiloPort;
            endpoints.GatewayPort = 0;
            endpoints.SiloListeningEndpoint = new IPEndPoint(options.ListenAddress, options.SiloPort);
        });
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.AddGrainService<ConfigPushService>();
        silo.Services.AddSingleton<IConfigPushClient, ConfigPushClient>();
        silo.AddDashboard();
        return silo;
    }
}
