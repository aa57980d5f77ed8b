using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Node.Upstreams;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// Resolves a service whose host names an upstream through that upstream's balancer, as Kong's
/// balancer phase does, and reports each attempt's outcome back for passive health checks and
/// least-connections/latency bookkeeping. Any other host goes straight to host:port.
/// </summary>
public sealed class BalancedDestinationResolver : IDestinationResolver
{
    private readonly DirectDestinationResolver _direct = new();

    /// <inheritdoc />
    public bool TryResolve(
        ConfigSnapshot snapshot,
        ServiceModel service,
        HttpContext context,
        RouteMatch match,
        int attempt,
        out Destination? destination,
        out string? failure)
    {
        if (!snapshot.Balancers.TryGet(service.Host, out var balancer))
        {
            return _direct.TryResolve(snapshot, service, context, match, attempt, out destination, out failure);
        }

        // One balancer request per client request, so that retries avoid the targets already tried.
        var request = context.Features.Get<BalancerRequest>();
        if (request is null)
        {
            request = new BalancerRequest(context) { UriCaptures = match.Captures?.Named };
            context.Features.Set(request);
        }

        var target = balancer.Pick(request);
        if (target is null)
        {
            destination = null;
            failure = UpstreamBalancer.NoPeerMessage;
            return false;
        }

        if (request.SetCookie is { } cookie && attempt == 0)
        {
            context.Response.Headers.Append(HeaderNames.SetCookie, cookie);
        }

        var scheme = service.IsTls ? "https" : "http";
        var hostHeader = DirectDestinationResolver.HostHeader(balancer.HostHeaderFor(target), target.Port, service.IsTls);
        destination = new Destination($"{scheme}://{target.Authority}", hostHeader, new BalancedPick(balancer, target));
        failure = null;
        return true;
    }

    /// <inheritdoc />
    public void Report(Destination destination, ForwarderError error, int statusCode, TimeSpan latency)
    {
        if (destination.State is not BalancedPick pick)
        {
            return;
        }

        var outcome = error switch
        {
            ForwarderError.None => RequestOutcome.Response(statusCode, latency),
            ForwarderError.RequestTimedOut => RequestOutcome.Timeout(latency),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled => RequestOutcome.Aborted(latency),
            _ => RequestOutcome.TcpFailure(latency),
        };
        pick.Balancer.Complete(pick.Target, outcome);
    }

    /// <summary>What was picked for one attempt, carried in <see cref="Destination.State"/> to its report.</summary>
    private sealed record BalancedPick(UpstreamBalancer Balancer, UpstreamTarget Target);
}
