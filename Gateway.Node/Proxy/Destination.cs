namespace Gateway.Node.Proxy;

/// <summary>Where one try of a request goes: a peer chosen for a service.</summary>
/// <param name="prefix">The URI prefix YARP sends to, <c>scheme://address:port</c>.</param>
/// <param name="hostHeader">The Host header for the upstream when preserve_host is off (Kong's <c>upstream_host</c>).</param>
/// <param name="state">Whatever the peer source needs back in <see cref="IPeerSource.Report"/> (a balancer's target); null for direct peers.</param>
public sealed class Destination(string prefix, string hostHeader, object? state = null)
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private UpstreamUri? _last;
    private Tuple<string, int>? _peer;

    /// <summary>The URI prefix YARP sends to, <c>scheme://address:port</c>.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>The Host header for the upstream when preserve_host is off.</summary>
    public string HostHeader { get; } = hostHeader;

    /// <summary>Whatever the peer source needs back in <see cref="IPeerSource.Report"/>.</summary>
    public object? State { get; } = state;

    /// <summary>The peer's address (or name) and port, from <see cref="Prefix"/>: what logs and traces name the try by.</summary>
    public (string Host, int Port) Peer
    {
        get
        {
            var peer = _peer ??= Parsed(Prefix);
            return (peer.Item1, peer.Item2);
        }
    }

    /// <summary>The upstream URI for an escaped path and a query (<c>?</c> included, or empty), exactly as given (no canonicalization).</summary>
    /// <remarks>
    /// A direct peer's destination lives as long as its service, and requests to one path repeat: the last
    /// URI is kept (a <see cref="Uri"/> is immutable), which saves parsing one per request.
    /// </remarks>
    public Uri UriFor(string path, string query)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && string.Equals(last.Path, path, StringComparison.Ordinal) && string.Equals(last.Query, query, StringComparison.Ordinal))
        {
            return last.Uri;
        }

        var uri = new Uri(string.Concat(Prefix, path, query), in Verbatim);
        Volatile.Write(ref _last, new UpstreamUri(path, query, uri));
        return uri;
    }

    private static Tuple<string, int> Parsed(string prefix)
    {
        var uri = new Uri(prefix);
        return Tuple.Create(uri.IdnHost, uri.Port);
    }

    private sealed record UpstreamUri(string Path, string Query, Uri Uri);
}
