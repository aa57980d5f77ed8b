using Orleans.Runtime;

namespace Gateway.Cluster.Membership;

/// <summary>
/// Orleans' fatal-error hook without its process kill: by default a silo the cluster declared dead (it comes back from
/// a partition to find itself voted out) ends the process with Environment.FailFast, which takes the proxy down with it.
/// Here it reports the loss to <see cref="SiloEviction"/> instead, and the node starts a new silo.
/// </summary>
public sealed class EvictionFatalErrorHandler(SiloEviction eviction) : IFatalErrorHandler
{
    /// <inheritdoc/>
    public bool IsUnexpected(Exception exception) => exception is not OperationCanceledException;

    /// <inheritdoc/>
    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) =>
        eviction.Report(context ?? exception?.Message ?? "fatal error in the silo");
}
