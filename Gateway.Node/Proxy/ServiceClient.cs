using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.ServiceCalls;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// <see cref="IServiceClient"/> on the proxy's own parts: the current snapshot's services, the request's peers from
/// <see cref="IDestinationResolver"/> (so balancers, health checks and least-connections hear every try), the pooled
/// invokers of <see cref="UpstreamClients"/>, and <see cref="RetryPolicy"/>'s rules for trying again.
/// </summary>
public sealed class ServiceClient(ConfigSnapshotProvider snapshots, UpstreamClients clients, IDestinationResolver resolver) : IServiceClient
{
    private static readonly HashSet<string> FramingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "TE", "Upgrade", "Host",
    };

    private readonly ConditionalWeakTable<RouteTable, Dictionary<string, ServiceModel>> _byName = [];

    /// <inheritdoc />
    public bool Exists(string service) => Find(snapshots.Current, service) is not null;

    /// <inheritdoc />
    public async Task<HttpResponseMessage> SendAsync(PluginContext context, string service, ServiceRequest request, CancellationToken cancellationToken)
    {
        var snapshot = snapshots.Current;
        var model = Find(snapshot, service) ?? throw new ServiceCallException(ServiceCallFailure.UnknownService, $"no service '{service}'");
        var peers = resolver.Resolve(snapshot, model, context.Http, context.NamedUriCaptures, context);
        var invoker = clients.PlanFor(model).Invoker;
        var path = string.Concat(model.Path is { Length: > 1 } servicePath ? servicePath.TrimEnd('/') : "", request.PathAndQuery);
        for (var attempt = 0; ; attempt++)
        {
            if (!peers.TryNext(out var destination, out var failure))
            {
                throw new ServiceCallException(ServiceCallFailure.NoPeer, failure);
            }

            var started = Stopwatch.GetTimestamp();
            using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            readTimeout.CancelAfter(model.ReadTimeout);
            try
            {
                var response = await invoker.SendAsync(Message(context, request, destination, path), readTimeout.Token);
                peers.Report(destination, ForwarderError.None, (int)response.StatusCode, Stopwatch.GetElapsedTime(started));
                return response;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var timedOut = e is OperationCanceledException || ForwarderFailures.IsTimeout(e);
                peers.Report(destination, timedOut ? ForwarderError.RequestTimedOut : ForwarderError.Request, 0, Stopwatch.GetElapsedTime(started));
                if (attempt >= model.Retries || ForwarderFailures.IsNameResolution(e)
                    || !(RetryPolicy.IsIdempotent(request.Method) || ForwarderFailures.NeverReachedUpstream(e)))
                {
                    throw new ServiceCallException(timedOut ? ServiceCallFailure.Timeout : ServiceCallFailure.Failed, $"{destination.Prefix}: {e.Message}", e);
                }
            }
            catch (OperationCanceledException)
            {
                peers.Report(destination, ForwarderError.RequestCanceled, 0, Stopwatch.GetElapsedTime(started));
                throw;
            }
        }
    }

    /// <summary>A service by id, else by name, in this snapshot (the names are indexed once per route table).</summary>
    private ServiceModel? Find(ConfigSnapshot snapshot, string service)
    {
        var services = snapshot.Routes.Services;
        return services.TryGetValue(service, out var byId)
            ? byId
            : _byName.GetValue(snapshot.Routes, static table => table.Services.Values.Where(s => s.Name is not null).ToDictionary(s => s.Name!, StringComparer.Ordinal))
                .GetValueOrDefault(service);
    }

    /// <summary>One try's message: a new one each time, since a sent message cannot be sent again.</summary>
    private static HttpRequestMessage Message(PluginContext context, ServiceRequest request, Destination destination, string path)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), destination.UriFor(path, ""))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (request.Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (FramingHeaders.Contains(name))
            {
                // The message frames its own body; a caller's copy of the client's framing would contradict it.
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.Host = destination.HostHeader;
        message.Headers.TryAddWithoutValidation("X-Real-IP", context.ClientIp);
        message.Headers.TryAddWithoutValidation("X-Forwarded-For", context.ClientIp);
        message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", context.Scheme);
        message.Headers.TryAddWithoutValidation("X-Forwarded-Host", context.Host);
        message.Headers.TryAddWithoutValidation("X-Kong-Request-Id", context.RequestId);
        return message;
    }
}
