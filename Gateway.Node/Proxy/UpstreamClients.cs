using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Gateway.Node.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// Pooled upstream connections and per-service forwarding settings. One <see cref="HttpMessageInvoker"/>
/// per distinct (connect_timeout, TLS verification): they outlive config snapshots, so a config change
/// never drops warm connections. A service's <see cref="ForwarderRequestConfig"/> is built once per
/// compiled service.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly ConcurrentDictionary<(TimeSpan ConnectTimeout, bool Verify), HttpMessageInvoker> _invokers = new();
    private readonly ConditionalWeakTable<ServiceModel, ServicePlan> _plans = [];

    /// <summary>The invoker and request settings for a service.</summary>
    public ServicePlan PlanFor(ServiceModel service) => _plans.GetValue(service, Build);

    /// <summary>Disposes every pooled invoker.</summary>
    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }

    private ServicePlan Build(ServiceModel service)
    {
        var verify = service.TlsVerify == true;
        var invoker = _invokers.GetOrAdd((service.ConnectTimeout, verify), key => new HttpMessageInvoker(CreateHandler(key.ConnectTimeout, key.Verify)));

        // YARP's activity timeout resets on every read and write either way; Kong's read_timeout is
        // the limit between two reads from the upstream, the one that fires on a slow upstream.
        var timeout = service.ReadTimeout;
        ForwarderRequestConfig Config(Version version, HttpVersionPolicy policy) =>
            new() { ActivityTimeout = timeout, Version = version, VersionPolicy = policy };

        return service.IsGrpc
            ? new ServicePlan(invoker, Config(HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact), Config(HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact))
            : service.IsTls
                ? new ServicePlan(invoker, Config(HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower), Config(HttpVersion.Version20, HttpVersionPolicy.RequestVersionOrLower))
                : new ServicePlan(invoker, Config(HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower), Config(HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrLower));
    }

    private static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout, bool verify)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = connectTimeout,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectCallback = UpstreamConnector.ConnectAsync,
        };
        if (!verify)
        {
            // Kong's default (proxy_ssl_verify off): upstream certificates are not checked unless the
            // service sets tls_verify.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return handler;
    }
}
