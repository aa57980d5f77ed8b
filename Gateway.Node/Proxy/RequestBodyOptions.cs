namespace Gateway.Node.Proxy;

/// <summary>How the proxy takes request bodies, as nginx's client_* directives.</summary>
/// <param name="MaxSize">client_max_body_size: the largest body, in bytes; 0 for no limit.</param>
/// <param name="MemorySize">client_body_buffer_size: how much of a buffered body stays in memory.</param>
/// <param name="ReadTimeout">client_body_timeout: the longest wait between two reads of a buffered body.</param>
/// <param name="TempPath">client_body_temp_path: where the rest of a buffered body goes.</param>
public sealed record RequestBodyOptions(long MaxSize, int MemorySize, TimeSpan ReadTimeout, string TempPath)
{
    /// <summary>Kong's defaults (no limit, 8k in memory, 60 s), with the system's temporary folder.</summary>
    public static RequestBodyOptions Default { get; } = new(0, 8 * 1024, TimeSpan.FromSeconds(60), Path.GetTempPath());
}
