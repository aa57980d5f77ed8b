namespace Gateway.Plugins.Sdk;

/// <summary>
/// The request as the engine forwards it, the part of a <see cref="PluginContext"/> that is not in its
/// <see cref="Microsoft.AspNetCore.Http.HttpContext"/>. A struct: the engine makes one for every request that runs a plugin.
/// </summary>
/// <param name="RequestId">The request id (X-Kong-Request-Id).</param>
/// <param name="ClientIp">The client's address as forwarded (X-Real-IP).</param>
/// <param name="Scheme">The scheme as forwarded ("http" or "https").</param>
/// <param name="Host">The host name as forwarded (no port, lower case).</param>
/// <param name="Path">The normalized path the router matches on (no query).</param>
public readonly record struct PluginRequest(string RequestId, string ClientIp, string Scheme, string Host, string Path)
{
    /// <summary>A request read from a bare <see cref="Microsoft.AspNetCore.Http.HttpContext"/> (a unit test's), with a new id.</summary>
    public static PluginRequest From(Microsoft.AspNetCore.Http.HttpContext http) => new(
        Guid.NewGuid().ToString("N"),
        http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
        http.Request.Scheme,
        http.Request.Host.Host,
        http.Request.Path.HasValue ? http.Request.Path.Value! : "/");
}
