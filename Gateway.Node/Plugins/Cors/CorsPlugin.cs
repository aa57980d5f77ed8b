using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Cors;

/// <summary>
/// Kong's cors (kong/plugins/cors/handler.lua): answers preflight requests itself with 200 (unless
/// <c>preflight_continue</c>), and adds the CORS headers to every other response.
/// </summary>
public sealed class CorsPlugin : GatewayPlugin<CorsConfig>
{
    private const string SkipKey = "cors.skip_response_headers";
    private const string AllowOrigin = "Access-Control-Allow-Origin";
    private const string AllowCredentials = "Access-Control-Allow-Credentials";

    /// <inheritdoc />
    public override PluginSchema Schema => CorsSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, CorsConfig config)
    {
        var request = context.Http.Request;
        var origin = Header(request.Headers, "Origin");
        if (!HttpMethods.IsOptions(request.Method) || origin is null || Header(request.Headers, "Access-Control-Request-Method") is null)
        {
            return ValueTask.CompletedTask;
        }

        // The preflight is the upstream's (preflight_continue) or fully answered here: no headers later.
        context.Shared[SkipKey] = true;
        if (config.PreflightContinue)
        {
            return ValueTask.CompletedTask;
        }

        var headers = context.Http.Response.Headers;
        var allowAll = ConfigureOrigin(config, headers, headerFilter: false, origin);
        ConfigureCredentials(config, headers, allowAll, headerFilter: false, origin);
        if (config.Headers is { Length: > 0 } allowed)
        {
            headers["Access-Control-Allow-Headers"] = string.Join(",", allowed);
        }
        else if (Header(request.Headers, "Access-Control-Request-Headers") is { } requested)
        {
            headers["Access-Control-Allow-Headers"] = requested;
        }
        else
        {
            headers.Remove("Access-Control-Allow-Headers");
        }

        headers["Access-Control-Allow-Methods"] = config.Methods is { } methods ? string.Join(",", methods) : string.Join(",", CorsSchema.Methods);
        if (config.MaxAge is { } maxAge)
        {
            headers["Access-Control-Max-Age"] = maxAge.ToString(CultureInfo.InvariantCulture);
        }

        if (config.PrivateNetwork && Header(request.Headers, "Access-Control-Request-Private-Network") == "true")
        {
            headers["Access-Control-Allow-Private-Network"] = "true";
        }

        context.Exit(200);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, CorsConfig config)
    {
        if (context.Shared.ContainsKey(SkipKey))
        {
            return;
        }

        var origin = Header(context.Http.Request.Headers, "Origin");
        if (origin is null && !config.AllowOriginAbsent)
        {
            return;
        }

        var headers = context.Http.Response.Headers;
        var allowAll = ConfigureOrigin(config, headers, headerFilter: true, origin);
        ConfigureCredentials(config, headers, allowAll, headerFilter: true, origin);
        if (config.ExposedHeaders is { Length: > 0 } exposed)
        {
            headers["Access-Control-Expose-Headers"] = string.Join(",", exposed);
        }
    }

    /// <inheritdoc />
    protected override CorsConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        CorsOrigin[] matchers = [.. (read.Origins ?? []).Select(CorsOrigin.From)];
        return read with { Matchers = matchers, AnyWildcard = matchers.Any(m => m.IsWildcard) };
    }

    /// <summary>Kong's configure_origin; returns whether every origin is allowed ("*").</summary>
    private static bool ConfigureOrigin(CorsConfig config, IHeaderDictionary headers, bool headerFilter, string? origin)
    {
        var origins = config.Origins ?? [];
        if (origins.Length == 0 || (origins.Length == 1 && origins[0] == "*"))
        {
            headers[AllowOrigin] = "*";
            return true;
        }

        // Always Vary on Origin: the answer depends on it (caches key on it).
        AddVary(headers, headerFilter);
        if (origins.Length == 1 && CorsOrigin.IsPlain(origins[0]))
        {
            headers[AllowOrigin] = origins[0];
            return false;
        }

        if (origin is not null)
        {
            // Kong meets a "*" entry while preparing the list, before matching any entry: it wins even
            // over an earlier entry that matches.
            if (config.AnyWildcard)
            {
                headers[AllowOrigin] = "*";
                return true;
            }

            var (domain, host) = CorsOrigin.Normalize(origin);
            foreach (var matcher in config.Matchers)
            {
                var found = matcher.Regex is { } regex ? SafeMatch(regex, matcher.ByHost ? host : domain) : matcher.Domain == domain;
                if (found)
                {
                    headers[AllowOrigin] = domain;
                    return false;
                }
            }
        }

        headers.Remove(AllowOrigin);
        return false;
    }

    private static void ConfigureCredentials(CorsConfig config, IHeaderDictionary headers, bool allowAll, bool headerFilter, string? origin)
    {
        if (!config.Credentials)
        {
            return;
        }

        if (!allowAll)
        {
            headers[AllowCredentials] = "true";
            return;
        }

        // ACAC cannot be true with ACAO '*': answer with the request's origin instead.
        if (origin is not null)
        {
            AddVary(headers, headerFilter);
            headers[AllowOrigin] = origin;
            headers[AllowCredentials] = "true";
        }
    }

    private static void AddVary(IHeaderDictionary headers, bool headerFilter)
    {
        if (headerFilter)
        {
            headers.Append("Vary", "Origin");
        }
        else
        {
            headers["Vary"] = "Origin";
        }
    }

    private static bool SafeMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) => headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
