using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Declarative;

namespace Gateway.Node.Declarative;

/// <summary>
/// Opens the store of a <c>database = off</c> node: the <c>declarative_config</c> file when it is set, else
/// the config last posted to <c>/config</c> (kept in prefix/), else nothing until <c>POST /config</c>.
/// </summary>
public static class DeclarativeStoreLoader
{
    /// <summary>The file in prefix/ that holds the last config posted to <c>/config</c>.</summary>
    public const string PersistedFile = "declarative_config.json";

    /// <summary>Loads and validates the config; a bad one stops start-up with Kong's code-14 message.</summary>
    /// <exception cref="NodeStartException">The file is missing or invalid.</exception>
    public static DeclarativeConfigStore Open(GatewaySettings settings, SchemaRegistry registry)
    {
        var persisted = Path.Combine(settings.Prefix, PersistedFile);
        var path = settings.DeclarativeConfig is { Length: > 0 } configured ? configured
            : File.Exists(persisted) ? persisted
            : null;
        if (path is null)
        {
            return new DeclarativeConfigStore(registry, persistPath: persisted);
        }

        try
        {
            // Config this node held before: a rule a newer version adds refuses writes, not the start (Field.WriteCheck).
            var parser = new DeclarativeParser(registry, new SchemaValidator(registry, TimeProvider.System) { SkipWriteChecks = true });
            return new DeclarativeConfigStore(registry, parser.ParseFile(path), persisted);
        }
        catch (DeclarativeConfigException e)
        {
            throw new NodeStartException($"declarative_config {path}: {e.Message}");
        }
    }
}
