using System.Collections;

namespace Gateway.Node.Settings;

/// <summary>
/// Builds <see cref="GatewaySettings"/> from its sources, lowest precedence first: built-in defaults, a
/// conf file (<c>--conf</c> or <c>GATEWAY_CONF</c>), <c>KONG_&lt;NAME&gt;</c> then <c>GATEWAY_&lt;NAME&gt;</c>
/// environment variables, and command-line overrides. The first unknown setting or bad value throws a
/// <see cref="SettingsException"/> naming the setting and its source.
/// </summary>
public static class SettingsLoader
{
    /// <summary>Prefix of the node's own environment variables.</summary>
    public const string GatewayEnvPrefix = "GATEWAY_";

    /// <summary>Prefix of Kong's environment variables, accepted so Kong manifests work unchanged.</summary>
    public const string KongEnvPrefix = "KONG_";

    /// <summary>The environment variable naming the conf file when <c>--conf</c> is not given.</summary>
    public const string ConfEnvName = "GATEWAY_CONF";

    /// <summary>
    /// The environment variables of the RBAC admin's token that <c>migrations bootstrap</c> seeds (<c>kong_admin</c>),
    /// Kong's first: environment only, never a setting, so it is in no conf file, display or log.
    /// </summary>
    public static readonly string[] AdminPasswordEnvNames = ["KONG_PASSWORD", "GATEWAY_PASSWORD"];

    /// <summary>The token <c>config sync</c> sends (a command's input, not a setting, so not refused as an unknown one).</summary>
    public const string AdminTokenEnvName = "GATEWAY_ADMIN_TOKEN";

    private const string DefaultOrigin = "default";

    /// <summary>Loads settings for a parsed command line, reading the process environment.</summary>
    public static GatewaySettings Load(CommandLine commandLine) => Load(commandLine, ProcessEnvironment());

    /// <summary>Loads settings for a parsed command line with the given environment (pure: no process state read except the conf file).</summary>
    public static GatewaySettings Load(CommandLine commandLine, IDictionary<string, string> environment) =>
        Load(commandLine.ConfPath, commandLine.Overrides, environment);

    /// <summary>Loads settings from an optional conf file, the environment and command-line overrides.</summary>
    /// <param name="confPath">The conf file from <c>--conf</c>; when null, <c>GATEWAY_CONF</c> is used if set.</param>
    /// <param name="overrides">Command-line values in order (a later one wins), by setting name.</param>
    /// <param name="environment">The environment variables to consider.</param>
    public static GatewaySettings Load(
        string? confPath,
        IReadOnlyList<KeyValuePair<string, string>> overrides,
        IDictionary<string, string> environment)
    {
        var values = new List<(string Name, string Value, string Origin)>();

        confPath ??= environment.TryGetValue(ConfEnvName, out var fromEnv) && fromEnv.Trim().Length > 0 ? fromEnv.Trim() : null;
        if (confPath is not null)
        {
            foreach (var entry in ConfFile.Read(confPath))
            {
                values.Add((entry.Name, entry.Value, $"conf file {confPath} line {entry.Line}"));
            }
        }

        // KONG_ first so GATEWAY_ wins; sorted so the first error reported does not depend on hash order.
        foreach (var prefix in new[] { KongEnvPrefix, GatewayEnvPrefix })
        {
            foreach (var (key, value) in environment.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (key is ConfEnvName or AdminTokenEnvName || AdminPasswordEnvNames.Contains(key))
                {
                    continue;
                }

                var name = key[prefix.Length..].ToLowerInvariant();
                if (SettingsCatalog.TryGet(name, out _))
                {
                    values.Add((name, value, $"env {key}"));
                }
                else if (prefix == GatewayEnvPrefix)
                {
                    // Kong's own environment carries many KONG_ variables this node does not use; ours must be exact.
                    throw new SettingsException($"unknown setting '{name}' (from env {key})");
                }
            }
        }

        foreach (var (name, value) in overrides)
        {
            values.Add((name, value, $"--{name}"));
        }

        var adminPassword = AdminPasswordEnvNames.Select(name => environment.TryGetValue(name, out var value) ? value : null).LastOrDefault(p => !string.IsNullOrEmpty(p));
        return FromValues(values) with { AdminPassword = adminPassword };
    }

    /// <summary>Applies values over the defaults; later values win. Used by the sources above and by tests.</summary>
    /// <param name="values">Name, raw value and a description of the source (<c>env X</c>, <c>--x</c>).</param>
    public static GatewaySettings FromValues(IEnumerable<(string Name, string Value, string Origin)> values)
    {
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in SettingsCatalog.All)
        {
            raw[definition.Name] = definition.Default;
            origins[definition.Name] = DefaultOrigin;
        }

        foreach (var (name, value, origin) in values)
        {
            if (!SettingsCatalog.TryGet(name, out _))
            {
                throw new SettingsException($"unknown setting '{name}' (from {origin})");
            }

            raw[name] = value;
            origins[name] = origin;
        }

        var settings = GatewaySettings.Blank;
        foreach (var definition in SettingsCatalog.All)
        {
            var value = raw[definition.Name];
            try
            {
                settings = definition.Apply(settings, value);
            }
            catch (FormatException ex)
            {
                throw new SettingsException($"invalid value for {definition.Name} (from {origins[definition.Name]}): {ex.Message}", ex);
            }
        }

        RequireClusterCertificates(settings, origins);
        RequirePairedKeys("admin_ssl", settings.AdminSslCert, settings.AdminSslCertKey);
        RequirePairedKeys("status_ssl", settings.StatusSslCert, settings.StatusSslCertKey);
        if (settings.EnforceRbac != RbacMode.Off && settings.Database == DatabaseKind.Off)
        {
            throw new SettingsException($"enforce_rbac = {raw["enforce_rbac"]} (from {origins["enforce_rbac"]}) needs a database: RBAC users live in it, and database = off has none");
        }

        return settings with { Raw = raw, Origins = origins };
    }

    /// <summary>cluster_mtls = on is useless without the three files: say which are missing rather than start in plain TCP.</summary>
    private static void RequireClusterCertificates(GatewaySettings settings, Dictionary<string, string> origins)
    {
        if (!settings.ClusterMtls)
        {
            return;
        }

        var missing = new (string Name, string? Value)[]
        {
            ("cluster_cert", settings.ClusterCert), ("cluster_cert_key", settings.ClusterCertKey), ("cluster_ca_cert", settings.ClusterCaCert),
        }.Where(f => f.Value is null).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            throw new SettingsException($"cluster_mtls = on (from {origins["cluster_mtls"]}) needs {string.Join(", ", missing)}");
        }
    }

    /// <summary>Each certificate of a listener kind needs its key, as Kong checks <c>&lt;kind&gt;_cert</c> against <c>&lt;kind&gt;_cert_key</c>.</summary>
    private static void RequirePairedKeys(string kind, IReadOnlyList<string> certificates, IReadOnlyList<string> keys)
    {
        if (certificates.Count == keys.Count)
        {
            return;
        }

        throw new SettingsException(certificates.Count == 0 ? $"{kind}_cert must be specified"
            : keys.Count == 0 ? $"{kind}_cert_key must be specified"
            : $"{kind}_cert was specified {certificates.Count} times while {kind}_cert_key was specified {keys.Count} times");
    }

    /// <summary>The process environment as a dictionary.</summary>
    public static IDictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        return environment;
    }
}
