using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>AWS X-Ray: <c>X-Amzn-Trace-Id: Root=1-{8 hex}-{24 hex};Parent={16 hex};Sampled={0|1}</c>, other keys ignored.</summary>
internal static class AwsFormat
{
    public const string Header = "x-amzn-trace-id";

    /// <summary>Keys in any order with spaces around; a malformed Root, Parent or Sampled voids the whole context.</summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        var header = TraceHeaders.Single(headers, Header);
        if (header is null)
            return null;
        UInt128 traceId = 0;
        ulong spanId = 0;
        bool? sampled = null;
        foreach (var pair in header.Split(';'))
        {
            var kv = pair.Split('=');
            var key = kv[0].Trim();
            var value = kv.Length > 1 ? kv[1].Trim() : "";
            switch (key)
            {
                case "Root":
                    var root = value.Split('-');
                    if (value.Length != 35 || root.Length != 3 || root[0] != "1" || root[1].Length != 8 || root[2].Length != 24
                        || !TraceHeaders.IsHex(root[1]) || !TraceHeaders.IsHex(root[2]))
                        return null;
                    traceId = TraceHeaders.Hex128(root[1] + root[2]);
                    break;
                case "Parent":
                    if (value.Length != 16 || !TraceHeaders.IsHex(value))
                        return null;
                    spanId = TraceHeaders.Hex64(value);
                    break;
                case "Sampled":
                    if (value is not ("0" or "1"))
                        return null;
                    sampled = value == "1";
                    break;
            }
        }
        if (traceId == 0 && spanId == 0 && sampled is null)
            return null;
        // Parent is the caller's span: the parent of the span this node makes.
        return new TraceContext(traceId, spanId, 0, sampled);
    }

    /// <summary>Writes Root (the 128-bit trace id split 8/24), Parent and Sampled (1 or 0); needs a trace and a span id.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (!context.HasTraceId || context.SpanId == 0)
            return;
        var trace = TraceHeaders.TraceHex(context, allow64: false);
        var sampled = context.Sampled == true ? "1" : "0";
        headers[Header] = $"Root=1-{trace[..8]}-{trace[8..]};Parent={TraceHeaders.SpanHex(context.SpanId)};Sampled={sampled}";
    }
}
