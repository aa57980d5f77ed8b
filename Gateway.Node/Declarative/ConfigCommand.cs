using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Audit;
using Gateway.Node.Audit.Sinks;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Declarative;
using Gateway.Storage.Entities;
using Gateway.Storage.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Node.Declarative;

/// <summary>
/// <c>gateway config parse|db_import|db_export|sync FILE</c>: Kong's <c>kong config</c> commands, and sync. Output and
/// exit codes follow Kong's: a success line on stdout, or the code-14 message on stderr and exit 1. db_import also takes a
/// node's config snapshot (<see cref="SnapshotImport"/>).
/// </summary>
public static class ConfigCommand
{
    /// <summary>
    /// With audit_log = on, records db_import's writes as object records of one request (its own request_id, no RBAC
    /// user: the command runs on the node itself), streamed to <paramref name="sink"/> too; null otherwise.
    /// </summary>
    private static AuditStamp? OpenAuditLog(GatewaySettings settings, IConfigStore store, IAuditSink? sink)
    {
        if (!settings.AuditLog)
        {
            return null;
        }

        var policy = NodeAuditLog.PolicyFor(settings, NodeIdentity.Load(settings.Prefix).NodeId, sink);
        try
        {
            NodeAuditLog.OpenOn(store, policy, settings.Database);
        }
        catch (InvalidOperationException e)
        {
            throw new DatabaseNotReadyException(e.Message);
        }

        return new AuditStamp(Guid.NewGuid().ToString("N"), policy.Time.GetUtcNow().ToUnixTimeSeconds(), null);
    }

    /// <summary>Runs the config subcommand; returns the exit code.</summary>
    public static async Task<int> RunAsync(GatewaySettings settings, CommandLine commandLine, TextWriter output, TextWriter error)
    {
        var registry = PluginCatalog.ForSetting(settings.Plugins).CreateRegistry();
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
                case "db_import":
                    {
                        // A node's config snapshot is a config file too: what restores a lost SQLite database.
                        var document = DeclarativeText.ReadFile(file);
                        var snapshot = SnapshotImport.TryFrom(document);
                        var parsed = parser.Parse(snapshot?.Config ?? document);
                        await using var store = await StoreFactory.OpenReadyAsync(settings, registry, "'config db_import' and 'config db_export'");
                        var sink = settings.AuditLog ? AuditSinks.Create(settings, NullLoggerFactory.Instance) : null;
                        ImportResult result;
                        try
                        {
                            result = await DeclarativeImporter.ImportAsync(store, parsed, OpenAuditLog(settings, store, sink));
                        }
                        finally
                        {
                            await AuditSinks.DisposeAsync(sink);
                        }

                        if (result.Refusal is { } refusal)
                        {
                            await error.WriteLineAsync($"gateway: importing {file} failed: {refusal.Message}");
                            return 1;
                        }

                        await output.WriteLineAsync($"import successful: {result.Written} entities written, {result.Unchanged} unchanged, from {file}");
                        if (snapshot is { ConsumerPluginsLeftOut: > 0 and var leftOut })
                        {
                            await output.WriteLineAsync($"plugins scoped to a consumer left out: {leftOut} (a config snapshot holds no consumers or credentials)");
                        }

                        return 0;
                    }

                case "db_export":
                    {
                        await using var store = await StoreFactory.OpenReadyAsync(settings, registry, "'config db_import' and 'config db_export'");
                        var yaml = await new DeclarativeExporter(registry).ExportYamlAsync(store);
                        await WriteAtomicallyAsync(file, yaml);
                        await output.WriteLineAsync($"export successful: {file}");
                        return 0;
                    }

                case "sync":
                    {
                        // Compared as written (no transformation): the clusters hash passwords themselves.
                        var document = DeclarativeText.ReadFile(file);
                        var untransformed = document?.DeepClone();
                        if (untransformed is JsonObject root)
                        {
                            root["_transform"] = false;
                        }

                        var desired = parser.Parse(untransformed);
                        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                        if (AdminToken.Resolve(commandLine.AdminToken, SettingsLoader.ProcessEnvironment()) is { } token)
                        {
                            ClusterAdminClient.UseToken(http, token);
                        }

                        var sync = new ConfigSync(registry, http, output, error);
                        return await sync.RunAsync(desired, document!.AsObject(), commandLine.AdminUrls, commandLine.DryRun);
                    }

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
        catch (DatabaseNotReadyException e)
        {
            await error.WriteLineAsync($"gateway: {e.Message}");
            return 1;
        }
    }

    /// <summary>Writes next to the target and renames, so a failed export never leaves half a file.</summary>
    private static async Task WriteAtomicallyAsync(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, full, overwrite: true);
    }
}
