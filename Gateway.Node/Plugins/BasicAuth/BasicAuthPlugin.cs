using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.BasicAuth;

/// <summary>
/// Kong's basic-auth (kong/plugins/basic-auth/access.lua): reads <c>username:password</c> from
/// Proxy-Authorization, then Authorization, checks the password against the credential's hash, and
/// answers 401 "Unauthorized" with a Basic challenge otherwise, unless <c>anonymous</c> applies.
/// </summary>
public sealed partial class BasicAuthPlugin : GatewayPlugin<BasicAuthConfig>
{
    /// <summary>Kong's answer to every failed attempt.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>How many verified passwords are remembered before the memory is cleared.</summary>
    private const int VerifiedCapacity = 10_000;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Passwords already verified against a hash (keyed by a SHA-256 of both): BCrypt is slow on
    /// purpose, and Kong, which compares salted SHA-1 digests, costs nothing per request either.
    /// Only successes are kept, so a changed password or credential never matches a stale entry.
    /// </summary>
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override PluginSchema Schema => BasicAuthSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [BasicAuthCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, BasicAuthConfig config)
    {
        if (config.Anonymous is { } anonymous)
        {
            if (context.Credential is null && !await AuthenticateAsync(context, config))
            {
                await context.AuthenticateAnonymousAsync(anonymous);
            }

            return;
        }

        if (!await AuthenticateAsync(context, config))
        {
            context.Error(401, UnauthorizedMessage, [new("WWW-Authenticate", config.WwwAuthenticate)]);
        }
    }

    /// <summary>Kong's <c>\s*[Bb]asic\s*(.+)</c>, searched anywhere in the header.</summary>
    [GeneratedRegex(@"\s*[Bb]asic\s*(.+)", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex BasicPattern();

    /// <summary>Kong's <c>([^:]+):(.*)</c> over the decoded credentials.</summary>
    [GeneratedRegex(@"([^:]+):(.*)", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex PartsPattern();

    /// <summary>Kong's <c>retrieve_credentials</c>: the username and password in one header, clearing it when hiding credentials.</summary>
    private static (string? Username, string? Password) Retrieve(PluginContext context, string header, BasicAuthConfig config)
    {
        var headers = context.Http.Request.Headers;
        string? username = null, password = null;
        if (headers.TryGetValue(header, out var values) && values.Count > 0 && values[0] is { } value
            && BasicPattern().Match(value) is { Success: true } basic
            && Base64(basic.Groups[1].Value) is { } decoded
            && PartsPattern().Match(decoded) is { Success: true } parts)
        {
            username = parts.Groups[1].Value;
            password = parts.Groups[2].Value;
        }

        if (config.HideCredentials)
        {
            headers.Remove(header);
        }

        return (username, password);
    }

    /// <summary>nginx's <c>decode_base64</c> of the credentials, as text; null when invalid.</summary>
    /// <summary>
    /// A password as Kong stores it (kong/plugins/basic-auth/crypto.lua): 40 hex digits of SHA-1. Credentials
    /// made here are BCrypt hashes ("$2..."); Kong's come in unchanged from a <c>kong config db_export</c> file
    /// (<c>_transform: false</c>), and their consumers keep their passwords.
    /// </summary>
    private static bool IsKongDigest(string hash) => hash.Length == 40 && !hash.AsSpan().ContainsAnyExcept(HexDigits);

    /// <summary>Kong's check: the hex SHA-1 of the password followed by the consumer's id.</summary>
    private static bool MatchesKongDigest(string digest, string password, string consumerId)
    {
        var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(password + consumerId)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(digest.ToLowerInvariant()));
    }

    private static string? Base64(string text) => NginxBase64.Decode(text) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Kong's <c>do_authentication</c>.</summary>
    private async ValueTask<bool> AuthenticateAsync(PluginContext context, BasicAuthConfig config)
    {
        var headers = context.Http.Request.Headers;
        if (!headers.ContainsKey("Authorization") && !headers.ContainsKey("Proxy-Authorization"))
        {
            return false;
        }

        JsonObject? credential = null;
        var (username, password) = Retrieve(context, "Proxy-Authorization", config);
        if (username is not null && password is not null)
        {
            credential = await context.Consumers.FindAsync(BasicAuthCredentials.Schema.Name, "username", username);
        }

        if (credential is null)
        {
            (username, password) = Retrieve(context, "Authorization", config);
            if (username is null || password is null)
            {
                return false;
            }

            credential = await context.Consumers.FindAsync(BasicAuthCredentials.Schema.Name, "username", username);
        }

        if (credential is null || !await VerifyAsync(credential, password!))
        {
            return false;
        }

        var consumer = credential["consumer"]?["id"]?.GetValue<string>() is { } consumerId
            ? await context.Consumers.FindAsync("consumers", "id", consumerId)
            : null;
        context.Authenticate(consumer, credential);
        context.SetConsumerHeaders(consumer, credential["username"]?.GetValue<string>(), anonymous: false);
        return true;
    }

    private async ValueTask<bool> VerifyAsync(JsonObject credential, string password)
    {
        if (credential["password"]?.GetValue<string>() is not { } hash)
        {
            return false;
        }

        if (IsKongDigest(hash))
        {
            return MatchesKongDigest(hash, password, credential["consumer"]?["id"]?.GetValue<string>() ?? "");
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(hash + "\0" + password)));
        if (_verified.ContainsKey(key))
        {
            return true;
        }

        // Tens of milliseconds of CPU on purpose: on the thread pool, not the socket thread the request runs on
        // (inline completions), so a stream of wrong passwords cannot stall the other connections of that thread.
        var ok = await Task.Run(() =>
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(password, hash);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        });

        if (ok)
        {
            if (_verified.Count >= VerifiedCapacity)
            {
                _verified.Clear();
            }

            _verified[key] = true;
        }

        return ok;
    }
}
