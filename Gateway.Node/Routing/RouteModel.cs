using System.Text.Json.Nodes;

namespace Gateway.Node.Routing;

/// <summary>A route as the proxy uses it after it matched, compiled once per snapshot; immutable.</summary>
public sealed class RouteModel
{
    internal RouteModel(JsonObject row, ServiceModel? service, bool honorPathHandlingV1)
    {
        Row = row;
        Service = service;
        Id = RowReader.String(row, "id") ?? "";
        Name = RowReader.String(row, "name");
        CreatedAt = RowReader.Long(row, "created_at") ?? 0;
        foreach (var protocol in RowReader.Strings(row, "protocols"))
        {
            Protocols |= protocol switch
            {
                "http" => RouteProtocols.Http,
                "https" => RouteProtocols.Https,
                "grpc" => RouteProtocols.Grpc,
                "grpcs" => RouteProtocols.Grpcs,
                _ => RouteProtocols.None,
            };
        }

        if (row["protocols"] is null)
        {
            Protocols = RouteProtocols.Http | RouteProtocols.Https;
        }

        StripPath = RowReader.Bool(row, "strip_path") ?? (Protocols & (RouteProtocols.Grpc | RouteProtocols.Grpcs)) == 0;
        PreserveHost = RowReader.Bool(row, "preserve_host") ?? false;
        PathHandlingV1 = honorPathHandlingV1 && RowReader.String(row, "path_handling") == "v1";
        HttpsRedirectStatusCode = (int)(RowReader.Long(row, "https_redirect_status_code") ?? 426);
        RequestBuffering = RowReader.Bool(row, "request_buffering") ?? true;
    }

    /// <summary>The row this was compiled from; never modify it.</summary>
    public JsonObject Row { get; }

    /// <summary>id.</summary>
    public string Id { get; }

    /// <summary>name, or null.</summary>
    public string? Name { get; }

    /// <summary>created_at (Unix seconds): the final tie-break between routes of equal priority.</summary>
    public long CreatedAt { get; }

    /// <summary>The service the route proxies to; null for a route without one.</summary>
    public ServiceModel? Service { get; }

    /// <summary>protocols.</summary>
    public RouteProtocols Protocols { get; }

    /// <summary>strip_path.</summary>
    public bool StripPath { get; }

    /// <summary>preserve_host.</summary>
    public bool PreserveHost { get; }

    /// <summary>
    /// Whether path_handling v1 applies: only under router_flavor = traditional. Kong's
    /// traditional_compatible router always joins paths the v0 way, whatever the route says.
    /// </summary>
    public bool PathHandlingV1 { get; }

    /// <summary>https_redirect_status_code: 426, or a redirect status, for plain HTTP on an https-only route.</summary>
    public int HttpsRedirectStatusCode { get; }

    /// <summary>request_buffering: whether the request body is read whole before it goes upstream.</summary>
    public bool RequestBuffering { get; }

    /// <summary>Whether plain HTTP must be turned away: https is allowed and http is not (Kong's runloop check).</summary>
    public bool HttpsOnly => (Protocols & RouteProtocols.Https) != 0 && (Protocols & RouteProtocols.Http) == 0;
}
