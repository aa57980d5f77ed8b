namespace Gateway.Plugins.Sdk;

/// <summary>
/// The node's services, for plugins that need more than their config (a logger, the time, the
/// cluster's grain factory, the node's settings). A plugin gets it by declaring a constructor that
/// takes it; plugins are built before the node's hosts, so resolve services on first use (in
/// <c>CreateConfig</c> or a phase), never in the constructor.
/// </summary>
public sealed class PluginServices
{
    private IServiceProvider? _services;

    /// <summary>The node's service provider; throws before the node has started.</summary>
    public IServiceProvider Services =>
        Volatile.Read(ref _services) ?? throw new InvalidOperationException("plugin services are available once the node has started");

    /// <summary>A required service.</summary>
    public T Get<T>()
        where T : notnull =>
        (T)(Services.GetService(typeof(T)) ?? throw new InvalidOperationException($"no service of type {typeof(T)}"));

    /// <summary>An optional service, or null.</summary>
    public T? Find<T>()
        where T : class =>
        _services?.GetService(typeof(T)) as T;

    /// <summary>Called once by the node when its services exist.</summary>
    public void Attach(IServiceProvider services) => Volatile.Write(ref _services, services);
}
