namespace Gateway.Cluster.Membership;

/// <summary>
/// Completes when the cluster declared this silo dead (a partition outlasted the probes) or Orleans met another fatal
/// error: the silo cannot go on, and the node replaces its control plane with a new silo while the proxy keeps serving.
/// One per silo.
/// </summary>
public sealed class SiloEviction
{
    private readonly TaskCompletionSource<string> _evicted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the reason once the silo is lost.</summary>
    public Task<string> Evicted => _evicted.Task;

    /// <summary>Records that the silo is lost; later calls are ignored.</summary>
    public void Report(string reason) => _evicted.TrySetResult(reason);
}
