namespace Gateway.Node.Proxy;

/// <summary>Why Kong's runloop turns a request away from the route it matched (<see cref="RunloopChecks"/>).</summary>
internal enum RunloopRefusal
{
    /// <summary>Plain HTTP on an https-only route: 426, or the route's https_redirect_status_code.</summary>
    HttpsRequired,

    /// <summary>gRPC over HTTP/1.x: 426 "Please use HTTP2 protocol".</summary>
    Http2Required,

    /// <summary>Not gRPC at all on a gRPC route: 415.</summary>
    NotGrpc,

    /// <summary>Plain gRPC on a grpcs-only route: grpc-status 1.</summary>
    GrpcsRequired,
}
