namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>
/// One span of a <see cref="RequestTrace"/>: made by <see cref="RequestTrace.Start"/>, ended by <see cref="End"/>.
/// Attribute values are strings, longs, doubles or booleans, as OTLP's scalar values.
/// </summary>
public sealed class TraceSpan
{
    private readonly RequestTrace _trace;
    private List<KeyValuePair<string, object>>? _attributes;

    internal TraceSpan(RequestTrace trace, string name, TraceSpanKind kind, ulong spanId, ulong parentId, long startUnixNano)
    {
        _trace = trace;
        Name = name;
        Kind = kind;
        SpanId = spanId;
        ParentId = parentId;
        StartUnixNano = startUnixNano;
    }

    /// <summary>The span's name ("kong", "kong.balancer", ...).</summary>
    public string Name { get; }

    /// <summary>The span's kind.</summary>
    public TraceSpanKind Kind { get; }

    /// <summary>The span's id (never 0).</summary>
    public ulong SpanId { get; }

    /// <summary>The parent span's id; for the root, the caller's span from the incoming headers, or 0.</summary>
    public ulong ParentId { get; set; }

    /// <summary>When the span started, in nanoseconds since the Unix epoch.</summary>
    public long StartUnixNano { get; }

    /// <summary>When the span ended, in nanoseconds since the Unix epoch; 0 while it runs.</summary>
    public long EndUnixNano { get; private set; }

    /// <summary>Whether the span ended in error (OTLP's STATUS_CODE_ERROR).</summary>
    public bool IsError { get; private set; }

    /// <summary>The error's description, when <see cref="IsError"/>.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>The attributes, in the order they were set.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Attributes => (IReadOnlyList<KeyValuePair<string, object>>?)_attributes ?? [];

    /// <summary>Sets an attribute (a string, long, double or bool), replacing one of the same key.</summary>
    public void SetAttribute(string key, object value)
    {
        _attributes ??= new List<KeyValuePair<string, object>>(8);
        for (var i = 0; i < _attributes.Count; i++)
        {
            if (_attributes[i].Key == key)
            {
                _attributes[i] = new(key, value);
                return;
            }
        }

        _attributes.Add(new(key, value));
    }

    /// <summary>Marks the span as failed.</summary>
    public void Fail(string? message = null)
    {
        IsError = true;
        ErrorMessage = message;
    }

    /// <summary>Ends the span now; a second call changes nothing.</summary>
    public void End()
    {
        if (EndUnixNano == 0)
        {
            EndUnixNano = _trace.NowUnixNano();
        }
    }
}
