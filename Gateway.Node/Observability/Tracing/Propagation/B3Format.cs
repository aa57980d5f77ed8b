using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>
/// Zipkin B3. One extractor reads the single <c>b3</c> header (or tracestate's <c>b3=</c> entry) first and the
/// multi-header <c>X-B3-*</c> set after, filling what the single header lacked; two injectors write one form each.
/// </summary>
internal static partial class B3Format
{
    public const string Single = "b3";
    public const string TraceId = "x-b3-traceid";
    public const string SpanId = "x-b3-spanid";
    public const string ParentSpanId = "x-b3-parentspanid";
    public const string Sampled = "x-b3-sampled";
    public const string Flags = "x-b3-flags";

    private readonly record struct Part(string? Trace, string? Span, string? Parent, bool? Sampled, bool Debug, bool Valid);

    /// <summary>
    /// A context when a trace id or a sampling decision was found (a sampling decision alone is valid B3); invalid
    /// ids are dropped (an invalid id in the multi-header set drops all three). Kong's extractor also "finds" an
    /// empty context whenever any b3 header or a tracestate is present, which stops the search for w3c; here a
    /// request that carries neither ids nor a decision yields nothing and the next format is tried.
    /// </summary>
    public static TraceContext? Extract(IHeaderDictionary headers)
    {
        var single = ReadSingle(headers);
        var multi = ReadMulti(headers);
        var sampled = single?.Sampled ?? multi.Sampled;
        var debug = (single?.Debug ?? false) || multi.Debug;
        string? trace = null, span = null, parent = null;
        if (single is { Valid: true })
            (trace, span, parent) = (single.Value.Trace, single.Value.Span, single.Value.Parent);
        if (multi.Valid)
            (trace, span, parent) = (trace ?? multi.Trace, span ?? multi.Span, parent ?? multi.Parent);
        if (trace is null)
        {
            if (sampled is null && !debug)
                return null;
            return new TraceContext(0, 0, 0, sampled, debug ? (byte)1 : (byte)0) { Debug = debug, SingleHeader = single is not null };
        }
        return new TraceContext(
            TraceHeaders.Hex128(trace),
            span is null ? 0 : TraceHeaders.Hex64(span),
            parent is null ? 0 : TraceHeaders.Hex64(parent),
            sampled,
            debug ? (byte)1 : (byte)0,
            TraceIdIs64Bit: trace.Length == 16)
        { Debug = debug, SingleHeader = single is not null };
    }

    /// <summary>Multi-header: trace and span ids (when both known), parent; <c>X-B3-Flags: 1</c> for debug, else <c>X-B3-Sampled</c> (1 or 0).</summary>
    public static void InjectMulti(IHeaderDictionary headers, TraceContext context)
    {
        if (context.HasTraceId && context.SpanId != 0)
        {
            headers[TraceId] = TraceHeaders.TraceHex(context, allow64: true);
            headers[SpanId] = TraceHeaders.SpanHex(context.SpanId);
            if (context.ParentId != 0)
                headers[ParentSpanId] = TraceHeaders.SpanHex(context.ParentId);
        }
        if (context.Debug)
            headers[Flags] = "1";
        else
            headers[Sampled] = context.Sampled == true ? "1" : "0";
    }

    /// <summary>Single header: <c>{trace}-{span}[-{1|0|d}][-{parent}]</c>, or the sampling decision alone when ids are missing.</summary>
    public static void InjectSingle(IHeaderDictionary headers, TraceContext context)
    {
        var sampled = context.Debug ? "d" : context.Sampled switch { true => "1", false => "0", null => null };
        if (!context.HasTraceId || context.SpanId == 0)
        {
            headers[Single] = sampled ?? "0";
            return;
        }
        var value = $"{TraceHeaders.TraceHex(context, allow64: true)}-{TraceHeaders.SpanHex(context.SpanId)}";
        if (sampled is not null)
            value += "-" + sampled;
        if (context.ParentId != 0)
            value += "-" + TraceHeaders.SpanHex(context.ParentId);
        headers[Single] = value;
    }

    private static Part? ReadSingle(IHeaderDictionary headers)
    {
        string? header;
        if (TraceHeaders.Present(headers, Single))
            header = TraceHeaders.Single(headers, Single);
        else
        {
            header = TraceHeaders.All(headers, W3CFormat.TraceState)
                .FirstOrDefault(v => v is { Length: > 3 } && v.StartsWith("b3=", StringComparison.Ordinal))?[3..];
        }
        if (header is null)
            return null;
        switch (header)
        {
            case "1":
                return new Part(null, null, null, true, false, true);
            case "d":
                return new Part(null, null, null, true, true, true);
            case "0":
                return new Part(null, null, null, false, false, true);
        }
        var match = SingleHeader().Match(header);
        if (!match.Success || match.Groups[1].Length is not (16 or 32) || match.Groups[4].Length is not (0 or 16))
            return new Part(null, null, null, null, false, false);
        var flag = match.Groups[3].Value;
        bool? sampled = flag switch { "1" or "d" => true, "0" => false, _ => null };
        var parent = match.Groups[4].Length == 0 ? null : match.Groups[4].Value;
        return new Part(match.Groups[1].Value, match.Groups[2].Value, parent, sampled, flag == "d", true);
    }

    private static Part ReadMulti(IHeaderDictionary headers)
    {
        bool? sampled = TraceHeaders.Single(headers, Sampled) switch { "1" or "true" => true, "0" or "false" => false, _ => null };
        var debug = TraceHeaders.Single(headers, Flags) == "1";
        if (debug)
            sampled = true;
        var valid = Id(headers, TraceId, out var trace, 16, 32) & Id(headers, SpanId, out var span, 16) & Id(headers, ParentSpanId, out var parent, 16);
        return new Part(trace, span, parent, sampled, debug, valid);
    }

    // An absent header is valid (null); a present one must be hex of an allowed length.
    private static bool Id(IHeaderDictionary headers, string name, out string? value, params int[] lengths)
    {
        value = null;
        if (!TraceHeaders.Present(headers, name))
            return true;
        var header = TraceHeaders.Single(headers, name);
        if (header is null || !lengths.Contains(header.Length) || !TraceHeaders.IsHex(header))
            return false;
        value = header;
        return true;
    }

    [GeneratedRegex(@"^([0-9a-fA-F]+)-([0-9a-fA-F]{16})-?([01d]?)-?([0-9a-fA-F]*)\z")]
    private static partial Regex SingleHeader();
}
