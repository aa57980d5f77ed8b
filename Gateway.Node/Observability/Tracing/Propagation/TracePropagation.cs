using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>
/// Kong's propagation (kong/observability/tracing/propagation/init.lua): read a trace context from the
/// request's headers in the first configured format that carries one, clear the configured headers, and
/// write the context the node continues with in each configured format.
/// </summary>
public static class TracePropagation
{
    /// <summary>Reads the first context found in <paramref name="formats"/> order, with the format it was found in; null when none.</summary>
    public static (TraceContext Context, TraceFormat Format)? Extract(IHeaderDictionary headers, IReadOnlyList<TraceFormat> formats) =>
        throw new NotImplementedException();

    /// <summary>Writes <paramref name="context"/> in <paramref name="format"/>, replacing what the headers held in that format.</summary>
    public static void Inject(IHeaderDictionary headers, TraceFormat format, TraceContext context) =>
        throw new NotImplementedException();

    /// <summary>Parses a Kong format name ("w3c", "b3-single", ...); null for an unknown name.</summary>
    public static TraceFormat? ParseFormat(string name) => throw new NotImplementedException();

    /// <summary>Kong's name for a format.</summary>
    public static string FormatName(TraceFormat format) => throw new NotImplementedException();

    /// <summary>
    /// Builds a plugin's propagation from its config: the <c>propagation</c> record, or, when only the
    /// deprecated <c>header_type</c> is set (not "preserve"), Kong's translation of it
    /// (kong/observability/tracing/propagation/init.lua get_plugin_params).
    /// </summary>
    public static PropagationConfig Compile(IReadOnlyList<string> extract, IReadOnlyList<string> clear, IReadOnlyList<string> inject, string defaultFormat, string? headerType) =>
        throw new NotImplementedException();
}
