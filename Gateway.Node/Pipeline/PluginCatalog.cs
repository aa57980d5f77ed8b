using System.Collections.Frozen;
using Gateway.Node.Plugins;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Entities.Rbac;

namespace Gateway.Node.Pipeline;

/// <summary>
/// The plugins this node can run, by name, frozen at start-up: the bundled ones plus those from the custom
/// assemblies the <c>plugins</c> setting names. Snapshots resolve plugin rows here once, never per request.
/// Everything the node knows of its plugins comes from these instances: schemas, owned entities and names.
/// </summary>
public sealed class PluginCatalog
{
    /// <summary>The entities every node has whatever its plugins: Kong's core entities, then the Admin API's RBAC.</summary>
    private static readonly IReadOnlyList<EntitySchema> BuiltInEntities = [.. CoreEntities.All, .. RbacEntities.All];

    private readonly FrozenDictionary<string, IGatewayPlugin> _byName;
    private readonly IReadOnlyList<IGatewayPlugin> _bundled;

    /// <summary>
    /// Builds a catalog; a later plugin of the same name as an earlier one is refused, as is an owned entity
    /// whose name or Admin API path another entity has, or that references an entity nobody defines.
    /// </summary>
    public PluginCatalog(IEnumerable<IGatewayPlugin> bundled, IReadOnlyList<IGatewayPlugin> custom, PluginServices services)
    {
        _bundled = [.. bundled];
        Plugins = [.. _bundled, .. custom];
        var duplicate = Plugins.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"plugin '{duplicate.Key}' is defined twice");
        }

        CheckEntities(Plugins);
        _byName = Plugins.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        Custom = custom;
        Services = services;
    }

    /// <summary>The bundled plugins only, with services attached by whoever starts the node (tests use it without).</summary>
    public static PluginCatalog Bundled { get; } = ForSetting(["bundled"]);

    /// <summary>Every plugin: the bundled ones in registration order, then the custom ones.</summary>
    public IReadOnlyList<IGatewayPlugin> Plugins { get; }

    /// <summary>The plugins loaded from custom assemblies.</summary>
    public IReadOnlyList<IGatewayPlugin> Custom { get; }

    /// <summary>The services handed to every plugin's constructor; the node attaches its provider once started.</summary>
    public PluginServices Services { get; }

    /// <summary>Every plugin schema, in the order of <see cref="Plugins"/>.</summary>
    public IEnumerable<PluginSchema> Schemas => Plugins.Select(p => p.Schema);

    /// <summary>The schema registry a node with these plugins validates with: the built-in entities, then the plugins' own, and these plugins.</summary>
    public SchemaRegistry CreateRegistry() => new(BuiltInEntities.Concat(Plugins.SelectMany(p => p.Entities)), Schemas);

    /// <summary>The plugin for a name, or null.</summary>
    public IGatewayPlugin? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The plugin names a <c>plugins</c> setting enables: <c>bundled</c> stands for every bundled plugin,
    /// an entry that names an assembly for the plugins loaded from it, any other entry for itself; kept in
    /// the order written, each once.
    /// </summary>
    public IReadOnlyList<string> Enabled(IEnumerable<string> setting) =>
        [.. setting.SelectMany(entry => entry == "bundled" ? _bundled.Select(p => p.Name)
            : PluginAssemblyLoader.IsAssemblyEntry(entry) ? Custom.Select(p => p.Name)
            : [entry]).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The catalog for a <c>plugins</c> setting: every bundled plugin, plus the plugins of each entry
    /// that names an assembly (see <see cref="PluginAssemblyLoader.IsAssemblyEntry"/>).
    /// </summary>
    public static PluginCatalog ForSetting(IEnumerable<string> setting, string? baseDirectory = null)
    {
        var services = new PluginServices();
        var custom = setting.Where(PluginAssemblyLoader.IsAssemblyEntry)
            .SelectMany(entry => PluginAssemblyLoader.Load(entry, services, baseDirectory ?? AppContext.BaseDirectory))
            .ToArray();
        return new PluginCatalog(BundledPlugins.All.Select(create => create(services)), custom, services);
    }

    /// <summary>Refuses owned entities the registry could not hold or serve, with the plugin at fault.</summary>
    private static void CheckEntities(IEnumerable<IGatewayPlugin> plugins)
    {
        var names = BuiltInEntities.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var paths = BuiltInEntities.Select(e => e.AdminPath).ToHashSet(StringComparer.Ordinal);
        var owned = plugins.SelectMany(p => p.Entities.Select(e => (Plugin: p.Name, Entity: e))).ToList();
        foreach (var (plugin, entity) in owned)
        {
            if (!names.Add(entity.Name) || !paths.Add(entity.AdminPath))
            {
                throw new InvalidOperationException($"plugin '{plugin}': entity '{entity.Name}' (at /{entity.AdminPath}) is defined twice");
            }
        }

        foreach (var (plugin, entity) in owned)
        {
            if (entity.ForeignFields.FirstOrDefault(f => !names.Contains(f.Reference!)) is { } field)
            {
                throw new InvalidOperationException($"plugin '{plugin}': entity '{entity.Name}' references unknown entity '{field.Reference}'");
            }
        }
    }
}
