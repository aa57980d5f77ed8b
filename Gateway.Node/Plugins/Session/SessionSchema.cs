using System.Security.Cryptography;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Session;

/// <summary>The session plugin's config (Kong 3.9 kong/plugins/session/schema.lua).</summary>
public static class SessionSchema
{
    /// <summary>Kong's session handler PRIORITY.</summary>
    public const int Priority = 1900;

    /// <summary>The names <c>request_headers</c> and <c>response_headers</c> may list.</summary>
    public static readonly string[] HeaderNames = ["id", "audience", "subject", "timeout", "idling-timeout", "rolling-timeout", "absolute-timeout"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("session", Priority, Record("config", "The session settings.",
        Str("secret", "The secret that is used in keyed HMAC generation.", RandomSecret()) with { Referenceable = true },
        Str("storage", "Determines where the session data is stored. `kong`: Stores encrypted session data into Kong's current database strategy; the cookie will not contain any session data. `cookie`: Stores encrypted session data within the cookie itself.",
            "cookie", "cookie", "kong"),
        Str("audience", "The session audience, which is the intended target application. For example `\"my-application\"`.", "default"),
        Num("idling_timeout", "The session cookie idle time, in seconds.", 900),
        Num("rolling_timeout", "The session cookie rolling timeout, in seconds. Specifies how long the session can be used until it needs to be renewed.", 3600),
        Num("absolute_timeout", "The session cookie absolute timeout, in seconds. Specifies how long the session can be used until it is no longer valid.", 86400),
        Num("stale_ttl", "The duration, in seconds, after which an old cookie is discarded, starting from the moment when the session becomes outdated and is replaced by a new one.", 10),
        Str("cookie_name", "The name of the cookie.", "session"),
        Str("cookie_path", "The resource in the host where the cookie is available.", "/"),
        Str("cookie_domain", "The domain with which the cookie is intended to be exchanged."),
        Str("cookie_same_site", "Determines whether and how a cookie may be sent with cross-site requests.", "Strict", "Strict", "Lax", "None", "Default"),
        Bool("cookie_http_only", true, "Applies the `HttpOnly` tag so that the cookie is sent only to a server."),
        Bool("cookie_secure", true, "Applies the Secure directive so that the cookie may be sent to the server only with an encrypted request over the HTTPS protocol."),
        Bool("remember", false, "Enables or disables persistent sessions."),
        Str("remember_cookie_name", "Persistent session cookie name. Use with the `remember` configuration parameter.", "remember"),
        Num("remember_rolling_timeout", "The persistent session rolling timeout window, in seconds.", 604800),
        Num("remember_absolute_timeout", "The persistent session absolute timeout limit, in seconds.", 2592000),
        Headers("response_headers"),
        Headers("request_headers"),
        Bool("read_body_for_logout", false, "Whether the logout_post_arg is looked for in the request body."),
        Set("logout_methods", new Field("logout_method", FieldType.String) { OneOf = ["GET", "POST", "DELETE"] },
            "A set of HTTP methods that the plugin will respond to.", Typedefs.Strings("POST", "DELETE")),
        Str("logout_query_arg", "The query argument passed to logout requests.", "session_logout"),
        Str("logout_post_arg", "The POST argument passed to logout requests. Do not change this property.", "session_logout")))
    {
        NoConsumer = true,
        AllowedProtocols = Typedefs.AllProtocols,
    };

    private static Field Headers(string name) =>
        Set(name, new Field("header", FieldType.String) { OneOf = HeaderNames }, "List of information to include, as headers, in the response to the downstream.");

    /// <summary>
    /// Kong's default secret: 32 random bytes in base64 with <c>/ + =</c> replaced by a random digit, upper- and
    /// lower-case letter; drawn once per process (Kong draws it when the schema loads), stored with the row.
    /// </summary>
    private static string RandomSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .Replace('/', (char)RandomNumberGenerator.GetInt32('0', '9' + 1))
        .Replace('+', (char)RandomNumberGenerator.GetInt32('A', 'Z' + 1))
        .Replace('=', (char)RandomNumberGenerator.GetInt32('a', 'z' + 1));
}
