namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>
/// A plugin's <c>propagation</c> record, compiled: the formats to read (in order, the first found wins),
/// the headers to remove, the formats to write (<see cref="InjectPreserve"/>: the format the request came
/// in, or <see cref="DefaultFormat"/> when it carried none) and the default.
/// </summary>
/// <param name="Extract">Formats tried in order.</param>
/// <param name="Clear">Header names removed from the upstream request after extraction.</param>
/// <param name="Inject">Formats written to the upstream request.</param>
/// <param name="InjectPreserve">Whether <c>inject</c> holds "preserve".</param>
/// <param name="DefaultFormat">The format "preserve" falls back to.</param>
public sealed record PropagationConfig(
    IReadOnlyList<TraceFormat> Extract,
    IReadOnlyList<string> Clear,
    IReadOnlyList<TraceFormat> Inject,
    bool InjectPreserve,
    TraceFormat DefaultFormat);
