using System.Net;
using System.Net.Sockets;
using Gateway.Plugins.Sdk.Tracing;

namespace Gateway.Node.Proxy;

/// <summary>
/// Opens upstream connections as SocketsHttpHandler does by default (a TCP socket with Nagle off), except that a
/// traced request that needs a name resolved has it resolved here, in a <c>kong.dns</c> span (CLIENT) with Kong's
/// <c>dns.record.domain</c>, <c>dns.record.port</c> and <c>dns.record.ip</c>.
/// </summary>
internal static class UpstreamConnector
{
    /// <summary>The request option that carries a traced request's <see cref="RequestTrace"/> to its connection.</summary>
    public static readonly HttpRequestOptionsKey<RequestTrace> TraceOption = new("gateway.trace");

    /// <summary>SocketsHttpHandler's ConnectCallback.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken token)
    {
        var endpoint = context.DnsEndPoint;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (!IPAddress.TryParse(endpoint.Host, out _)
                && context.InitialRequestMessage.Options.TryGetValue(TraceOption, out var trace)
                && trace.Start(TracingInstrumentations.DnsQuery, "kong.dns", TraceSpanKind.Client) is { } span)
            {
                await socket.ConnectAsync(await ResolveAsync(endpoint, span, token), endpoint.Port, token);
            }
            else
            {
                await socket.ConnectAsync(endpoint, token);
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(DnsEndPoint endpoint, TraceSpan span, CancellationToken token)
    {
        span.SetAttribute("dns.record.domain", endpoint.Host);
        span.SetAttribute("dns.record.port", (long)endpoint.Port);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, token);
            span.SetAttribute("dns.record.ip", addresses.Length > 0 ? addresses[0].ToString() : "");
            return addresses;
        }
        catch (Exception e)
        {
            span.Fail(e.Message);
            throw;
        }
        finally
        {
            span.End();
        }
    }
}
