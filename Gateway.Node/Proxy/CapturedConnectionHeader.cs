using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Proxy;

/// <summary>
/// One client connection's Connection header lines as sent, for its current request: Kestrel parses a request's
/// headers only after the one before has been answered, so what is here belongs to the request being started.
/// </summary>
internal sealed class CapturedConnectionHeader
{
    private StringValues _values;

    /// <summary>Adds a line as Kestrel decoded it.</summary>
    public void Add(string value) => _values = StringValues.Concat(_values, value);

    /// <summary>The lines of the request that is starting; empties the capture for the next request.</summary>
    public StringValues Take()
    {
        var values = _values;
        _values = default;
        return values;
    }
}
