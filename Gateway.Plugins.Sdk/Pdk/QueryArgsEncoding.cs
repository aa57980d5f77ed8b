namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>How <see cref="QueryArgs.Encode"/> writes the arguments back: the Kong function a plugin mirrors decides.</summary>
public enum QueryArgsEncoding
{
    /// <summary>
    /// Kong's <c>kong.service.request.set_query</c> (make_ordered_args): each name's "name=value" pairs
    /// (a bare name for a flag), and those pieces sorted as strings, so "a-" comes before "a" ('-' sorts
    /// before '='). Names and values are percent-encoded; an argument with an empty name is dropped.
    /// </summary>
    Sorted,

    /// <summary>Every argument in the order it came, names and values percent-encoded again.</summary>
    InOrder,

    /// <summary>
    /// Kong's <c>kong.service.request.clear_query_arg</c>: the arguments in the order they came, each one
    /// not changed here written exactly as it was sent; one added or set here is percent-encoded.
    /// </summary>
    AsSent,
}
