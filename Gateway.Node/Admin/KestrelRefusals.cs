using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Node.Admin;

/// <summary>
/// Kestrel refuses a request it cannot parse (a <c>%00</c> or a byte outside ASCII in the path, a
/// <c>Content-Length: -1</c>) with an empty 400 before any handler runs. On admin_listen those
/// answers get Kong's JSON message (<c>{"message":"Bad request"}</c>, kong/error_handlers.lua's text for
/// the status) from a connection middleware that rewrites them on the way out (<see cref="RefusalBodyStream"/>).
/// </summary>
public static class KestrelRefusals
{
    /// <summary>Adds the rewrite to a listener; after <c>UseHttps</c>, so that it sees the plain text.</summary>
    public static void UseKongBodies(this ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var output = PipeWriter.Create(new RefusalBodyStream(transport.Output.AsStream(leaveOpen: true)));
        connection.Transport = new DuplexPipe(transport.Input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            await output.CompleteAsync();
            connection.Transport = transport;
        }
    });

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
