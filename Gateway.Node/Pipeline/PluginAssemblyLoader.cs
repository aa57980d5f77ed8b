using System.Reflection;
using System.Runtime.Loader;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Pipeline;

/// <summary>
/// Loads custom plugins from the assemblies the <c>plugins</c> setting names: an entry that ends in
/// ".dll" or holds a path separator is a file (relative to the working folder, else to the node's
/// own folder); an entry with a dot but no separator is an assembly name, looked up as
/// <c>&lt;name&gt;.dll</c> beside the node. Plugin names are kebab-case and never hold a dot, so the
/// two kinds of entry cannot be confused. Every public, non-abstract <see cref="IGatewayPlugin"/> in
/// the assembly is a plugin.
/// </summary>
public static class PluginAssemblyLoader
{
    /// <summary>Whether a <c>plugins</c> entry names an assembly rather than a plugin.</summary>
    public static bool IsAssemblyEntry(string entry) =>
        entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || entry.Contains('/') || entry.Contains('\\') || entry.Contains('.');

    /// <summary>Loads the plugins of one entry; throws <see cref="InvalidOperationException"/> with a one-line reason.</summary>
    public static IReadOnlyList<IGatewayPlugin> Load(string entry, PluginServices services, string baseDirectory)
    {
        var path = Resolve(entry, baseDirectory)
            ?? throw new InvalidOperationException($"plugins: cannot find the plugin assembly '{entry}'");
        Assembly assembly;
        try
        {
            // An assembly the process already has (a plugin shipped beside the node and referenced by
            // it) is used as loaded: a second copy would have its own types and statics.
            var name = AssemblyName.GetAssemblyName(path);
            assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
                ?? new PluginLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new InvalidOperationException($"plugins: cannot load '{path}': {e.Message}", e);
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new InvalidOperationException($"plugins: cannot read the types of '{path}': {e.Message}", e);
        }

        var plugins = types
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IGatewayPlugin).IsAssignableFrom(t))
            .Select(t => Create(t, services))
            .ToArray();
        return plugins.Length > 0
            ? plugins
            : throw new InvalidOperationException($"plugins: '{path}' holds no public plugin class (a GatewayPlugin<TConfig>)");
    }

    /// <summary>Builds a plugin with its <see cref="PluginServices"/> constructor, or its parameterless one.</summary>
    public static IGatewayPlugin Create(Type type, PluginServices services)
    {
        try
        {
            return type.GetConstructor([typeof(PluginServices)]) is { } withServices
                ? (IGatewayPlugin)withServices.Invoke([services])
                : (IGatewayPlugin)(Activator.CreateInstance(type)
                    ?? throw new InvalidOperationException($"plugins: cannot create {type.FullName}"));
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException)
        {
            throw new InvalidOperationException($"plugins: cannot create {type.FullName}: {(e.InnerException ?? e).Message}", e);
        }
    }

    private static string? Resolve(string entry, string baseDirectory)
    {
        var isFile = entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || entry.Contains('/') || entry.Contains('\\');
        var candidates = isFile
            ? new[] { Path.GetFullPath(entry), Path.GetFullPath(Path.Combine(baseDirectory, entry)) }
            : [Path.Combine(baseDirectory, entry + ".dll")];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Loads a plugin and its own dependencies from its folder, but shares every assembly the node has
    /// already loaded (the SDK above all), so the plugin's types are the node's types.
    /// </summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path))
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), assemblyName)))
            {
                return null;
            }

            try
            {
                return Default.LoadFromAssemblyName(assemblyName);
            }
            catch (FileNotFoundException)
            {
                var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
                return resolved is null ? null : LoadFromAssemblyPath(resolved);
            }
        }
    }
}
