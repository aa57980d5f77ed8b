using Serilog.Core;
using Serilog.Events;

namespace Gateway.Node.Hosting;

/// <summary>
/// Writes a logged exception on its event's line, as its type and message (and its inner exceptions'), instead of a
/// stack trace under it: the log stays one line per event, as nginx's and Kong's error logs are, and a node whose
/// database or membership table is down logs what happened, not pages of Npgsql and Orleans frames. At
/// log_level = debug the node keeps the full traces (this sink is not used).
/// </summary>
internal sealed class OneLineExceptionSink(ILogEventSink console) : ILogEventSink
{
    /// <summary>The property the output template writes after the message.</summary>
    public const string Property = "ExceptionLine";

    /// <inheritdoc/>
    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Exception is not { } exception)
        {
            console.Emit(logEvent);
            return;
        }

        var properties = logEvent.Properties
            .Select(p => new LogEventProperty(p.Key, p.Value))
            .Append(new LogEventProperty(Property, new ScalarValue($" ({Describe(exception)})")));
        console.Emit(new LogEvent(
            logEvent.Timestamp, logEvent.Level, null, logEvent.MessageTemplate, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default));
    }

    /// <summary><c>Type: message ---> Inner: message</c>, on one line.</summary>
    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }

        return string.Join(" ---> ", parts);
    }
}
