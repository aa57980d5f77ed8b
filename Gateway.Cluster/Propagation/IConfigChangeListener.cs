namespace Gateway.Cluster.Propagation;

/// <summary>The node-side end of a push: the node's config refresher.</summary>
public interface IConfigChangeListener
{
    /// <summary>The store reached <paramref name="version"/>; bring the snapshot there. Must return quickly.</summary>
    void OnVersion(long version);
}
