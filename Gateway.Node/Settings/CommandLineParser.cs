namespace Gateway.Node.Settings;

/// <summary>Parses the <c>gateway</c> command line into a <see cref="CommandLine"/>.</summary>
internal static class CommandLineParser
{
    private static readonly string[] Commands = ["start", "migrations", "config", "audit", "health", "version", "help"];
    private static readonly string[] MigrationsSubcommands = ["bootstrap", "up", "list"];
    private static readonly string[] ConfigSubcommands = ["parse", "db_import", "db_export", "sync"];
    private static readonly string[] AuditSubcommands = ["verify", "export"];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var overrides = new List<KeyValuePair<string, string>>();
        string? confPath = null;
        var help = false;
        var adminUrls = new List<string>();
        var dryRun = false;
        string? adminToken = null;
        var discardSnapshot = false;
        var audit = new AuditOptions();

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }

            // Kong's verbosity switches, kept so Kong habits work.
            if (arg is "--v" or "--vv")
            {
                overrides.Add(new("log_level", arg == "--v" ? "info" : "debug"));
                continue;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }

            // The options of `config sync`, which are not settings; --dry-run takes no value.
            if (arg is "--dry-run" or "--dry_run")
            {
                dryRun = true;
                continue;
            }

            // The option of `start`, not a setting (a setting would stay on and let every later loss through unasked).
            if (arg is "--discard-snapshot" or "--discard_snapshot")
            {
                discardSnapshot = true;
                continue;
            }

            var (option, inlineValue) = SplitOption(arg);
            string value;
            if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new SettingsException($"missing value for {arg}");
            }

            if (option is "conf" or "c")
            {
                confPath = value;
                continue;
            }

            if (option is "admin-url" or "admin_url")
            {
                adminUrls.Add(value);
                continue;
            }

            if (option is "admin-token" or "admin_token")
            {
                adminToken = value;
                continue;
            }

            if (audit.TryTake(option, value))
            {
                continue;
            }

            // Accept --admin-listen as well as Kong's --admin_listen.
            var name = option.Replace('-', '_').ToLowerInvariant();
            if (!SettingsCatalog.TryGet(name, out _))
            {
                throw new SettingsException($"unknown setting '{name}' (from {arg.Split('=')[0]})");
            }

            overrides.Add(new(name, value));
        }

        if (help)
        {
            return new CommandLine(GatewayCommand.Help, null, null, overrides, confPath);
        }

        var commandLine = BuildCommand(positional, overrides, confPath) with
        {
            AdminUrls = adminUrls,
            AdminToken = adminToken,
            DryRun = dryRun,
            DiscardSnapshot = discardSnapshot,
            AuditPublicKey = audit.PublicKey,
            AuditSince = audit.Since,
            AuditUntil = audit.Until,
            AuditAfterSequence = audit.AfterSequence,
        };
        audit.CheckFor(commandLine);
        if (discardSnapshot && commandLine.Command != GatewayCommand.Start)
        {
            throw new SettingsException("--discard-snapshot is only for 'start'");
        }

        var sync = commandLine is { Command: GatewayCommand.Config, Subcommand: "sync" };
        if (sync && adminUrls.Count == 0)
        {
            throw new SettingsException("missing --admin-url for 'config sync'");
        }

        if (!sync && (adminUrls.Count > 0 || dryRun || adminToken is not null))
        {
            throw new SettingsException($"{(dryRun ? "--dry-run" : adminToken is not null ? "--admin-token" : "--admin-url")} is only for 'config sync'");
        }

        foreach (var url in adminUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new SettingsException($"invalid --admin-url '{url}' (expected http://host:port or https://host:port)");
            }
        }

        return commandLine;
    }

    private static (string Option, string? Value) SplitOption(string arg)
    {
        var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
        if (body.Length == 0)
        {
            throw new SettingsException($"invalid option '{arg}'");
        }

        var equals = body.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (body, null) : (body[..equals], body[(equals + 1)..]);
    }

    private static CommandLine BuildCommand(List<string> positional, List<KeyValuePair<string, string>> overrides, string? confPath)
    {
        var commandName = positional.Count == 0 ? "start" : positional[0];
        var command = commandName switch
        {
            "start" => GatewayCommand.Start,
            "migrations" => GatewayCommand.Migrations,
            "config" => GatewayCommand.Config,
            "audit" => GatewayCommand.Audit,
            "health" => GatewayCommand.Health,
            "version" => GatewayCommand.Version,
            "help" => GatewayCommand.Help,
            _ => throw new SettingsException($"unknown command '{commandName}' (expected {string.Join(", ", Commands)})"),
        };

        var rest = positional.Skip(1).ToList();
        string? subcommand = null;
        string? file = null;
        switch (command)
        {
            case GatewayCommand.Migrations:
                subcommand = Subcommand("migrations", rest, MigrationsSubcommands);
                NoMore("migrations " + subcommand, rest, 1);
                break;

            case GatewayCommand.Config:
                subcommand = Subcommand("config", rest, ConfigSubcommands);
                if (rest.Count > 1)
                {
                    file = rest[1];
                }
                else if (subcommand == "db_export")
                {
                    // As `kong config db_export`, the file defaults to kong.yml.
                    file = "kong.yml";
                }
                else
                {
                    throw new SettingsException($"missing FILE for 'config {subcommand}'");
                }

                NoMore("config " + subcommand, rest, 2);
                break;

            case GatewayCommand.Audit:
                subcommand = Subcommand("audit", rest, AuditSubcommands);
                if (subcommand == "export")
                {
                    file = rest.Count > 1 ? rest[1] : throw new SettingsException("missing FILE (or - for stdout) for 'audit export'");
                }

                NoMore("audit " + subcommand, rest, subcommand == "export" ? 2 : 1);
                break;

            default:
                NoMore(commandName, rest, 0);
                break;
        }

        return new CommandLine(command, subcommand, file, overrides, confPath);
    }

    private static string Subcommand(string command, List<string> rest, string[] allowed)
    {
        var expected = string.Join("|", allowed);
        if (rest.Count == 0)
        {
            throw new SettingsException($"missing subcommand for '{command}' (expected {expected})");
        }

        return allowed.Contains(rest[0], StringComparer.Ordinal)
            ? rest[0]
            : throw new SettingsException($"unknown subcommand '{rest[0]}' for '{command}' (expected {expected})");
    }

    private static void NoMore(string command, List<string> rest, int used)
    {
        if (rest.Count > used)
        {
            throw new SettingsException($"unexpected argument '{rest[used]}' for '{command}'");
        }
    }
}
