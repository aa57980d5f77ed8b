using System.Security.Cryptography;
using Gateway.Node.Config;
using Gateway.Node.Pipeline;
using Gateway.Node.Settings;
using Gateway.Storage.Audit;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;

namespace Gateway.Node.Audit;

/// <summary>
/// <c>gateway audit verify|export</c>: run on any machine that reaches the database (DB-less: on the node, whose log is
/// prefix/audit.db). verify exits 0 when the chain is intact and 1 naming the first record wrong; export writes JSON lines.
/// </summary>
public static class AuditCommand
{
    /// <summary>Runs the audit subcommand; returns the exit code.</summary>
    public static async Task<int> RunAsync(GatewaySettings settings, CommandLine commandLine, TextWriter output, TextWriter error)
    {
        try
        {
            using var publicKey = commandLine.Subcommand == "verify" ? LoadPublicKey(commandLine.AuditPublicKey, settings) : null;
            await using var store = await OpenStoreAsync(settings);
            var log = NodeAuditLog.OpenOn(store, new AuditPolicy(), settings.Database);
            return commandLine.Subcommand == "verify"
                ? await VerifyAsync(log, publicKey, output, error)
                : await ExportAsync(log, commandLine, output, error);
        }
        catch (Exception e) when (e is DatabaseNotReadyException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"gateway: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> VerifyAsync(IAuditLog log, RSA? publicKey, TextWriter output, TextWriter error)
    {
        var verification = await AuditVerifier.VerifyAsync(log, publicKey);
        if (verification.Intact)
        {
            await output.WriteLineAsync(verification.Describe());
            return 0;
        }

        await error.WriteLineAsync($"gateway: {verification.Describe()}");
        return 1;
    }

    private static async Task<int> ExportAsync(IAuditLog log, CommandLine commandLine, TextWriter output, TextWriter error)
    {
        var file = commandLine.File!;
        AuditExported exported;
        if (file == "-")
        {
            exported = await AuditExport.WriteAsync(log, output, commandLine.AuditAfterSequence, commandLine.AuditSince, commandLine.AuditUntil);
        }
        else
        {
            // Written aside and renamed, so a failed export never leaves half a file.
            var full = Path.GetFullPath(file);
            await using (var writer = new StreamWriter(full + ".tmp"))
            {
                exported = await AuditExport.WriteAsync(log, writer, commandLine.AuditAfterSequence, commandLine.AuditSince, commandLine.AuditUntil);
            }

            File.Move(full + ".tmp", full, overwrite: true);
        }

        await error.WriteLineAsync($"exported {exported.Written} audit records through sequence {exported.LastSequence}: resume with --after-sequence {exported.LastSequence}");
        return 0;
    }

    /// <summary>The key <c>--public-key</c> names, or else audit_log_signing_key's public half; null when neither is set.</summary>
    private static RSA? LoadPublicKey(string? path, GatewaySettings settings)
    {
        if (path is null)
        {
            return settings.AuditLogSigner?.CreatePublicKey();
        }

        var key = RSA.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"--public-key {path}: holds no RSA key in PEM form");
        }
    }

    /// <summary>The database the node records in; DB-less, its prefix/audit.db, which must exist.</summary>
    private static async Task<IConfigStore> OpenStoreAsync(GatewaySettings settings)
    {
        var registry = PluginCatalog.ForSetting(settings.Plugins).CreateRegistry();
        if (settings.Database != DatabaseKind.Off)
        {
            return await StoreFactory.OpenReadyAsync(settings, registry, "'audit verify' and 'audit export'");
        }

        var path = Path.Combine(settings.Prefix, NodeAuditLog.DbLessFile);
        if (!File.Exists(path))
        {
            throw new DatabaseNotReadyException($"no audit log at {path}: a DB-less node keeps it there once it runs with audit_log = on");
        }

        var store = new SqliteConfigStore(path, registry, TimeProvider.System);
        await store.InitializeAsync();
        return store;
    }
}
