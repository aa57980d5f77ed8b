using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Storage.Declarative;
using Gateway.Storage.Schema;

namespace Gateway.Node.Declarative;

/// <summary>Opens the store of a <c>database = off</c> node: the <c>declarative_config</c> file, or nothing until <c>POST /config</c>.</summary>
public static class DeclarativeStoreLoader
{
    /// <summary>Loads and validates the file; a bad file stops start-up with Kong's code-14 message.</summary>
    /// <exception cref="NodeStartException">The file is missing or invalid.</exception>
    public static DeclarativeConfigStore Open(GatewaySettings settings, SchemaRegistry registry)
    {
        if (settings.DeclarativeConfig is not { Length: > 0 } path)
        {
            return new DeclarativeConfigStore(registry);
        }

        try
        {
            var parser = new DeclarativeParser(registry, new SchemaValidator(registry, TimeProvider.System));
            return new DeclarativeConfigStore(registry, parser.ParseFile(path));
        }
        catch (DeclarativeConfigException e)
        {
            throw new NodeStartException($"declarative_config {path}: {e.Message}");
        }
    }
}
