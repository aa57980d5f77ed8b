namespace Gateway.Node.Settings;

/// <summary>The commands of the <c>gateway</c> executable.</summary>
public enum GatewayCommand
{
    /// <summary><c>start</c> (the default): run the node.</summary>
    Start,

    /// <summary><c>migrations bootstrap|up|list</c>: manage the database schema.</summary>
    Migrations,

    /// <summary><c>config parse|db_import|db_export FILE</c>: work with declarative config files.</summary>
    Config,

    /// <summary><c>audit verify|export</c>: check the audit log's chain and signatures, or write it out as JSON lines.</summary>
    Audit,

    /// <summary><c>health</c>: check that the node at the configured addresses is running.</summary>
    Health,

    /// <summary><c>version</c>: print the version.</summary>
    Version,

    /// <summary><c>help</c>, <c>--help</c> or <c>-h</c>: print <see cref="CommandLine.Usage"/>.</summary>
    Help,
}
