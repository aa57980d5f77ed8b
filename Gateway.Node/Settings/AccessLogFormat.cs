namespace Gateway.Node.Settings;

/// <summary>The format of <c>proxy_access_log</c>'s lines.</summary>
public enum AccessLogFormat
{
    /// <summary>nginx's <c>combined</c>.</summary>
    Combined,

    /// <summary>One JSON object a line.</summary>
    Json,
}
