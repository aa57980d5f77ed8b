namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>Kong's get_plugin_params: the propagation record as configured, or the deprecated header_type translated.</summary>
internal static class PropagationCompiler
{
    private const string Preserve = "preserve";
    private const string Ignore = "ignore";

    // The extraction order of Kong's old propagation module, which header_type still implies.
    private static readonly TraceFormat[] LegacyExtract =
    [
        TraceFormat.B3, TraceFormat.W3C, TraceFormat.Jaeger, TraceFormat.Ot, TraceFormat.Datadog, TraceFormat.Aws, TraceFormat.Gcp,
    ];

    public static PropagationConfig Compile(IReadOnlyList<string>? extract, IReadOnlyList<string>? clear, IReadOnlyList<string>? inject, string defaultFormat, string? headerType)
    {
        extract ??= [];
        clear ??= [];
        inject ??= [];
        var fallback = Format(defaultFormat, nameof(defaultFormat));
        var leftAtDefaults = extract.Count == 0 && clear.Count == 0 && inject.Count == 0;
        if (!leftAtDefaults || headerType is null)
        {
            var formats = inject.Where(name => name != Preserve).Select(name => Format(name, nameof(inject))).ToArray();
            return new PropagationConfig(
                extract.Select(ExtractFormat).ToArray(), [.. clear], formats, inject.Contains(Preserve), fallback);
        }
        return headerType switch
        {
            Preserve => new PropagationConfig(LegacyExtract, [], [], true, fallback),
            Ignore => new PropagationConfig([], [], [fallback], false, fallback),
            _ => new PropagationConfig(LegacyExtract, [], [Format(headerType, nameof(headerType))], true, fallback),
        };
    }

    private static TraceFormat ExtractFormat(string name)
    {
        var format = Format(name, "extract");
        return format == TraceFormat.B3Single
            ? throw new ArgumentException("b3-single is not an extractor: b3 reads both forms", "extract")
            : format;
    }

    private static TraceFormat Format(string name, string parameter) =>
        TracePropagation.ParseFormat(name) ?? throw new ArgumentException($"unknown trace header format '{name}'", parameter);
}
