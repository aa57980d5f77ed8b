namespace Gateway.Node.Settings;

/// <summary>Kong's <c>log_level</c> values (nginx severities), most verbose first.</summary>
public enum GatewayLogLevel
{
    /// <summary><c>debug</c>.</summary>
    Debug,

    /// <summary><c>info</c>.</summary>
    Info,

    /// <summary><c>notice</c> (the default).</summary>
    Notice,

    /// <summary><c>warn</c>.</summary>
    Warn,

    /// <summary><c>error</c>.</summary>
    Error,

    /// <summary><c>crit</c>.</summary>
    Crit,

    /// <summary><c>alert</c>.</summary>
    Alert,

    /// <summary><c>emerg</c>.</summary>
    Emerg,
}
