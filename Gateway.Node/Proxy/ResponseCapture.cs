namespace Gateway.Node.Proxy;

/// <summary>
/// The upstream's response body on its way to the client, when a plugin needs it: whole, in a buffer, for the body
/// filters (sent after them), or counted for the log phase's response.size. Made once per request, and only then;
/// put in place for each try.
/// </summary>
internal sealed class ResponseCapture
{
    private readonly HttpResponse _response;
    private readonly Stream _clientBody;

    private ResponseCapture(HttpResponse response, bool buffers)
    {
        _response = response;
        _clientBody = response.Body;
        Buffer = buffers ? new MemoryStream() : null;
    }

    /// <summary>The whole body, when a body filter needs it; null when streamed.</summary>
    public MemoryStream? Buffer { get; }

    /// <summary>The counter the last try's streamed body went through; null when buffered.</summary>
    public CountingStream? Counter { get; private set; }

    /// <summary>A capture for the request's plugins or the access log; null when none filters bodies or logs (the body goes straight through).</summary>
    public static ResponseCapture? For(ProxyExchange exchange) =>
        exchange.Plugins is { } plugins && (plugins.BuffersBody || plugins.Logs) ? new ResponseCapture(exchange.Context.Response, plugins.BuffersBody)
        : exchange.Options.AccessLog is not null ? new ResponseCapture(exchange.Context.Response, buffers: false)
        : null;

    /// <summary>Before a try: the upstream's body goes into an empty buffer, or through a new counter.</summary>
    public void Start()
    {
        if (Buffer is { } buffer)
        {
            buffer.SetLength(0);
            _response.Body = buffer;
        }
        else
        {
            _response.Body = Counter = new CountingStream(_clientBody);
        }
    }

    /// <summary>After a try: the client's body stream again, for what is written next.</summary>
    public void Stop() => _response.Body = _clientBody;
}
