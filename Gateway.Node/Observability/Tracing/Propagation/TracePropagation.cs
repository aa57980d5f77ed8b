using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>
/// Kong's propagation (kong/observability/tracing/propagation/init.lua): read a trace context from the
/// request's headers in the first configured format that carries one, clear the configured headers, and
/// write the context the node continues with in each configured format.
/// </summary>
public static class TracePropagation
{
    private static readonly (TraceFormat Format, string Name)[] Names =
    [
        (TraceFormat.W3C, "w3c"), (TraceFormat.B3, "b3"), (TraceFormat.B3Single, "b3-single"), (TraceFormat.Jaeger, "jaeger"),
        (TraceFormat.Ot, "ot"), (TraceFormat.Datadog, "datadog"), (TraceFormat.Aws, "aws"), (TraceFormat.Gcp, "gcp"),
    ];

    /// <summary>
    /// Reads the first context found in <paramref name="formats"/> order, with the format it was found in; null when none.
    /// Invalid headers are ignored (that format yields nothing, the next is tried). A context may carry a sampling
    /// decision without ids (b3, ot, datadog, aws): its <see cref="TraceContext.TraceId"/> is then 0.
    /// </summary>
    public static (TraceContext Context, TraceFormat Format)? Extract(IHeaderDictionary headers, IReadOnlyList<TraceFormat> formats)
    {
        foreach (var format in formats)
        {
            // b3-single has no extractor of its own: the b3 one reads both forms.
            var found = ExtractOne(headers, format == TraceFormat.B3Single ? TraceFormat.B3 : format);
            if (found is not null)
                return (found, format == TraceFormat.B3Single ? TraceFormat.B3 : format);
        }
        return null;
    }

    /// <summary>Writes <paramref name="context"/> in <paramref name="format"/>, replacing what the headers held in that format.</summary>
    public static void Inject(IHeaderDictionary headers, TraceFormat format, TraceContext context)
    {
        switch (format)
        {
            case TraceFormat.W3C: W3CFormat.Inject(headers, context); break;
            case TraceFormat.B3: B3Format.InjectMulti(headers, context); break;
            case TraceFormat.B3Single: B3Format.InjectSingle(headers, context); break;
            case TraceFormat.Jaeger: JaegerFormat.Inject(headers, context); break;
            case TraceFormat.Ot: OtFormat.Inject(headers, context); break;
            case TraceFormat.Datadog: DatadogFormat.Inject(headers, context); break;
            case TraceFormat.Aws: AwsFormat.Inject(headers, context); break;
            case TraceFormat.Gcp: GcpFormat.Inject(headers, context); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>
    /// The formats <paramref name="config"/> writes: "preserve" first, as the format the context was extracted in
    /// (b3 read from the single header is written as b3-single) or the default when none was, then the listed ones.
    /// </summary>
    public static IReadOnlyList<TraceFormat> InjectFormats(PropagationConfig config, TraceFormat? extractedFrom, TraceContext context)
    {
        var formats = new List<TraceFormat>();
        if (config.InjectPreserve)
        {
            var preserved = extractedFrom ?? config.DefaultFormat;
            formats.Add(preserved == TraceFormat.B3 && context.SingleHeader ? TraceFormat.B3Single : preserved);
        }
        foreach (var format in config.Inject)
        {
            if (!formats.Contains(format))
                formats.Add(format);
        }
        return formats;
    }

    /// <summary>Removes <see cref="PropagationConfig.Clear"/>'s headers, then writes <paramref name="context"/> in each of <see cref="InjectFormats"/>.</summary>
    public static void ClearAndInject(IHeaderDictionary headers, PropagationConfig config, TraceFormat? extractedFrom, TraceContext context)
    {
        Clear(headers, config);
        Inject(headers, config, extractedFrom, context);
    }

    /// <summary>Removes <see cref="PropagationConfig.Clear"/>'s headers.</summary>
    public static void Clear(IHeaderDictionary headers, PropagationConfig config)
    {
        foreach (var name in config.Clear)
            headers.Remove(name);
    }

    /// <summary>Writes <paramref name="context"/> in each of <see cref="InjectFormats"/>.</summary>
    public static void Inject(IHeaderDictionary headers, PropagationConfig config, TraceFormat? extractedFrom, TraceContext context)
    {
        foreach (var format in InjectFormats(config, extractedFrom, context))
            Inject(headers, format, context);
    }

    /// <summary>Parses a Kong format name ("w3c", "b3-single", ...); null for an unknown name.</summary>
    public static TraceFormat? ParseFormat(string name)
    {
        foreach (var (format, known) in Names)
        {
            if (string.Equals(name, known, StringComparison.Ordinal))
                return format;
        }
        return null;
    }

    /// <summary>Kong's name for a format.</summary>
    public static string FormatName(TraceFormat format)
    {
        foreach (var (known, name) in Names)
        {
            if (known == format)
                return name;
        }
        throw new ArgumentOutOfRangeException(nameof(format), format, null);
    }

    /// <summary>
    /// Builds a plugin's propagation from its config: the <c>propagation</c> record, or, when the record is
    /// left at its defaults, Kong's translation of the deprecated <c>header_type</c> (default "preserve")
    /// (kong/observability/tracing/propagation/init.lua get_plugin_params).
    /// </summary>
    /// <remarks>
    /// The record counts as left at its defaults when extract, clear and inject are all empty (an empty list
    /// and an unset one are the same here); then header_type decides, "preserve" included (Kong's default):
    /// "preserve" reads every format (b3 first, the old fixed order) and writes the one found; "ignore" reads
    /// nothing and writes default_format; a format name reads every format and writes the one found and that one.
    /// Unknown names throw <see cref="ArgumentException"/> (the schema refuses them before this).
    /// </remarks>
    public static PropagationConfig Compile(IReadOnlyList<string> extract, IReadOnlyList<string> clear, IReadOnlyList<string> inject, string defaultFormat, string? headerType) =>
        PropagationCompiler.Compile(extract, clear, inject, defaultFormat, headerType);

    private static TraceContext? ExtractOne(IHeaderDictionary headers, TraceFormat format) => format switch
    {
        TraceFormat.W3C => W3CFormat.Extract(headers),
        TraceFormat.B3 => B3Format.Extract(headers),
        TraceFormat.Jaeger => JaegerFormat.Extract(headers),
        TraceFormat.Ot => OtFormat.Extract(headers),
        TraceFormat.Datadog => DatadogFormat.Extract(headers),
        TraceFormat.Aws => AwsFormat.Extract(headers),
        TraceFormat.Gcp => GcpFormat.Extract(headers),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
