using System.Net;
using Gateway.Cluster.Consumers;
using Gateway.Cluster.Joining;
using Gateway.Cluster.Membership;
using Gateway.Cluster.Propagation;
using Gateway.Cluster.Tls;
using Gateway.Node.Admin;
using Gateway.Node.Admin.Rbac;
using Gateway.Node.Audit;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Observability;
using Gateway.Node.Pipeline;
using Gateway.Node.Plugins.OpenTelemetry;
using Gateway.Node.Proxy;
using Gateway.Node.Settings;
using Gateway.Node.Streams;
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
using Serilog.Formatting.Compact;

namespace Gateway.Node.Hosting;

/// <summary>
/// One running gateway node. Two hosts share the process: the control host (Orleans silo,
/// Admin API, status API, dashboard) and a lean proxy host that runs no routing, MVC or hosting
/// diagnostics, so client traffic pays for none of them.
/// </summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private readonly WebApplication _proxy;
    private readonly IReadOnlyList<IDisposable> _shared;
    private readonly Func<WebApplication> _newControl;
    private readonly ClusterConsumerStore _consumers;
    private readonly Serilog.ILogger _logger;
    private readonly NodeAuditLog? _audit;
    private WebApplication _control;

    /// <param name="newControl">Builds a control host (a new silo); the first one is built here.</param>
    /// <param name="proxy">The proxy host.</param>
    /// <param name="consumers">The proxy's consumer look-ups, through the control host's silo.</param>
    /// <param name="store">The config store.</param>
    /// <param name="audit">The audit log, when audit_log = on.</param>
    /// <param name="logger">The node's log.</param>
    /// <param name="shared">What both hosts use and neither container owns; disposed after both hosts stop.</param>
    private GatewayNode(
        Func<WebApplication> newControl, WebApplication proxy, ClusterConsumerStore consumers, IConfigStore store, NodeAuditLog? audit,
        Serilog.ILogger logger, IReadOnlyList<IDisposable> shared)
    {
        _audit = audit;
        _newControl = newControl;
        _control = newControl();
        _proxy = proxy;
        _consumers = consumers;
        Store = store;
        _logger = logger;
        _shared = shared;
    }

    /// <summary>The node's config store.</summary>
    public IConfigStore Store { get; }

    /// <summary>Builds and starts a node; throws <see cref="NodeStartException"/> with a one-line reason.</summary>
    /// <param name="settings">The node's settings.</param>
    /// <param name="discardSnapshot">
    /// <c>start --discard-snapshot</c>: an empty SQLite database beside a config snapshot with rows is a refusal to start
    /// (the database was lost); with this the snapshot is set aside instead and the node starts empty.
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<GatewayNode> StartAsync(GatewaySettings settings, bool discardSnapshot = false, CancellationToken cancellationToken = default)
    {
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
        var logRelay = new OtlpLogRelay();
        var logger = CreateLogger(settings, logRelay);
        var loggers = new SerilogLoggerFactory(logger, dispose: true);
        IConfigStore store;
        NodeAuditLog? audit;
        var metrics = new GatewayMetrics(settings.PluginLatencyMetrics);
        ClusterTls? clusterTls;
        ControlCertificates controlCertificates;
        try
        {
            clusterTls = ClusterCertificates.Load(settings, loggers.CreateLogger<PeerCertificateCheck>());
            controlCertificates = new ControlCertificates(
                ListenerCertificate.ForAdmin(settings), ListenerCertificate.ForStatus(settings), DefaultCertificate.LoadOrCreate(settings.Prefix));
            store = await StartupStore.OpenAsync(settings, registry, discardSnapshot, loggers.CreateLogger<GatewayNode>(), cancellationToken);
            audit = await OpenAuditLogAsync(settings, store, registry, metrics, loggers, cancellationToken);
        }
        catch
        {
            // Flushes what was logged before the refusal (an unreadable snapshot).
            loggers.Dispose();
            throw;
        }

        var snapshots = new ConfigSnapshotProvider(
            catalog, settings.RouterFlavor == RouterFlavor.Traditional, TimeProvider.System, loggers.CreateLogger<ConfigSnapshotProvider>());
        logRelay.Attach(() => snapshots.Current.Plugins, catalog.Find("opentelemetry") as OpenTelemetryPlugin);
        var certificates = new SniCertificateSelector(() => snapshots.Current.Certificates, controlCertificates.Gui);
        WebApplication NewControl()
        {
            var control = BuildControlHost(settings, registry, store, audit, snapshots, metrics, logger, catalog, clusterTls, controlCertificates);
            catalog.Services.Attach(control.Services);
            return control;
        }

        // The consumer lookup of whichever control host runs now: a silo the cluster evicted is replaced.
        GatewayNode? node = null;
        var consumers = new ClusterConsumerStore(() => node!._control.Services.GetRequiredService<ConsumerLookup>());
        var proxy = BuildProxyHost(settings, snapshots, metrics, certificates, logger, consumers);
        node = new GatewayNode(NewControl, proxy, consumers, store, audit, logger, [loggers]);
        try
        {
            await node._control.StartAsync(cancellationToken);
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
    /// silo, started in the background while the membership table did not answer, could not join after all. Meanwhile,
    /// when the cluster declares this node's silo dead (it was cut off longer than the probes allow, and is back), the
    /// control host is replaced by a new one (a new silo, which joins, and a refresher that catches up on the config)
    /// while the proxy serves on.
    /// </summary>
    public async Task WaitForShutdownAsync()
    {
        var proxyStopped = _proxy.WaitForShutdownAsync();
        while (true)
        {
            var evicted = _control.Services.GetRequiredService<SiloEviction>().Evicted;
            var joinFailed = _control.Services.GetRequiredService<ClusterJoin>().Failed;
            var ended = await Task.WhenAny(_control.WaitForShutdownAsync(), proxyStopped, evicted, joinFailed);
            if (ended == joinFailed)
            {
                throw new NodeStartException(await joinFailed);
            }

            if (ended != evicted)
            {
                return;
            }

            await ReplaceControlAsync(await evicted, proxyStopped);
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

        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }

        await Store.DisposeAsync();
    }

    /// <summary>The audit log when audit_log = on; a store that keeps none is a one-line refusal.</summary>
    private static async Task<NodeAuditLog?> OpenAuditLogAsync(
        GatewaySettings settings, IConfigStore store, SchemaRegistry registry, GatewayMetrics metrics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            return await NodeAuditLog.OpenAsync(settings, store, registry, NodeIdentity.Load(settings.Prefix).NodeId, metrics, loggers, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            await store.DisposeAsync();
            throw new NodeStartException(e.Message, e);
        }
    }

    /// <summary>Stops the evicted control host and starts a new one, retrying while the database or the cluster does not answer.</summary>
    private async Task ReplaceControlAsync(string reason, Task proxyStopped)
    {
        _logger.Warning("the cluster declared this node's silo dead, starting a new one; the proxy keeps serving: {Reason}", reason);
        while (!proxyStopped.IsCompleted)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
            {
                await StopQuietlyAsync(_control, timeout.Token);
            }

            await _control.DisposeAsync();
            _control = _newControl();
            _consumers.Reset();
            try
            {
                await _control.StartAsync();
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Orleans.Runtime.OrleansException || StoreFailures.IsUnavailable(e))
            {
                _logger.Warning("the new silo did not start, retrying in 5 s: {Reason}", e.Message);
                await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5)), proxyStopped);
            }
        }
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

    /// <summary>Where membership lives: the pg_* database, or the redis_* server.</summary>
    private static string? MembershipConnection(GatewaySettings settings) => settings.ClusterMembership switch
    {
        ClusterMembershipKind.Postgres => StoreFactory.Postgres(settings).ConnectionString,
        ClusterMembershipKind.Redis => RedisConnection(settings),
        _ => null,
    };

    /// <summary>The redis_* server as a StackExchange.Redis configuration string.</summary>
    private static string RedisConnection(GatewaySettings settings) =>
        $"{settings.RedisHost}:{settings.RedisPort},defaultDatabase={settings.RedisDatabase},abortConnect=false"
            + (string.IsNullOrEmpty(settings.RedisPassword) ? "" : $",password={settings.RedisPassword}");

    /// <summary>
    /// The node's log, written to the console by a background writer: requests run on the socket threads (inline
    /// completions), which must never wait on a slow stdout. Disposing it (with the logger factory) flushes it.
    /// Exceptions are written on their event's line (<see cref="OneLineExceptionSink"/>), with stack traces at debug.
    /// </summary>
    private static Serilog.Core.Logger CreateLogger(GatewaySettings settings, OtlpLogRelay relay)
    {
        const string Template = "{Timestamp:yyyy/MM/dd HH:mm:ss} [{Level:u3}] {SourceContext}: {Message:lj}{" + OneLineExceptionSink.Property + "}{NewLine}{Exception}";
        var level = ToSerilog(settings.LogLevel);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Sink(relay);

        // JSON lines carry the proxied request's kong_request_id and, for a traced request, its trace_id and span_id
        // (pushed on Serilog's context); an exception is a field of its line. The relay sends lines to OTLP logs_endpoints.
        return settings.LogFormat == LogFormat.Json
            ? configuration.WriteTo.Async(sink => sink.Console(new RenderedCompactJsonFormatter())).CreateLogger()
            : configuration.WriteTo.Async(sink => sink.Sink(Serilog.Configuration.LoggerSinkConfiguration.Wrap(
                console => level == LogEventLevel.Debug ? console : new OneLineExceptionSink(console),
                wrapped => wrapped.Console(outputTemplate: Template)))).CreateLogger();
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
        GatewaySettings settings, SchemaRegistry registry, IConfigStore store, NodeAuditLog? audit, ConfigSnapshotProvider snapshots,
        GatewayMetrics metrics, Serilog.ILogger logger, PluginCatalog catalog, ClusterTls? clusterTls, ControlCertificates certificates)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4));
        var cluster = settings.ClusterListen;
        builder.UseOrleans(silo => silo.UseGatewayCluster(new SiloOptions(
            cluster.BindAddress, cluster.Port, settings.ClusterId, settings.ServiceId, settings.ClusterMembership, MembershipConnection(settings),
            settings.ClusterMembership == ClusterMembershipKind.Cassandra ? StoreFactory.Cassandra(settings) : null, RedisConnection(settings),
            clusterTls,
            Dashboard: settings.AdminGuiListen.Count > 0)));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, settings.AdminListen, (options, _) => options.UseHttps(certificates.Admin!), KestrelRefusals.UseKongBodies);
            Listen(kestrel, settings.StatusListen, (options, _) => options.UseHttps(certificates.Status!));
            Listen(kestrel, settings.AdminGuiListen, (options, _) => options.UseHttps(certificates.Gui));
        });

        var identity = NodeIdentity.Load(settings.Prefix);
        var enabledPlugins = catalog.Enabled(settings.Plugins);
        var bodyLimits = new BodyLimits(settings.NginxAdminClientMaxBodySize, settings.NginxAdminClientBodyTimeout);
        var options = new AdminOptions(identity, KongConfiguration.From(settings, enabledPlugins), enabledPlugins, bodyLimits);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(settings);
        if (store is DeclarativeConfigStore declarative)
        {
            builder.Services.AddSingleton(declarative);
        }

        builder.Services.AddSingleton(snapshots);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<IMetricsScrape>(new MetricsScrape(store, catalog, catalog.Enabled(settings.Plugins)));
        builder.Services.AddSingleton(sp => new ConsumerLookup(sp.GetRequiredService<IGrainFactory>(), join: sp.GetRequiredService<ClusterJoin>()));
        builder.Services.AddSingleton(sp => new ConfigRefresher(
            store,
            snapshots,
            settings.DbUpdateFrequency,
            settings.Prefix,
            sp.GetRequiredService<ILogger<ConfigRefresher>>(),
            sp.GetRequiredService<ConsumerLookup>().Invalidate,
            metrics));
        builder.Services.AddSingleton<IConfigChangeListener>(sp => sp.GetRequiredService<ConfigRefresher>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigRefresher>());
        builder.Services.AddHostedService(sp => new ConsumerCacheKeeper(
            sp.GetRequiredService<ConsumerLookup>(), snapshots, settings.Prefix, sp.GetRequiredService<ILogger<ConsumerCacheKeeper>>()));
        builder.Services.AddSingleton(new ClusterStore(store));
        builder.Services.AddSingleton<IRuntimeRowStore>(sp => new ClusterRuntimeRowStore(
            sp.GetRequiredService<IGrainFactory>(), registry, store, () => snapshots.Current.Version));

        // The Admin API writes through the cluster and reads with the snapshot to fall back on.
        builder.Services.AddSingleton<ClusterConfigWriter>();
        builder.Services.AddSingleton<IConfigReader>(new SnapshotFallbackReader(store, snapshots));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SchemaValidator>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new RbacGuard(settings, () => snapshots.Current.Data, TimeProvider.System, sp.GetRequiredService<ILogger<RbacGuard>>()));
        builder.Services.AddSingleton(new AdminCors(settings.AdminGuiUrl));
        if (audit is not null)
        {
            builder.Services.AddSingleton(audit);
            builder.Services.AddSingleton(new AdminAudit(settings, audit.Policy, audit.Requests));
        }

        builder.Services.AddSingleton(new PluginAdminEndpoints(enabledPlugins.Select(catalog.Find).OfType<IGatewayPlugin>(), () => snapshots.Current.Data));
        builder.Services.AddSingleton<AdminApi>();
        builder.Services.AddSingleton<IBalancerSource>(snapshots);
        builder.Services.AddHostedService<ActiveHealthChecker>();

        var app = builder.Build();
        var admin = app.Services.GetRequiredService<AdminApi>();
        var adminPorts = Ports(settings.AdminListen);
        var statusPorts = Ports(settings.StatusListen);
        var guiPorts = Ports(settings.AdminGuiListen);
        app.MapWhen(c => adminPorts.Contains(c.Connection.LocalPort), b => b.Run(admin.HandleAsync));
        app.MapWhen(c => statusPorts.Contains(c.Connection.LocalPort), b => b.Run(c => StatusEndpoint.HandleAsync(
            c, store, c.RequestServices.GetRequiredService<IClusterMembershipService>(), c.RequestServices.GetRequiredService<IMetricsScrape>())));
        if (guiPorts.Count > 0)
        {
            MapDashboard(app, guiPorts);
        }

        return app;
    }

    /// <summary>The Orleans dashboard on admin_gui_listen, behind RBAC when it is on; a method of its own, so that its assembly loads only then.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MapDashboard(WebApplication app, HashSet<int> guiPorts)
    {
        var guard = app.Services.GetRequiredService<RbacGuard>();
        if (guard.Enabled)
        {
            var gate = new RbacDashboardGate(guard);
            app.UseWhen(c => guiPorts.Contains(c.Connection.LocalPort), b => b.Use(gate.InvokeAsync));
        }

        app.MapOrleansDashboard().RequireHost([.. guiPorts.Select(p => $"*:{p}")]);
    }

    private static WebApplication BuildProxyHost(
        GatewaySettings settings, ConfigSnapshotProvider snapshots, GatewayMetrics metrics, SniCertificateSelector certificates, Serilog.ILogger logger,
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
            LimitProxy(kestrel.Limits, settings);
            ConnectionHeaderCapture.Install(kestrel);
            Listen(kestrel, settings.ProxyListen, (options, protocols) => options.UseHttps(certificates.CreateHandshakeOptions(protocols)));
        });
        var accessLog = settings.ProxyAccessLog is var (path, format) ? new ProxyAccessLog(Path.Combine(settings.Prefix, path), format) : null;
        var options = new ProxyOptions(settings) { AccessLog = accessLog };
        RequestBodyBuffer.PrepareTempPath(options.Body.TempPath);
        builder.Services.AddSingleton(snapshots);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<UpstreamClients>();
        builder.Services.AddSingleton<IDestinationResolver, BalancedDestinationResolver>();
        builder.Services.AddSingleton<ServiceClient>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(consumers);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<ProxyHandler>();
        if (settings.StreamListen.Count > 0)
        {
            builder.Services.AddHostedService(sp => new StreamListeners(
                settings.StreamListen,
                settings.NginxEventsWorkerConnections,
                stopping => new StreamServices(snapshots, certificates, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Stream"), stopping),
                sp.GetRequiredService<ILogger<StreamListeners>>()));
        }

        var app = builder.Build();
        if (accessLog is not null)
        {
            app.Lifetime.ApplicationStopped.Register(accessLog.Dispose);
        }

        app.Run(app.Services.GetRequiredService<ProxyHandler>().HandleAsync);
        return app;
    }

    /// <summary>
    /// nginx's limits on client connections and requests, from the nginx_* settings: Kestrel answers past them
    /// itself (414 request line, 431 headers, 408 headers timeout, and closes connections past the count at once).
    /// Bodies have no rate floor, as nginx: client_body_timeout (buffered bodies) and the service's read_timeout
    /// (streamed ones) end a stalled one.
    /// </summary>
    private static void LimitProxy(KestrelServerLimits limits, GatewaySettings settings)
    {
        var headers = settings.NginxHttpLargeClientHeaderBuffers;
        limits.MaxConcurrentConnections = settings.NginxEventsWorkerConnections;
        limits.MaxConcurrentUpgradedConnections = settings.NginxEventsWorkerConnections;
        limits.MaxRequestBodySize = settings.NginxHttpClientMaxBodySize > 0 ? settings.NginxHttpClientMaxBodySize : null;
        limits.MinRequestBodyDataRate = null;
        limits.MaxRequestLineSize = headers.Size;
        limits.MaxRequestHeadersTotalSize = headers.Total;
        limits.MaxRequestHeaderCount = Math.Max(100, headers.Total / 4); // nginx counts bytes only; the shortest header line is 4 bytes
        limits.Http2.MaxRequestHeaderFieldSize = headers.Size;
        limits.RequestHeadersTimeout = settings.NginxHttpClientHeaderTimeout;
        limits.KeepAliveTimeout = settings.NginxHttpKeepaliveTimeout;
    }

    /// <summary>Binds each listener; <paramref name="useTls"/> sets up TLS on the <c>ssl</c> ones, then <paramref name="configure"/> runs on all.</summary>
    private static void Listen(
        KestrelServerOptions kestrel, IReadOnlyList<Listener> listeners, Action<ListenOptions, HttpProtocols> useTls, Action<ListenOptions>? configure = null)
    {
        foreach (var listener in listeners)
        {
            kestrel.Listen(listener.BindAddress, listener.Port, options =>
            {
                options.Protocols = listener.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                if (listener.Ssl)
                {
                    useTls(options, options.Protocols);
                }

                configure?.Invoke(options);
            });
        }
    }

    private static HashSet<int> Ports(IReadOnlyList<Listener> listeners) => [.. listeners.Select(l => l.Port)];
}
