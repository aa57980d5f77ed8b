namespace Gateway.Node.Upstreams;

/// <summary>
/// The request being balanced, and its balancing state across retries. The proxy creates one per
/// client request that goes to an upstream and passes the same instance to every
/// <see cref="UpstreamBalancer.Pick"/> of that request, so that retries avoid targets already tried
/// and consistent hashing computes its hash once.
/// </summary>
public sealed class BalancerRequest
{
    private UpstreamTarget? _tried1;
    private List<UpstreamTarget>? _triedMore;

    /// <summary>A request with nothing to hash but what is set on it.</summary>
    public BalancerRequest()
    {
    }

    /// <summary>A request balanced on its HTTP context (ip, header, cookie, path and query_arg hashing read it).</summary>
    public BalancerRequest(HttpContext context)
    {
        HttpContext = context;
    }

    /// <summary>The client request; null for stream connections, in tests and for callers that set <see cref="HashValue"/> themselves.</summary>
    public HttpContext? HttpContext { get; }

    /// <summary>The client's address when there is no <see cref="HttpContext"/> (a stream connection): what hash_on ip hashes.</summary>
    public System.Net.IPAddress? ClientAddress { get; init; }

    /// <summary>The authenticated consumer's id (hash_on consumer).</summary>
    public string? ConsumerId { get; set; }

    /// <summary>The authenticated credential's id, used when there is no consumer (hash_on consumer).</summary>
    public string? CredentialId { get; set; }

    /// <summary>The router's named and numbered captures (hash_on uri_capture).</summary>
    public IReadOnlyDictionary<string, string>? UriCaptures { get; set; }

    /// <summary>
    /// The value consistent hashing hashes. Computed on the first pick from the upstream's hash_on and
    /// hash_fallback; a plugin may set it before (as Kong's balancer_data.hash_value).
    /// </summary>
    public string? HashValue { get; set; }

    /// <summary>
    /// A <c>Set-Cookie</c> value the caller must add to the response: set when hash_on is cookie and
    /// the client sent none, so the next request lands on the same target.
    /// </summary>
    public string? SetCookie { get; internal set; }

    /// <summary>How many picks were made for this request (1 after the first).</summary>
    public int Tries { get; private set; }

    internal void Record(UpstreamTarget target)
    {
        Tries++;
        if (_tried1 is null)
        {
            _tried1 = target;
        }
        else
        {
            (_triedMore ??= []).Add(target);
        }
    }

    internal bool HasTried(UpstreamTarget target) =>
        ReferenceEquals(_tried1, target) || (_triedMore is not null && _triedMore.Contains(target));
}
