using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Tests.Support;

/// <summary>How a <see cref="Backend"/> listens and answers.</summary>
public sealed record BackendOptions
{
    /// <summary>The name the echo reports (X-Backend header, <c>backend</c> field).</summary>
    public string Name { get; init; } = "backend";

    /// <summary>HTTP/1.1 by default; Http2 alone gives h2c.</summary>
    public HttpProtocols Protocols { get; init; } = HttpProtocols.Http1;

    /// <summary>Serve HTTPS with a self-signed certificate.</summary>
    public bool Tls { get; init; }

    /// <summary>The address it listens on: loopback unless a test's own network needs another.</summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>Services the app needs (a gRPC service's <c>AddGrpc</c>).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? Services { get; init; }

    /// <summary>Endpoints that answer instead of <see cref="Handler"/> (a gRPC service); <see cref="Backend.Status"/> and the request count then do not apply.</summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplication>? Endpoints { get; init; }

    /// <summary>What answers each request; null for <see cref="BackendEcho"/>.</summary>
    public RequestDelegate? Handler { get; init; }
}
