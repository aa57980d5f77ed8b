namespace Gateway.Storage.Store;

/// <summary>Kong's tags filter: <c>a,b</c> needs every tag, <c>a/b</c> needs any.</summary>
public sealed record TagFilter(IReadOnlyList<string> Tags, bool MatchAll);
