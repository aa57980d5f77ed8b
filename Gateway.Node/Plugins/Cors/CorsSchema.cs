using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Cors;

/// <summary>The cors plugin's config (Kong 3.9 kong/plugins/cors/schema.lua).</summary>
public static class CorsSchema
{
    /// <summary>Kong's cors handler PRIORITY.</summary>
    public const int Priority = 2000;

    /// <summary>The methods Kong allows, in Kong's order; also the default.</summary>
    public static readonly string[] Methods = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("cors", Priority, Record("config", "The cors settings.",
        Array("origins", new Field("origin", FieldType.String) { Custom = v => ValidateOrigin(v.GetValue<string>()) },
            "Allowed origins: '*', exact origins or regexes."),
        Array("headers", Element(), "Value of the Access-Control-Allow-Headers header."),
        Array("exposed_headers", Element(), "Value of the Access-Control-Expose-Headers header."),
        Array("methods", Typedefs.String("method", null, Methods), "Value of the Access-Control-Allow-Methods header.",
            Typedefs.Strings(Methods)),
        Num("max_age", "How long, in seconds, the preflight result may be cached."),
        Bool("credentials", false, "Whether to send Access-Control-Allow-Credentials: true."),
        Bool("private_network", false, "Whether to answer Access-Control-Request-Private-Network with Allow-Private-Network."),
        Bool("preflight_continue", false, "Whether to proxy preflight OPTIONS requests to the upstream."),
        Bool("allow_origin_absent", true, "Whether to run the CORS logic on requests without an Origin header.")))
    {
        NoConsumer = true,
    };

    private static string? ValidateOrigin(string origin) =>
        origin == "*" || RegexPatterns.Compile(origin).Error is null ? null : $"'{origin}' is not a valid regex";
}
