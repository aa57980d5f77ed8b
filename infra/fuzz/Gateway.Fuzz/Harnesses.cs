using SharpFuzz;

namespace Gateway.Fuzz;

/// <summary>The harnesses by the name run.sh and the corpus folders use.</summary>
internal static class Harnesses
{
    /// <summary>Each harness feeds one input to one reader and lets every undocumented exception escape.</summary>
    public static IReadOnlyDictionary<string, ReadOnlySpanAction> All { get; } = new Dictionary<string, ReadOnlySpanAction>(StringComparer.Ordinal)
    {
        ["admin-json"] = AdminBodyHarness.Json,
        ["admin-form"] = AdminBodyHarness.Form,
        ["admin-multipart"] = AdminBodyHarness.Multipart,
        ["uri-normalizer"] = UriNormalizerHarness.Run,
        ["router"] = RouterHarness.Run,
        ["declarative"] = DeclarativeHarness.Run,
        ["cql-frame"] = CqlFrameHarness.Run,
        ["trace-headers"] = TraceHeadersHarness.Run,
    };
}
