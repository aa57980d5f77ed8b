namespace Gateway.Node.Settings;

/// <summary>
/// A parsed <c>gateway [command] [subcommand] [FILE] [--option value ...]</c> line. Setting overrides are
/// checked to be known names here; their values are checked by <see cref="SettingsLoader"/>.
/// </summary>
/// <param name="Command">The command; <see cref="GatewayCommand.Start"/> when none is given.</param>
/// <param name="Subcommand">For migrations: bootstrap, up or list; for config: parse, db_import, db_export or sync; for audit: verify or export.</param>
/// <param name="File">The FILE argument of <c>config</c> and <c>audit export</c>.</param>
/// <param name="Overrides">The <c>--name value</c> settings in command-line order (a later one wins).</param>
/// <param name="ConfPath">The <c>--conf</c> (or <c>-c</c>) file, or null.</param>
public sealed record CommandLine(
    GatewayCommand Command,
    string? Subcommand,
    string? File,
    IReadOnlyList<KeyValuePair<string, string>> Overrides,
    string? ConfPath)
{
    /// <summary>For <c>config sync</c>: the Admin API of each cluster to bring to the file's config.</summary>
    public IReadOnlyList<string> AdminUrls { get; init; } = [];

    /// <summary>For <c>config sync</c>: the RBAC token sent to each cluster (<c>--admin-token</c>); null when not given.</summary>
    public string? AdminToken { get; init; }

    /// <summary>For <c>config sync</c>: show the differences and change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>For <c>audit verify</c>: the PEM public key to check signatures with (<c>--public-key</c>).</summary>
    public string? AuditPublicKey { get; init; }

    /// <summary>For <c>audit export</c>: the records at or after this time (<c>--since</c>, epoch seconds).</summary>
    public long? AuditSince { get; init; }

    /// <summary>For <c>audit export</c>: the records before this time (<c>--until</c>, epoch seconds).</summary>
    public long? AuditUntil { get; init; }

    /// <summary>For <c>audit export</c>: the records after this sequence (<c>--after-sequence</c>), to resume an earlier export.</summary>
    public long AuditAfterSequence { get; init; }

    /// <summary>
    /// For <c>start</c>: start on an empty SQLite database although prefix/ holds a config snapshot with rows (which
    /// is otherwise a refusal: the database was lost); the snapshot is set aside, not deleted.
    /// </summary>
    public bool DiscardSnapshot { get; init; }

    /// <summary>The usage text printed by <c>gateway help</c>.</summary>
    public const string Usage = """
        Usage: gateway [command] [subcommand] [FILE] [--conf FILE] [--<setting> value ...]

        Commands:
          start [--discard-snapshot]  run the node (default); --discard-snapshot: start on an empty SQLite
                                      database although prefix/ holds a config snapshot (set aside, not deleted)
          migrations bootstrap|up|list
                                      prepare, upgrade or list the database schema
          config parse FILE           check a declarative config file
          config db_import FILE       import a declarative config file into the database
          config db_export [FILE]     export the database to a declarative config file (default kong.yml)
          config sync FILE --admin-url URL [--admin-url URL ...] [--admin-token TOKEN] [--dry-run]
                                      bring each cluster's config to the file's through its Admin API;
                                      the token (also GATEWAY_ADMIN_TOKEN or KONG_ADMIN_TOKEN) goes in
                                      Kong-Admin-Token
          audit verify [--public-key FILE]
                                      walk the audit log's chain (and signatures); exit 1 naming the
                                      first record wrong; without --public-key, audit_log_signing_key's
                                      public half checks signatures when it is set
          audit export [--since T] [--until T] [--after-sequence N] FILE|-
                                      write audit records as JSON lines in chain order (T: epoch
                                      seconds or RFC 3339); the last line on stderr says how to resume
          health                      check that the node is running
          version                     print the version
          help                        print this text

        Options:
          -c, --conf FILE             conf file (kong.conf syntax); also GATEWAY_CONF
          --<setting> value           any setting, such as --admin_listen 127.0.0.1:9001 (also --name=value)
          --v, --vv                   log_level info, debug
        """;

    /// <summary>Parses the executable's arguments.</summary>
    /// <exception cref="SettingsException">An unknown command or setting, or a missing argument; the message is one line.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args) => CommandLineParser.Parse(args);
}
