using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>How requests to one compiled service are forwarded.</summary>
/// <param name="Invoker">The pooled client.</param>
/// <param name="Http1">Settings for HTTP/1.x clients.</param>
/// <param name="Http2">Settings for HTTP/2 clients (h2 to https upstreams when ALPN offers it).</param>
public sealed record ServicePlan(HttpMessageInvoker Invoker, ForwarderRequestConfig Http1, ForwarderRequestConfig Http2);
