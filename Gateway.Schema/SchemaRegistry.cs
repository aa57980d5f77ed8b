using System.Collections.Frozen;

namespace Gateway.Schema;

/// <summary>
/// Every entity schema and plugin schema the node knows, frozen once at start-up. The core
/// entities come from Gateway.Storage.Entities.CoreEntities; plugins add their own config schemas
/// and credential entities.
/// </summary>
public sealed class SchemaRegistry
{
    private readonly FrozenDictionary<string, EntitySchema> _entities;
    private readonly FrozenDictionary<string, EntitySchema> _byAdminPath;
    private readonly FrozenDictionary<string, PluginSchema> _plugins;

    /// <summary>Builds the registry from entity schemas (core first) and plugin schemas.</summary>
    public SchemaRegistry(IEnumerable<EntitySchema> entities, IEnumerable<PluginSchema> plugins)
    {
        Entities = [.. entities];
        _entities = Entities.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal);
        _byAdminPath = Entities.ToFrozenDictionary(e => e.AdminPath, StringComparer.Ordinal);
        Plugins = [.. plugins.OrderBy(p => p.Name, StringComparer.Ordinal)];
        _plugins = Plugins.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>All entity schemas, in registration order (parents before children).</summary>
    public IReadOnlyList<EntitySchema> Entities { get; }

    /// <summary>All plugin schemas, by name.</summary>
    public IReadOnlyList<PluginSchema> Plugins { get; }

    /// <summary>The schema of an entity by its name ("keyauth_credentials").</summary>
    public EntitySchema? Find(string name) => _entities.GetValueOrDefault(name);

    /// <summary>The schema of an entity by its Admin API collection path ("key-auths").</summary>
    public EntitySchema? FindByAdminPath(string path) => _byAdminPath.GetValueOrDefault(path);

    /// <summary>The schema of a plugin by name.</summary>
    public PluginSchema? FindPlugin(string name) => _plugins.GetValueOrDefault(name);

    /// <summary>The schema of an entity that must exist.</summary>
    public EntitySchema Get(string name) =>
        Find(name) ?? throw new ArgumentException($"unknown entity '{name}'", nameof(name));

    /// <summary>Every (schema, field) pair whose foreign field references <paramref name="entity"/>.</summary>
    public IEnumerable<(EntitySchema Schema, Field Field)> ReferencesTo(string entity) =>
        Entities.SelectMany(s => s.ForeignFields.Where(f => f.Reference == entity).Select(f => (s, f)));
}
