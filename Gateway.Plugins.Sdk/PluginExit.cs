namespace Gateway.Plugins.Sdk;

/// <summary>
/// An answer a plugin gave instead of the upstream (Kong's <c>kong.response.exit</c> and
/// <c>kong.response.error</c>). The engine writes it after the header filters ran.
/// </summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body as given, or null; for errors, the message (the engine renders Kong's template).</param>
/// <param name="ContentType">The content type to send, or null for none (or, on errors, the one Accept asks for).</param>
/// <param name="Headers">Extra response headers.</param>
/// <param name="IsError">Whether this is <c>kong.response.error</c>: the body is rendered from Kong's error template with the request id.</param>
public sealed record PluginExit(int Status, string? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, bool IsError)
{
    /// <summary>A body to stream instead of <see cref="Body"/>; the engine disposes it once sent.</summary>
    public Stream? BodyStream { get; init; }
}
