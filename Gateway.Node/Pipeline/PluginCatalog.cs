using System.Collections.Frozen;
using Gateway.Node.Plugins;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Entities;
using Gateway.Schema;

namespace Gateway.Node.Pipeline;

/// <summary>
/// The plugin handlers this node can run, by name, frozen at start-up: the bundled ones plus those
/// from the custom assemblies the <c>plugins</c> setting names. Snapshots resolve plugin rows here
/// once, never per request.
/// </summary>
public sealed class PluginCatalog
{
    private readonly FrozenDictionary<string, IGatewayPlugin> _byName;

    /// <summary>Builds a catalog; a later plugin of the same name as an earlier one is refused.</summary>
    public PluginCatalog(IEnumerable<IGatewayPlugin> plugins, IReadOnlyList<IGatewayPlugin> custom, PluginServices services)
    {
        var all = plugins.Concat(custom).ToArray();
        var duplicate = all.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"plugin '{duplicate.Key}' is defined twice");
        }

        _byName = all.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        Custom = custom;
        Services = services;
    }

    /// <summary>The bundled plugins only, with services attached by whoever starts the node (tests use it without).</summary>
    public static PluginCatalog Bundled { get; } = ForSetting(["bundled"]);

    /// <summary>The plugins loaded from custom assemblies.</summary>
    public IReadOnlyList<IGatewayPlugin> Custom { get; }

    /// <summary>The services handed to every plugin's constructor; the node attaches its provider once started.</summary>
    public PluginServices Services { get; }

    /// <summary>Every plugin schema: the bundled ones, then the custom ones.</summary>
    public IEnumerable<PluginSchema> Schemas => BundledPlugins.Schemas.Concat(Custom.Select(p => p.Schema));

    /// <summary>The schema registry a node with these plugins validates with: core and credential entities, and these plugins.</summary>
    public SchemaRegistry CreateRegistry() => new(CoreEntities.All.Concat(BundledPlugins.CredentialEntities), Schemas);

    /// <summary>The handler for a plugin name, or null (a bundled plugin whose handler is not written yet has none).</summary>
    public IGatewayPlugin? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The catalog for a <c>plugins</c> setting: every bundled handler, plus the plugins of each entry
    /// that names an assembly (see <see cref="PluginAssemblyLoader.IsAssemblyEntry"/>).
    /// </summary>
    public static PluginCatalog ForSetting(IEnumerable<string> setting, string? baseDirectory = null)
    {
        var services = new PluginServices();
        var custom = setting.Where(PluginAssemblyLoader.IsAssemblyEntry)
            .SelectMany(entry => PluginAssemblyLoader.Load(entry, services, baseDirectory ?? AppContext.BaseDirectory))
            .ToArray();
        return new PluginCatalog(BundledPlugins.Handlers.Select(create => create(services)), custom, services);
    }
}
