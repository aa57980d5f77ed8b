using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gateway.Cluster.Joining;
using Gateway.Cluster.Membership.Cassandra;
using Gateway.Cluster.Propagation;
using Gateway.Cluster.RateLimiting;
using Gateway.Cluster.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Dashboard;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Gateway.Cluster.Membership;

/// <summary>Configures the Orleans silo every gateway node runs.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>How many grain locations a silo caches (Orleans' default is 1,000,000, allocated up front).</summary>
    public const int DirectoryCacheSize = 100_000;

    /// <summary>
    /// Sets the silo endpoint, cluster ids and membership provider, the config push service, the rate-limit
    /// counters' Redis store, a fatal-error handler that reports an eviction (<see cref="SiloEviction"/>) instead of
    /// ending the process, TLS with mutual certificate checks when <see cref="SiloOptions.Tls"/> is set, and adds the dashboard. Silos take no client connections (gateway port 0): the node itself is the
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
            case ClusterMembershipKind.Cassandra:
                var cassandra = options.Cassandra
                    ?? throw new ArgumentException("cluster_membership = cassandra needs the cassandra_* settings", nameof(options));
                silo.UseCassandraClustering(table => table.Settings = cassandra);
                break;
            default:
                throw new NotSupportedException($"cluster_membership {options.Membership} is not available yet");
        }

        silo.Services.AddSingleton<ClusterJoin>();
        StartInBackgroundWhenTheTableIsDown(silo.Services, options.Membership);

        var advertised = AdvertisedAddress(options);
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
        // Orleans sizes its grain-location cache for a million grains up front (about 9 MB of arrays on an idle node).
        // A tenth of that still holds the 100,000 consumers a node may look up, and a miss costs one directory look-up.
        silo.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = DirectoryCacheSize);
        if (options.Tls is { } tls)
        {
            UseMutualTls(silo, tls);
        }

        silo.AddGrainService<ConfigPushService>();
        silo.Services.AddSingleton<IConfigPushClient, ConfigPushClient>();
        silo.Services.AddSingleton(sp => new RateLimitLeaseStore(options.CounterRedis, sp.GetRequiredService<ILogger<RateLimitLeaseStore>>()));
        silo.Services.AddSingleton<SiloEviction>();
        silo.Services.AddSingleton<Orleans.Runtime.IFatalErrorHandler, EvictionFatalErrorHandler>();
        if (options.Dashboard)
        {
            AddDashboard(silo);
        }

        return silo;
    }

    /// <summary>In a method of its own, so that the dashboard's assembly loads only when a silo runs it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddDashboard(ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>
    /// Makes every silo-to-silo connection TLS, both ends showing a certificate that the other checks against the
    /// cluster CA (<see cref="PeerCertificateCheck"/>), so a node without one of the cluster's certificates cannot join.
    /// </summary>
    private static void UseMutualTls(ISiloBuilder silo, ClusterTls tls)
    {
        var check = new PeerCertificateCheck(tls.Authority, tls.Log);
        silo.UseTls(tls.Certificate, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateValidation = (certificate, _, _) => check.Accepts(certificate);
        });
    }

    /// <summary>
    /// Wraps the membership table so that its set-up is retried while it does not answer, and starts the silo with
    /// <see cref="SiloStarter"/> instead of Orleans' hosted service, so that the node does not wait for it then.
    /// </summary>
    private static void StartInBackgroundWhenTheTableIsDown(IServiceCollection services, ClusterMembershipKind kind)
    {
        if (kind != ClusterMembershipKind.Localhost)
        {
            var table = services.Last(d => d.ServiceType == typeof(IMembershipTable));
            services.Remove(table);
            services.AddSingleton<IMembershipTable>(sp => ActivatorUtilities.CreateInstance<RetryingMembershipTable>(sp, Create(sp, table), kind.ToString().ToLowerInvariant()));
        }

        // Orleans' SiloHostedService is internal: found by name, and a missing one fails every start (and its tests).
        var hosted = services.SingleOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Orleans.Hosting.SiloHostedService")
            ?? throw new InvalidOperationException("Orleans.Hosting.SiloHostedService is not registered: this Orleans version starts its silo differently");
        services.Remove(hosted);
        services.AddHostedService<SiloStarter>();
    }

    /// <summary>The service <paramref name="descriptor"/> registers, made as the container would have made it.</summary>
    private static IMembershipTable Create(IServiceProvider services, ServiceDescriptor descriptor) => (IMembershipTable)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    /// <summary>
    /// The address other silos reach this one at. A silo listening on every interface advertises the
    /// machine's first non-loopback IPv4 address (a container's or pod's own address), so that nodes on
    /// other hosts can reach it; a single localhost node, or a machine without one, advertises loopback.
    /// </summary>
    private static IPAddress AdvertisedAddress(SiloOptions options)
    {
        if (!options.ListenAddress.Equals(IPAddress.Any))
        {
            return options.ListenAddress;
        }

        if (options.Membership == ClusterMembershipKind.Localhost)
        {
            return IPAddress.Loopback;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}
