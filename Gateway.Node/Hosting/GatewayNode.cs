using System.Net;
using Gateway.Cluster.Consumers;
using Gateway.Cluster.Joining;
using Gateway.Cluster.Membership;
using Gateway.Cluster.Propagation;
using Gateway.Node.Admin;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Pipeline;
using Gateway.Node.Proxy;
using Gateway.Node.Settings;
using Gateway.Node.Tls;
using Gateway.Node.Upstreams;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Declarative;
using Gateway.Storage.Entities;
using Gateway.Storage.Migrations;
using Gateway.Storage.Postgres;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Orleans.Dashboard;
using Orleans.Runtime;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace Gateway.Node.Hosting;

/// <summary>
/// One running gateway node. Two hosts share the process: the control host (Orleans silo,
/// Admin API, status API, dashboard) and a lean proxy host that runs no routing, MVC or hosting
/// diagnostics, so client traffic pays for none of them.
/// </summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private readonly WebApplication _control;
    private readonly WebApplication _proxy;
    private readonly IReadOnlyList<IDisposable> _shared;

    /// <param name="shared">What both hosts use and neither container owns; disposed after both hosts stop.</param>
    private GatewayNode(WebApplication control, WebApplication proxy, IConfigStore store, IReadOnlyList<IDisposable> shared)
    {
        _control = control;
        _proxy = proxy;
        Store = store;
        _shared = shared;
    }

    /// <summary>The node's config store.</summary>
    public IConfigStore Store { get; }

    /// <summary>Builds and starts a node; throws <see cref="NodeStartException"/> with a one-line reason.</summary>
    public static async Task<GatewayNode> StartAsync(GatewaySettings settings, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(settings.Prefix);
        PluginCatalog catalog;
        try
        {
            catalog = PluginCatalog.ForSetting(settings.Plugins);
        }
        catch (InvalidOperationException e)
        {
            throw new NodeStartException(e.Message, e);
        }

        var registry = catalog.CreateRegistry();
        var store = await OpenStoreAsync(settings, registry, cancellationToken);
        var logger = CreateLogger(settings);
        var loggers = new SerilogLoggerFactory(logger, dispose: true);
        var snapshots = new ConfigSnapshotProvider(
            catalog, settings.RouterFlavor == RouterFlavor.Traditional, TimeProvider.System, loggers.CreateLogger<ConfigSnapshotProvider>());
        var certificates = new SniCertificateSelector(() => snapshots.Current.Certificates, DefaultCertificate.LoadOrCreate(settings.Prefix));
        var control = BuildControlHost(settings, registry, store, snapshots, logger, catalog);
        catalog.Services.Attach(control.Services);
        var consumers = new ClusterConsumerStore(control.Services.GetRequiredService<ConsumerLookup>);
        var proxy = BuildProxyHost(settings, snapshots, certificates, logger, consumers);
        var node = new GatewayNode(control, proxy, store, [loggers]);
        try
        {
            await control.StartAsync(cancellationToken);
            await proxy.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Orleans.Runtime.OrleansException || StoreFailures.IsUnavailable(e))
        {
            // A membership table that cannot be reached (cluster_membership = postgres while the
            // database is down) ends here too, as one line.
            await node.DisposeAsync();
            throw new NodeStartException(e.Message, e);
        }

        return node;
    }

    /// <summary>
    /// Completes when either host is asked to stop (SIGINT, SIGTERM); throws <see cref="NodeStartException"/> when the
    /// silo, started in the background while the membership table did not answer, could not join after all.
    /// </summary>
    public async Task WaitForShutdownAsync()
    {
        var joinFailed = _control.Services.GetRequiredService<ClusterJoin>().Failed;
        if (await Task.WhenAny(_control.WaitForShutdownAsync(), _proxy.WaitForShutdownAsync(), joinFailed) == joinFailed)
        {
            throw new NodeStartException(await joinFailed);
        }
    }

    /// <summary>Stops the proxy first, so no request reaches a stopped control plane, then the silo.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        await StopQuietlyAsync(_proxy, timeout.Token);
        await StopQuietlyAsync(_control, timeout.Token);
        await _proxy.DisposeAsync();
        await _control.DisposeAsync();
        foreach (var shared in _shared)
        {
            shared.Dispose();
        }

        await Store.DisposeAsync();
    }

    private static async Task StopQuietlyAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.StopAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Never started, or the stop timed out: disposal still releases the ports.
        }
    }

    private static async Task<IConfigStore> OpenStoreAsync(GatewaySettings settings, SchemaRegistry registry, CancellationToken cancellationToken)
    {
        if (settings.Database == DatabaseKind.Off)
        {
            var declarative = DeclarativeStoreLoader.Open(settings, registry);
            await declarative.InitializeAsync(cancellationToken);
            return declarative;
        }

        var opened = await StoreFactory.OpenAsync(settings, registry, cancellationToken);
        var (store, _, database, isUnavailable) = opened;

        // A database with a migration log must be bootstrapped and current; one that does not answer is started
        // from the saved snapshot when there is one, and is a one-line refusal otherwise.
        try
        {
            if (await opened.NotReadyReasonAsync(cancellationToken) is { } reason)
            {
                throw new NodeStartException(reason);
            }
        }
        catch (Exception e) when (isUnavailable(e) && File.Exists(SnapshotFile.PathIn(settings.Prefix)))
        {
            // Start anyway: the refresher serves the saved snapshot until the database is back.
        }
        catch (Exception e) when (isUnavailable(e))
        {
            await store.DisposeAsync();
            throw new NodeStartException($"cannot reach {database} and there is no config snapshot in {settings.Prefix}: {e.Message}");
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return store;
    }

    /// <summary>Where membership lives: the pg_* database, or the redis_* server.</summary>
    private static string? MembershipConnection(GatewaySettings settings) => settings.ClusterMembership switch
    {
        ClusterMembershipKind.Postgres => StoreFactory.Postgres(settings).ConnectionString,
        ClusterMembershipKind.Redis => $"{settings.RedisHost}:{settings.RedisPort},defaultDatabase={settings.RedisDatabase},abortConnect=false"
            + (string.IsNullOrEmpty(settings.RedisPassword) ? "" : $",password={settings.RedisPassword}"),
        _ => null,
    };

    /// <summary>
    /// The node's log, written to the console by a background writer: requests run on the socket threads (inline
    /// completions), which must never wait on a slow stdout. Disposing it (with the logger factory) flushes it.
    /// Exceptions are written on their event's line (<see cref="OneLineExceptionSink"/>), with stack traces at debug.
    /// </summary>
    private static Serilog.Core.Logger CreateLogger(GatewaySettings settings)
    {
        const string Template = "{Timestamp:yyyy/MM/dd HH:mm:ss} [{Level:u3}] {SourceContext}: {Message:lj}{" + OneLineExceptionSink.Property + "}{NewLine}{Exception}";
        var level = ToSerilog(settings.LogLevel);
        return new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .WriteTo.Async(sink => sink.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(
                console => level == LogEventLevel.Debug ? console : new OneLineExceptionSink(console),
                wrapped => wrapped.Console(outputTemplate: Template))))
            .CreateLogger();
    }

    /// <summary>nginx severities onto Serilog's: notice (Kong's default) is Information.</summary>
    private static LogEventLevel ToSerilog(GatewayLogLevel level) => level switch
    {
        GatewayLogLevel.Debug => LogEventLevel.Debug,
        GatewayLogLevel.Info or GatewayLogLevel.Notice => LogEventLevel.Information,
        GatewayLogLevel.Warn => LogEventLevel.Warning,
        GatewayLogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };

    private static WebApplication BuildControlHost(
        GatewaySettings settings, SchemaRegistry registry, IConfigStore store, ConfigSnapshotProvider snapshots, Serilog.ILogger logger,
        PluginCatalog catalog)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4));
        var cluster = settings.ClusterListen;
        builder.UseOrleans(silo => silo.UseGatewayCluster(new SiloOptions(
            ParseAddress(cluster.Host), cluster.Port, settings.ClusterId, settings.ServiceId, settings.ClusterMembership, MembershipConnection(settings),
            settings.ClusterMembership == ClusterMembershipKind.Cassandra ? StoreFactory.Cassandra(settings) : null)));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var certificate = DefaultCertificate.LoadOrCreate(settings.Prefix);
            void Tls(ListenOptions options, HttpProtocols protocols) => options.UseHttps(certificate);
            Listen(kestrel, settings.AdminListen, Tls);
            Listen(kestrel, settings.StatusListen, Tls);
            Listen(kestrel, settings.AdminGuiListen, Tls);
        });

        var identity = NodeIdentity.Load(settings.Prefix);
        var enabledPlugins = catalog.Enabled(settings.Plugins);
        var options = new AdminOptions(identity, KongConfiguration.From(settings, enabledPlugins), enabledPlugins, settings.NginxAdminClientMaxBodySize);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(settings);
        if (store is DeclarativeConfigStore declarative)
        {
            builder.Services.AddSingleton(declarative);
        }

        builder.Services.AddSingleton(snapshots);
        builder.Services.AddSingleton(sp => new ConsumerLookup(sp.GetRequiredService<IGrainFactory>(), join: sp.GetRequiredService<ClusterJoin>()));
        builder.Services.AddSingleton(sp => new ConfigRefresher(
            store,
            snapshots,
            settings.DbUpdateFrequency,
            settings.Prefix,
            sp.GetRequiredService<ILogger<ConfigRefresher>>(),
            sp.GetRequiredService<ConsumerLookup>().Invalidate));
        builder.Services.AddSingleton<IConfigChangeListener>(sp => sp.GetRequiredService<ConfigRefresher>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigRefresher>());
        builder.Services.AddHostedService(sp => new ConsumerCacheKeeper(
            sp.GetRequiredService<ConsumerLookup>(), snapshots, settings.Prefix, sp.GetRequiredService<ILogger<ConsumerCacheKeeper>>()));
        builder.Services.AddSingleton(new ClusterStore(store));

        // The Admin API writes through the cluster and reads with the snapshot to fall back on.
        builder.Services.AddSingleton<ClusterConfigWriter>();
        builder.Services.AddSingleton<IConfigReader>(new SnapshotFallbackReader(store, snapshots));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SchemaValidator>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<AdminApi>();
        builder.Services.AddSingleton<IBalancerSource>(snapshots);
        builder.Services.AddHostedService<ActiveHealthChecker>();

        var app = builder.Build();
        var admin = app.Services.GetRequiredService<AdminApi>();
        var adminPorts = Ports(settings.AdminListen);
        var statusPorts = Ports(settings.StatusListen);
        var guiPorts = Ports(settings.AdminGuiListen);
        app.MapWhen(c => adminPorts.Contains(c.Connection.LocalPort), b => b.Run(admin.HandleAsync));
        app.MapWhen(c => statusPorts.Contains(c.Connection.LocalPort), b => b.Run(c => StatusEndpoint.HandleAsync(c, store, c.RequestServices.GetRequiredService<IClusterMembershipService>(), catalog)));
        app.MapOrleansDashboard().RequireHost([.. guiPorts.Select(p => $"*:{p}")]);
        return app;
    }

    private static WebApplication BuildProxyHost(
        GatewaySettings settings, ConfigSnapshotProvider snapshots, SniCertificateSelector certificates, Serilog.ILogger logger,
        IConsumerStore consumers)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });

        // Logging through Microsoft.Extensions.Logging filters (not Serilog's own factory), so that
        // hosting diagnostics can be switched off entirely: while that category is enabled even at
        // Critical, ASP.NET Core starts an Activity and a log scope for every request. YARP logs
        // every forwarded request at Information: warnings only.
        // The rules name Serilog's provider: AddSerilog adds a provider rule (everything, from Trace), and a provider
        // rule outranks any rule without one, whatever its category.
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: false);
        builder.Logging.AddFilter<SerilogLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter<SerilogLoggerProvider>("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter<SerilogLoggerProvider>("Yarp", LogLevel.Warning);
        // With inline socket completions, Kestrel runs each request on the thread its bytes arrived on
        // (without them this alone is a loss: dotnet/aspnetcore#24638).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = InlineSocketCompletions.Enabled);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, settings.ProxyListen, (options, protocols) => options.UseHttps(certificates.CreateHandshakeOptions(protocols)));
        });
        builder.Services.AddSingleton(snapshots);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<UpstreamClients>();
        builder.Services.AddSingleton<IDestinationResolver, BalancedDestinationResolver>();
        builder.Services.AddSingleton(new ProxyOptions(settings));
        builder.Services.AddSingleton(consumers);
        builder.Services.AddSingleton<ProxyHandler>();
        var app = builder.Build();
        app.Run(app.Services.GetRequiredService<ProxyHandler>().HandleAsync);
        return app;
    }

    /// <summary>Binds each listener; <paramref name="useTls"/> sets up TLS on the <c>ssl</c> ones.</summary>
    private static void Listen(KestrelServerOptions kestrel, IReadOnlyList<Listener> listeners, Action<ListenOptions, HttpProtocols> useTls)
    {
        foreach (var listener in listeners)
        {
            kestrel.Listen(ParseAddress(listener.Host), listener.Port, options =>
            {
                options.Protocols = listener.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                if (listener.Ssl)
                {
                    useTls(options, options.Protocols);
                }
            });
        }
    }

    private static HashSet<int> Ports(IReadOnlyList<Listener> listeners) => [.. listeners.Select(l => l.Port)];

    private static IPAddress ParseAddress(string address) =>
        address is "*" or "0.0.0.0" ? IPAddress.Any
        : address is "localhost" ? IPAddress.Loopback
        : IPAddress.Parse(address.Trim('[', ']'));
}
