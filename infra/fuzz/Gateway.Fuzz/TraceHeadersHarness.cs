using System.Text;
using Gateway.Node.Observability.Tracing.Propagation;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fuzz;

/// <summary>
/// The tracing plugins' header readers (<see cref="TracePropagation"/>) on hostile request headers: the input is
/// <c>name: value</c> lines, and the first byte orders the formats tried. Whatever is read is written back in every
/// format and must read back with the same ids. Nothing here documents an exception: any is a crash, and so is a
/// round trip that changes the context.
/// </summary>
internal static class TraceHeadersHarness
{
    private static readonly TraceFormat[] Extractors =
        [TraceFormat.W3C, TraceFormat.B3, TraceFormat.Jaeger, TraceFormat.Ot, TraceFormat.Datadog, TraceFormat.Aws, TraceFormat.Gcp];

    /// <summary>Reads the headers in the order the first byte picks, then round-trips what was found through every format.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var first = input[0];
        var order = Extractors.OrderBy(f => ((int)f * 7 + first) % Extractors.Length).ToArray();
        var headers = new HeaderDictionary();
        foreach (var line in Encoding.UTF8.GetString(input[1..]).Split('\n'))
        {
            // Kestrel hands no header without a name.
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() is { Length: > 0 } name)
            {
                headers.Append(name, line[(colon + 1)..].Trim());
            }
        }

        if (TracePropagation.Extract(headers, order) is not { Context: var context } || context.TraceId == 0 || context.SpanId == 0)
        {
            return;
        }

        foreach (var format in Extractors)
        {
            var written = new HeaderDictionary();
            TracePropagation.Inject(written, format, context);
            if (TracePropagation.Extract(written, [format]) is not { Context: var read })
            {
                throw new InvalidOperationException($"{format}: wrote {context} but read nothing back");
            }

            // Datadog carries the low 64 bits of the trace id; the other formats carry all of what was read.
            var expected = format == TraceFormat.Datadog ? (ulong)context.TraceId : context.TraceId;
            if (read.TraceId != expected || read.SpanId != context.SpanId)
            {
                throw new InvalidOperationException($"{format}: wrote {context} but read {read}");
            }
        }
    }
}
