namespace Gateway.Tests.Node.Proxy;

/// <summary>A response read off a <see cref="RawConnection"/>: status, headers (repeated ones joined with commas), body as text.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
