using System.Text.Json.Nodes;

namespace Gateway.Node.Routing;

/// <summary>A service as the proxy uses it, compiled once per snapshot from its row; immutable.</summary>
public sealed class ServiceModel
{
    /// <summary>Compiles a <c>services</c> row.</summary>
    public ServiceModel(JsonObject row)
    {
        Row = row;
        Id = RowReader.String(row, "id") ?? "";
        Name = RowReader.String(row, "name");
        Protocol = RowReader.String(row, "protocol") ?? "http";
        Host = RowReader.String(row, "host") ?? "";
        Port = (int)(RowReader.Long(row, "port") ?? (Protocol is "https" or "grpcs" ? 443 : 80));
        Path = RowReader.String(row, "path");
        Retries = (int)(RowReader.Long(row, "retries") ?? 5);
        ConnectTimeout = TimeSpan.FromMilliseconds(RowReader.Long(row, "connect_timeout") ?? 60000);
        WriteTimeout = TimeSpan.FromMilliseconds(RowReader.Long(row, "write_timeout") ?? 60000);
        ReadTimeout = TimeSpan.FromMilliseconds(RowReader.Long(row, "read_timeout") ?? 60000);
        Enabled = RowReader.Bool(row, "enabled") ?? true;
        TlsVerify = RowReader.Bool(row, "tls_verify");
        IsTls = Protocol is "https" or "grpcs" or "tls";
        IsGrpc = Protocol is "grpc" or "grpcs";
    }

    /// <summary>The row this was compiled from; never modify it.</summary>
    public JsonObject Row { get; }

    /// <summary>id.</summary>
    public string Id { get; }

    /// <summary>name, or null.</summary>
    public string? Name { get; }

    /// <summary>protocol: http, https, grpc, grpcs (tcp, tls, udp are stream protocols, not proxied here).</summary>
    public string Protocol { get; }

    /// <summary>host: a host name, an IP address, or the name of an upstream.</summary>
    public string Host { get; }

    /// <summary>port.</summary>
    public int Port { get; }

    /// <summary>path, or null (the upstream path then starts at <c>/</c>).</summary>
    public string? Path { get; }

    /// <summary>retries: further tries after a failure to connect or to get response headers.</summary>
    public int Retries { get; }

    /// <summary>connect_timeout.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>write_timeout.</summary>
    public TimeSpan WriteTimeout { get; }

    /// <summary>read_timeout.</summary>
    public TimeSpan ReadTimeout { get; }

    /// <summary>enabled: routes of a disabled service do not match (Kong leaves them out of the router).</summary>
    public bool Enabled { get; }

    /// <summary>tls_verify, or null for the global default (no verification, as Kong's proxy_ssl_verify off).</summary>
    public bool? TlsVerify { get; }

    /// <summary>Whether the upstream connection uses TLS (https, grpcs).</summary>
    public bool IsTls { get; }

    /// <summary>Whether the upstream speaks gRPC (HTTP/2 only: h2c for grpc, h2 over TLS for grpcs).</summary>
    public bool IsGrpc { get; }
}
