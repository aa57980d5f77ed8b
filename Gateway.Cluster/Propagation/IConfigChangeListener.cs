namespace Gateway.Cluster.Propagation;

/// <summary>The node-side end of a push: the node's config refresher.</summary>
public interface IConfigChangeListener
{
    /// <summary>
    /// The store reached <paramref name="version"/>, committed at <paramref name="committedAtMs"/> (Unix milliseconds, the
    /// writer's clock); bring the snapshot there. Must return quickly.
    /// </summary>
    void OnVersion(long version, long committedAtMs);

    /// <summary>
    /// Completes once this node's snapshot is at <paramref name="version"/> or later: normally when the push of that
    /// version has been applied; when none brings it within a bounded wait, after reading the store once itself.
    /// </summary>
    Task WaitForVersionAsync(long version);
}
