namespace Gateway.Node.Plugins.RateLimiting;

/// <summary>The plugins' <c>redis</c> record (see <see cref="RedisConfig"/>), as read from a config.</summary>
public sealed record RedisSettings
{
    /// <summary>Host name or address.</summary>
    public string? Host { get; init; }

    /// <summary>Port.</summary>
    public int? Port { get; init; }

    /// <summary>Connect and command timeout, milliseconds.</summary>
    public int Timeout { get; init; } = 2000;

    /// <summary>ACL user name.</summary>
    public string? Username { get; init; }

    /// <summary>Password.</summary>
    public string? Password { get; init; }

    /// <summary>Database number.</summary>
    public int Database { get; init; }

    /// <summary>Whether to use TLS.</summary>
    public bool? Ssl { get; init; }

    /// <summary>Whether to verify the server certificate.</summary>
    public bool? SslVerify { get; init; }

    /// <summary>TLS server name.</summary>
    public string? ServerName { get; init; }
}
