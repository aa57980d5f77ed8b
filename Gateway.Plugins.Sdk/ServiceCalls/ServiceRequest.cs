namespace Gateway.Plugins.Sdk.ServiceCalls;

/// <summary>One request a plugin sends to a service (see <see cref="IServiceClient"/>).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path below the service's own path, escaped, with its query (<c>?</c> included) or none.</param>
/// <param name="Headers">Request headers, Content-Type among them when there is a body.</param>
/// <param name="Body">The body, or null for none; kept whole so that a retry can send it again.</param>
public sealed record ServiceRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte>? Body);
