using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>Google Cloud: <c>X-Cloud-Trace-Context: {trace 32 lower hex}/{span decimal}[;o={digit}]</c>, o=1 sampled.</summary>
internal static partial class GcpFormat
{
    public const string Header = "x-cloud-trace-context";

    /// <summary>Anything but that exact shape yields nothing; a missing or other option is "not sampled".</summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        var header = TraceHeaders.Single(headers, Header);
        if (header is null)
            return null;
        var match = Context().Match(header);
        if (!match.Success)
            return null;
        TraceHeaders.TryDecimal(match.Groups[2].Value, out var span, out _);
        return new TraceContext(TraceHeaders.Hex128(match.Groups[1].Value), (ulong)span, 0, match.Groups[3].Value == "1");
    }

    /// <summary>Writes the 128-bit trace id, the span id in decimal and o=1 or o=0; needs a trace and a span id.</summary>
    public static void Inject(IHeaderDictionary headers, TraceContext context)
    {
        if (!context.HasTraceId || context.SpanId == 0)
            return;
        var sampled = context.Sampled == true ? "1" : "0";
        headers[Header] = $"{TraceHeaders.TraceHex(context, allow64: false)}/{TraceHeaders.Decimal(context.SpanId)};o={sampled}";
    }

    [GeneratedRegex(@"^([0-9a-f]{32})/([0-9]{1,20})(?:;o=([0-9]))?\z")]
    private static partial Regex Context();
}
