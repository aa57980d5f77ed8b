namespace Gateway.Cluster.Joining;

/// <summary>
/// Where this node's silo is in joining the cluster. A node serves before its silo has joined: when the membership
/// table does not answer at start-up (cluster_membership = postgres while the database is down), the silo keeps
/// trying in the background and the node starts on its saved config. What calls grains asks here first, so that a
/// call is never left waiting on a silo that is not there yet.
/// </summary>
public sealed class ClusterJoin
{
    private readonly TaskCompletionSource _tableUnreachable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _active;

    /// <summary>True once the silo is active in the cluster: grain calls reach it.</summary>
    public bool IsActive => _active;

    /// <summary>Completes, with a one-line reason, when the silo's start failed after the node had started without it.</summary>
    public Task<string> Failed => _failed.Task;

    /// <summary>Completes the first time the membership table does not answer while the silo starts.</summary>
    internal Task TableUnreachable => _tableUnreachable.Task;

    /// <summary>The membership table did not answer; the silo goes on trying.</summary>
    internal void OnTableUnreachable() => _tableUnreachable.TrySetResult();

    /// <summary>The silo is active.</summary>
    internal void OnJoined() => _active = true;

    /// <summary>The silo's start failed for good.</summary>
    internal void OnFailed(string reason) => _failed.TrySetResult(reason);
}
