using System.Diagnostics.CodeAnalysis;
using Gateway.Node.Upstreams;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// One request's picks from one upstream's balancer (Kong's balancer_data for the request): the same balancer
/// and the same <see cref="BalancerRequest"/> for every try, so a retry avoids the targets already tried and
/// every pick is completed on the balancer that made it.
/// </summary>
internal sealed class BalancedPeers(UpstreamBalancer balancer, BalancerRequest request, HttpContext context, bool tls) : IPeerSource
{
    /// <inheritdoc />
    public bool TryNext([NotNullWhen(true)] out Destination? destination, [NotNullWhen(false)] out string? failure)
    {
        var target = balancer.Pick(request);
        if (target is null)
        {
            destination = null;
            failure = UpstreamBalancer.NoPeerMessage;
            return false;
        }

        if (request.SetCookie is { } cookie && request.Tries == 1)
        {
            // hash_on cookie without the client's cookie: Kong sets it on the response, once.
            context.Response.Headers.Append(HeaderNames.SetCookie, cookie);
        }

        var scheme = tls ? "https" : "http";
        var hostHeader = DirectDestinationResolver.HostHeader(balancer.HostHeaderFor(target), target.Port, tls);
        destination = new Destination($"{scheme}://{target.Authority}", hostHeader, target);
        failure = null;
        return true;
    }

    /// <inheritdoc />
    public void Report(Destination destination, ForwarderError error, int statusCode, TimeSpan latency)
    {
        var outcome = error switch
        {
            ForwarderError.None => RequestOutcome.Response(statusCode, latency),
            ForwarderError.RequestTimedOut => RequestOutcome.Timeout(latency),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled => RequestOutcome.Aborted(latency),
            _ => RequestOutcome.TcpFailure(latency),
        };
        balancer.Complete((UpstreamTarget)destination.State!, outcome);
    }
}
