using System.Buffers;
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
/// BCrypt checks (slow on purpose; Kong's salted SHA-1 costs nothing) run on a <see cref="VerificationPool"/>
/// behind a <see cref="VerificationCache"/>; when the pool's queue is full the answer is 429 at once.
/// </summary>
public sealed partial class BasicAuthPlugin : GatewayPlugin<BasicAuthConfig>
{
    /// <summary>Kong's answer to every failed attempt.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly VerificationCache _verdicts;

    /// <summary>The node's plugin: checks on the process's <see cref="VerificationPool.Shared"/>.</summary>
    public BasicAuthPlugin()
        : this(VerificationPool.Shared, TimeProvider.System)
    {
    }

    /// <summary>A plugin whose checks run on <paramref name="pool"/>, their verdicts kept by <paramref name="time"/>.</summary>
    public BasicAuthPlugin(VerificationPool pool, TimeProvider time) => _verdicts = new VerificationCache(pool, time);

    /// <inheritdoc />
    public override PluginSchema Schema => BasicAuthSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [BasicAuthCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, BasicAuthConfig config)
    {
        if (config.Anonymous is not null && context.Credential is not null)
        {
            // Authenticated by an earlier plugin: with anonymous, auth plugins are a logical OR.
            return;
        }

        switch (await AuthenticateAsync(context, config))
        {
            case VerificationOutcome.Busy:
                context.Error(429, VerificationPool.BusyMessage, VerificationPool.BusyHeaders);
                break;
            case VerificationOutcome.Invalid when config.Anonymous is { } anonymous:
                await context.AuthenticateAnonymousAsync(anonymous);
                break;
            case VerificationOutcome.Invalid:
                context.Error(401, UnauthorizedMessage, [new("WWW-Authenticate", config.WwwAuthenticate)]);
                break;
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

    /// <summary>nginx's <c>decode_base64</c> of the credentials, as text; null when invalid.</summary>
    private static string? Base64(string text) => NginxBase64.Decode(text) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Kong's <c>do_authentication</c>.</summary>
    private async ValueTask<VerificationOutcome> AuthenticateAsync(PluginContext context, BasicAuthConfig config)
    {
        var headers = context.Http.Request.Headers;
        if (!headers.ContainsKey("Authorization") && !headers.ContainsKey("Proxy-Authorization"))
        {
            return VerificationOutcome.Invalid;
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
                return VerificationOutcome.Invalid;
            }

            credential = await context.Consumers.FindAsync(BasicAuthCredentials.Schema.Name, "username", username);
        }

        if (credential is null)
        {
            return VerificationOutcome.Invalid;
        }

        var outcome = await VerifyAsync(credential, password!);
        if (outcome != VerificationOutcome.Valid)
        {
            return outcome;
        }

        var consumer = credential["consumer"]?["id"]?.GetValue<string>() is { } consumerId
            ? await context.Consumers.FindAsync("consumers", "id", consumerId)
            : null;
        context.Authenticate(consumer, credential);
        context.SetConsumerHeaders(consumer, credential["username"]?.GetValue<string>(), anonymous: false);
        return VerificationOutcome.Valid;
    }

    private ValueTask<VerificationOutcome> VerifyAsync(JsonObject credential, string password)
    {
        if (credential["password"]?.GetValue<string>() is not { } hash)
        {
            return ValueTask.FromResult(VerificationOutcome.Invalid);
        }

        if (IsKongDigest(hash))
        {
            var valid = MatchesKongDigest(hash, password, credential["consumer"]?["id"]?.GetValue<string>() ?? "");
            return ValueTask.FromResult(valid ? VerificationOutcome.Valid : VerificationOutcome.Invalid);
        }

        return _verdicts.VerifyAsync(credential["id"]?.GetValue<string>() ?? "", hash, password, MatchesBcrypt);
    }

    private static bool MatchesBcrypt(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
