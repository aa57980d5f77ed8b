using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Node.Admin;

/// <summary>
/// The messages Kong's error handler (kong/error_handlers.lua) gives the statuses the server answers
/// by itself, before a handler has read the request: Kestrel's refusals and a body that stalls or breaks off.
/// </summary>
public static class KongStatusMessages
{
    /// <summary>Kong's message for <paramref name="status"/>; the HTTP reason phrase for a status those refusals do not use.</summary>
    public static string For(int status) => status switch
    {
        400 => "Bad request",
        408 => "Request timeout",
        414 => "URI too long",

        // nginx's 494; Kestrel answers 431 for the same reason.
        431 => "Request header or cookie too large",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Bad request",
    };
}
