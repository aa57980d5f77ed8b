namespace Gateway.Node.Settings;

/// <summary><c>log_format</c>: how the node writes its own log lines.</summary>
public enum LogFormat
{
    /// <summary><c>text</c> (the default): <c>2026/12/07 10:00:00 [WRN] Source: message</c>, an exception on one line.</summary>
    Text,

    /// <summary><c>json</c>: one JSON object a line in Serilog's compact format (CLEF), with the request's ids where there is a request.</summary>
    Json,
}
