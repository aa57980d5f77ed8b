namespace Gateway.Node.Settings;

/// <summary>
/// nginx's <c>large_client_header_buffers number size</c>: the request line must fit in one buffer, and the
/// request's headers in all of them.
/// </summary>
/// <param name="Number">How many buffers a request's headers may take.</param>
/// <param name="Size">The size of one buffer, in bytes.</param>
public sealed record HeaderBuffers(int Number, int Size)
{
    /// <summary>The most bytes the request's headers may take together.</summary>
    public int Total => (int)Math.Min(int.MaxValue, (long)Number * Size);
}
