using Gateway.Node.Plugins;
using Gateway.Node.Settings;
using Gateway.Storage.Declarative;
using Gateway.Storage.Entities;
using Gateway.Storage.Schema;

namespace Gateway.Node.Declarative;

/// <summary>
/// <c>gateway config parse|db_import|db_export FILE</c>: Kong's <c>kong config</c> commands. Output and
/// exit codes follow Kong's: a success line on stdout, or the code-14 message on stderr and exit 1.
/// </summary>
public static class ConfigCommand
{
    /// <summary>Runs the config subcommand; returns the exit code.</summary>
    public static async Task<int> RunAsync(GatewaySettings settings, CommandLine commandLine, TextWriter output, TextWriter error)
    {
        var registry = CreateRegistry();
        var parser = new DeclarativeParser(registry, new SchemaValidator(registry, TimeProvider.System));
        var file = commandLine.File!;
        try
        {
            switch (commandLine.Subcommand)
            {
                case "parse":
                    var config = parser.ParseFile(file);
                    await output.WriteLineAsync($"parse successful: {config.Count} entities in {file}");
                    return 0;
                default:
                    await error.WriteLineAsync($"gateway: 'config {commandLine.Subcommand}' is not available yet");
                    return 1;
            }
        }
        catch (DeclarativeConfigException e)
        {
            await error.WriteLineAsync($"gateway: {file}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The registry a node runs with: core entities, credential entities and bundled plugins.</summary>
    public static SchemaRegistry CreateRegistry() =>
        new(CoreEntities.All.Concat(BundledPlugins.CredentialEntities), BundledPlugins.Schemas);
}
