using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Node.Plugins.HmacAuth;

/// <summary>
/// Kong's hmac-auth (kong/plugins/hmac-auth/access.lua): the client signs the headers it lists (and
/// <c>request-line</c>, the method, target and version) with its credential's secret and sends
/// <c>hmac username="...", algorithm="...", headers="...", signature="..."</c> in Proxy-Authorization
/// or Authorization, with a Date or X-Date within <c>clock_skew</c>. Failures answer 401 with an hmac
/// challenge, unless <c>anonymous</c> applies.
/// </summary>
public sealed partial class HmacAuthPlugin : GatewayPlugin<HmacAuthConfig>
{
    /// <summary>Kong's answer when the parameters are incomplete or the username unknown.</summary>
    public const string NotValidMessage = "HMAC signature cannot be verified";

    /// <summary>Kong's answer when the signature (or body digest) does not match.</summary>
    public const string NotSameMessage = "HMAC signature does not match";

    /// <summary>Kong's answer when no usable Date or X-Date header was sent.</summary>
    public const string DateMessage = "HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication";

    /// <inheritdoc />
    public override PluginSchema Schema => HmacAuthSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [HmacAuthCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, HmacAuthConfig config)
    {
        if (config.Anonymous is { } anonymous)
        {
            if (context.Credential is null && await AuthenticateAsync(context, config) is not null)
            {
                await context.AuthenticateAnonymousAsync(anonymous);
            }

            return;
        }

        if (await AuthenticateAsync(context, config) is { } failure)
        {
            context.Error(401, failure, [new("WWW-Authenticate", config.WwwAuthenticate)]);
        }
    }

    /// <summary>Kong's pattern for the signature parameters, in Kong's fixed order.</summary>
    [GeneratedRegex(@"\s*[Hh]mac\s*username=""(.+)"",\s*algorithm=""(.+)"",\s*headers=""(.+)"",\s*signature=""(.+)""", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex ParamsPattern();

    /// <summary>Kong's <c>do_authentication</c>: null on success, else the 401 message.</summary>
    private static async ValueTask<string?> AuthenticateAsync(PluginContext context, HmacAuthConfig config)
    {
        var headers = context.Http.Request.Headers;
        var authorization = First(context, "Authorization");
        var proxyAuthorization = First(context, "Proxy-Authorization");
        if (authorization is null && proxyAuthorization is null)
        {
            return "Unauthorized";
        }

        if (!WithinClockSkew(First(context, "X-Date"), config.ClockSkew) && !WithinClockSkew(First(context, "Date"), config.ClockSkew))
        {
            return DateMessage;
        }

        var parameters = Parse(proxyAuthorization);
        if (parameters is null)
        {
            parameters = Parse(authorization);
            if (config.HideCredentials)
            {
                headers.Remove("Authorization");
            }
        }
        else if (config.HideCredentials)
        {
            headers.Remove("Proxy-Authorization");
        }

        if (parameters is null || !Valid(parameters, config))
        {
            return NotValidMessage;
        }

        var credential = await context.Consumers.FindAsync(HmacAuthCredentials.Schema.Name, "username", parameters.Username);
        if (credential is null)
        {
            return NotValidMessage;
        }

        var secret = credential["secret"]?.GetValue<string>() ?? "";
        if (!SignatureMatches(context, parameters, secret))
        {
            return NotSameMessage;
        }

        if (config.ValidateRequestBody && !await BodyMatchesAsync(context))
        {
            return NotSameMessage;
        }

        var consumer = credential["consumer"]?["id"]?.GetValue<string>() is { } consumerId
            ? await context.Consumers.FindAsync("consumers", "id", consumerId)
            : null;
        context.Authenticate(consumer, credential);
        context.SetConsumerHeaders(consumer, credential["username"]?.GetValue<string>(), anonymous: false);
        return null;
    }

    private static string? First(PluginContext context, string header) =>
        context.Http.Request.Headers.TryGetValue(header, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Kong's <c>retrieve_hmac_fields</c>; null when the header is absent or has no username.</summary>
    private static Params? Parse(string? header)
    {
        if (header is null || ParamsPattern().Match(header) is not { Success: true } match)
        {
            return null;
        }

        return new Params(match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value.Split(' '), match.Groups[4].Value);
    }

    /// <summary>Kong's <c>validate_params</c>: a signature, every enforced header signed, an allowed algorithm.</summary>
    private static bool Valid(Params parameters, HmacAuthConfig config) =>
        parameters.Signature.Length > 0
        && config.EnforceHeaders.All(parameters.Headers.Contains)
        && config.Algorithms.Contains(parameters.Algorithm);

    /// <summary>Kong's <c>validate_clock_skew</c>: an HTTP date (read as nginx reads it) no further than the skew from now.</summary>
    private static bool WithinClockSkew(string? date, double skew) =>
        date is not null && NginxHttpTime.Parse(date) is { } seconds
        && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= skew;

    /// <summary>Kong's <c>create_hash</c> and <c>validate_signature</c> over the signed headers, the request line (or @request-target) as sent.</summary>
    private static bool SignatureMatches(PluginContext context, Params parameters, string secret)
    {
        var request = context.Http.Request;
        var target = context.Http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var signing = new StringBuilder();
        for (var i = 0; i < parameters.Headers.Length; i++)
        {
            var name = parameters.Headers[i];
            var value = First(context, name);
            if (value is not null)
            {
                signing.Append(name).Append(": ").Append(value);
            }
            else if (name == "@request-target")
            {
                // The HTTP Signatures pseudo-header: lower-case method and the target as sent.
                signing.Append(name).Append(": ").Append(request.Method.ToLowerInvariant()).Append(' ').Append(target);
            }
            else if (name == "request-line")
            {
                signing.Append(request.Method).Append(' ').Append(target).Append(' ').Append(HttpVersion(request.Protocol));
            }
            else
            {
                signing.Append(name).Append(':');
            }

            if (i < parameters.Headers.Length - 1)
            {
                signing.Append('\n');
            }
        }

        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes(signing.ToString());
        var expected = parameters.Algorithm switch
        {
            "hmac-sha1" => HMACSHA1.HashData(key, data),
            "hmac-sha256" => HMACSHA256.HashData(key, data),
            "hmac-sha384" => HMACSHA384.HashData(key, data),
            _ => HMACSHA512.HashData(key, data),
        };
        // Decoded as nginx does: padding optional, so an unpadded signature verifies as in Kong.
        return NginxBase64.Decode(parameters.Signature) is { } given && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>nginx's <c>HTTP/%.01f</c> of the request's version: HTTP/1.0, HTTP/1.1, HTTP/2.0.</summary>
    private static string HttpVersion(string protocol) => protocol switch
    {
        "HTTP/2" => "HTTP/2.0",
        "HTTP/3" => "HTTP/3.0",
        _ => protocol,
    };

    /// <summary>Kong's <c>validate_body</c>: the Digest header is <c>SHA-256=</c> and the body's base64 hash; no digest only for an empty body.</summary>
    private static async Task<bool> BodyMatchesAsync(PluginContext context)
    {
        var body = await RequestBodies.ReadAsync(context.Http.Request);
        if (body is null)
        {
            return false;
        }

        var digest = First(context, "Digest");
        return digest is null ? body.Length == 0 : digest == "SHA-256=" + Convert.ToBase64String(SHA256.HashData(body));
    }

    /// <summary>The signature parameters.</summary>
    private sealed record Params(string Username, string Algorithm, string[] Headers, string Signature);
}
