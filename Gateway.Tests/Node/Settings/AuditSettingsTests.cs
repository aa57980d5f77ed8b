using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

/// <summary>The audit_log settings: Kong Enterprise's defaults, what each value becomes, and one-line refusals.</summary>
public sealed class AuditSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audit-settings-").FullName;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Defaults_AreKongEnterprises()
    {
        var settings = Load();

        Assert.False(settings.AuditLog);
        Assert.Empty(settings.AuditLogIgnoreMethods);
        Assert.Empty(settings.AuditLogIgnorePaths);
        Assert.Empty(settings.AuditLogIgnoreTables);
        Assert.Equal(["token", "secret", "password"], settings.AuditLogPayloadExclude.Names);
        Assert.Equal(2592000, settings.AuditLogRecordTtl);
        Assert.Null(settings.AuditLogSigner);
        Assert.Equal(10000, settings.AuditLogQueueMax);
    }

    [Fact]
    public void Values_AreRead_MethodsUpperCased_PathsUnanchored()
    {
        var settings = Load(
            "--audit_log", "on", "--audit_log_ignore_methods", "get, Head", "--audit_log_ignore_paths", "^/status,metrics",
            "--audit_log_ignore_tables", "targets,plugins", "--audit_log_payload_exclude", "config.redis.password, key", "--audit_log_record_ttl", "60");

        Assert.True(settings.AuditLog);
        Assert.Equal(["GET", "HEAD"], settings.AuditLogIgnoreMethods.Order());
        Assert.Matches(settings.AuditLogIgnorePaths[0], "/status?x=1");
        Assert.Matches(settings.AuditLogIgnorePaths[1], "/plugins?name=prometheus-metrics");
        Assert.DoesNotMatch(settings.AuditLogIgnorePaths[0], "/services/status");
        Assert.Equal(["plugins", "targets"], settings.AuditLogIgnoreTables.Order());
        Assert.Equal(["config.redis.password", "key"], settings.AuditLogPayloadExclude.Names);
        Assert.Equal(60, settings.AuditLogRecordTtl);
    }

    [Fact]
    public void SigningKey_IsLoadedFromItsPemFile_AndSigns()
    {
        var path = Path.Combine(_folder, "private.pem");
        using var key = RSA.Create(2048);
        File.WriteAllText(path, key.ExportRSAPrivateKeyPem());

        var signer = Load("--audit_log_signing_key", path).AuditLogSigner;

        Assert.NotNull(signer);
        var record = new JsonObject { ["method"] = "GET", ["status"] = 200 };
        record["signature"] = signer.Sign(record);
        Assert.True(Gateway.Storage.Audit.AuditSigner.Verify(record, key));
    }

    [Theory]
    [InlineData("--audit_log", "yes", "invalid value for audit_log (from --audit_log): 'yes' is not one of on, off")]
    [InlineData("--audit_log_ignore_methods", "GET,PO ST", "invalid value for audit_log_ignore_methods (from --audit_log_ignore_methods): 'PO ST' is not an HTTP method")]
    [InlineData("--audit_log_ignore_paths", "/ok,(unclosed", "invalid value for audit_log_ignore_paths (from --audit_log_ignore_paths): '(unclosed' is not a regex")]
    [InlineData("--audit_log_payload_exclude", "config..password", "invalid value for audit_log_payload_exclude (from --audit_log_payload_exclude): 'config..password' is not a key or a dotted path")]
    [InlineData("--audit_log_record_ttl", "0", "invalid value for audit_log_record_ttl (from --audit_log_record_ttl): '0' must be at least 1")]
    [InlineData("--audit_log_queue_size", "many", "invalid value for audit_log_queue_size (from --audit_log_queue_size): 'many' is not an integer")]
    public void BadValues_StopStartUpWithOneLine(string name, string value, string start)
    {
        var error = Assert.Throws<SettingsException>(() => Load(name, value));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ASigningKeyThatIsMissingOrNotAKey_StopsStartUpWithOneLine()
    {
        var notAKey = Path.Combine(_folder, "cert.txt");
        File.WriteAllText(notAKey, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var missing = Path.Combine(_folder, "missing.pem");

        var unreadable = Assert.Throws<SettingsException>(() => Load("--audit_log_signing_key", missing));
        var wrong = Assert.Throws<SettingsException>(() => Load("--audit_log_signing_key", notAKey));

        Assert.StartsWith($"invalid value for audit_log_signing_key (from --audit_log_signing_key): cannot read '{missing}'", unreadable.Message, StringComparison.Ordinal);
        Assert.Equal($"invalid value for audit_log_signing_key (from --audit_log_signing_key): '{notAKey}' holds no RSA private key in PEM form", wrong.Message);
        Assert.DoesNotContain('\n', unreadable.Message + wrong.Message);
    }

    private static GatewaySettings Load(params string[] args) => SettingsLoader.Load(CommandLine.Parse(args), new Dictionary<string, string>());
}
