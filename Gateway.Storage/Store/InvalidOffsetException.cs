namespace Gateway.Storage.Store;

/// <summary>A page offset this store did not issue (Kong code 7): the caller's error, found while reading.</summary>
public sealed class InvalidOffsetException(string offset, string reason)
    : Exception($"'{offset}' is not a valid offset: {reason}");
