namespace Gateway.Plugins.Sdk.ServiceCalls;

/// <summary>Why a <see cref="IServiceClient"/> call got no response.</summary>
public enum ServiceCallFailure
{
    /// <summary>The config has no such service.</summary>
    UnknownService,

    /// <summary>The service's balancer had no healthy target (the proxy's 503).</summary>
    NoPeer,

    /// <summary>The last try timed out: connect_timeout or read_timeout (the proxy's 504).</summary>
    Timeout,

    /// <summary>The last try failed otherwise (the proxy's 502).</summary>
    Failed,
}

/// <summary>A service call that got no response, and why.</summary>
public sealed class ServiceCallException(ServiceCallFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why there was no response.</summary>
    public ServiceCallFailure Failure { get; } = failure;
}
