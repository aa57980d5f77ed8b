using Gateway.Node.Pipeline;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Config;

/// <summary>
/// Holds the node's current <see cref="ConfigSnapshot"/> and swaps it atomically, as YARP's
/// IProxyConfigProvider does: readers take <see cref="Current"/> without a lock; a newer config is
/// compiled off to the side and published with one reference write.
/// </summary>
/// <param name="plugins">The plugin handlers snapshots compile plugin rows with; the bundled ones when null.</param>
/// <param name="honorPathHandlingV1">router_flavor = traditional: routes' path_handling v1 applies.</param>
public sealed class ConfigSnapshotProvider(PluginCatalog? plugins = null, bool honorPathHandlingV1 = false)
{
    private readonly Lock _applyLock = new();
    private ConfigSnapshot _current = ConfigSnapshot.Build(ConfigData.Empty, plugins, honorPathHandlingV1);

    /// <summary>Raised after a new snapshot is published; followers subscribe through <see cref="Follow"/>.</summary>
    private event Action<ConfigSnapshot>? Swapped;

    /// <summary>The snapshot to serve the next request with.</summary>
    public ConfigSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// Compiles <paramref name="data"/> and publishes it, unless the current snapshot is already at that
    /// version or newer; returns whether it was published. A config that fails to compile throws and
    /// leaves the current snapshot serving.
    /// </summary>
    public bool Apply(ConfigData data)
    {
        ConfigSnapshot next;
        lock (_applyLock)
        {
            if (data.Version != 0 && data.Version <= Current.Version)
            {
                return false;
            }

            next = ConfigSnapshot.Build(data, plugins, honorPathHandlingV1);
            Volatile.Write(ref _current, next);
        }

        Swapped?.Invoke(next);
        return true;
    }

    /// <summary>
    /// Calls <paramref name="apply"/> with the current config now and with every published one after, on the
    /// publishing thread. A failure goes to <paramref name="failed"/> (with that config's version) and never fails
    /// the publication: the follower keeps what it built last. Dispose the result to stop following.
    /// </summary>
    public IDisposable Follow(Action<ConfigData> apply, Action<long, Exception> failed)
    {
        apply(Current.Data);
        Swapped += OnSwapped;
        return new Unfollow(() => Swapped -= OnSwapped);

        void OnSwapped(ConfigSnapshot snapshot)
        {
            try
            {
                apply(snapshot.Data);
            }
            catch (Exception e)
            {
                failed(snapshot.Version, e);
            }
        }
    }

    private sealed class Unfollow(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
