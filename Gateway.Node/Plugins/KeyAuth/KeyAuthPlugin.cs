using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.KeyAuth;

/// <summary>
/// Kong's key-auth (kong/plugins/key-auth/handler.lua): finds an API key in a header, the query string
/// or the body, authenticates its credential's consumer, and answers 401 otherwise, unless
/// <c>anonymous</c> names a consumer to fall back to (Kong's "logical OR" between auth plugins).
/// </summary>
public sealed class KeyAuthPlugin : GatewayPlugin<KeyAuthConfig>
{
    /// <summary>Kong's answer when no key was sent.</summary>
    public const string NoKeyMessage = "No API key found in request";

    /// <summary>Kong's answer when a key was sent twice.</summary>
    public const string DuplicateKeyMessage = "Duplicate API key found";

    /// <summary>Kong's answer when the key matches no (live) credential.</summary>
    public const string InvalidMessage = "Unauthorized";

    /// <inheritdoc />
    public override PluginSchema Schema => KeyAuthSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [KeyAuthCredentials.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, KeyAuthConfig config)
    {
        if (!config.RunOnPreflight && HttpMethods.IsOptions(context.Http.Request.Method))
        {
            return;
        }

        if (config.Anonymous is { } anonymous)
        {
            // Logical OR: another auth plugin already authenticated the request.
            if (context.Credential is not null)
            {
                return;
            }

            if (await AuthenticateAsync(context, config) is not null)
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

    /// <summary>Kong's <c>do_authentication</c>: null on success, else the 401 message.</summary>
    private static async ValueTask<string?> AuthenticateAsync(PluginContext context, KeyAuthConfig config)
    {
        var request = context.Http.Request;
        string? key = null;
        FormBody? body = null;
        var bodyRead = false;
        QueryArgs? query = null;
        for (var i = 0; i < config.KeyNames.Length; i++)
        {
            var name = config.KeyNames[i];
            var kind = FormBody.Kind.None;
            string? value = null;
            var headerName = name;
            if (config.KeyInHeader && HeaderAliases.TryGet(request.Headers, name, config.KeyNameAliases[i], out var header, out headerName)
                && header.Count > 0)
            {
                (kind, value) = header.Count > 1 ? (FormBody.Kind.Table, null) : (FormBody.Kind.String, header[0]);
            }

            // A bare "?apikey" is Lua's true: found but not a string, so Kong neither looks in the body nor takes it.
            var bare = false;
            if (kind == FormBody.Kind.None && config.KeyInQuery)
            {
                query ??= QueryArgs.Parse(context.UpstreamQuery);
                var values = query.Get(name);
                (kind, value) = values.Count switch
                {
                    0 => (FormBody.Kind.None, null),
                    1 => values[0] is { } v ? (FormBody.Kind.String, v) : (FormBody.Kind.None, null),
                    _ => (FormBody.Kind.Table, null),
                };
                bare = values.Count == 1 && values[0] is null;
            }

            if (kind == FormBody.Kind.None && !bare && config.KeyInBody)
            {
                if (!bodyRead)
                {
                    body = await ReadBodyAsync(request);
                    bodyRead = true;
                }

                (kind, value) = body?.Find(name) ?? (FormBody.Kind.None, null);
            }

            if (kind == FormBody.Kind.Table)
            {
                return DuplicateKeyMessage;
            }

            if (kind == FormBody.Kind.String)
            {
                key = value;
                if (config.HideCredentials)
                {
                    context.UpstreamQuery = QueryArgs.Parse(context.UpstreamQuery).Without(name).ToQueryString(QueryArgsEncoding.AsSent);
                    request.Headers.Remove(name);
                    if (!ReferenceEquals(headerName, name))
                    {
                        // Found under its hyphenated alias: that header is the credential to hide.
                        request.Headers.Remove(headerName);
                    }
                    if (config.KeyInBody)
                    {
                        if (!bodyRead)
                        {
                            body = await ReadBodyAsync(request);
                            bodyRead = true;
                        }

                        if (body is not null)
                        {
                            RequestBodies.Replace(request, body.Without(name));
                        }
                    }
                }

                break;
            }
        }

        if (string.IsNullOrEmpty(key))
        {
            return NoKeyMessage;
        }

        var credential = await context.Consumers.FindAsync(KeyAuthCredentials.Schema.Name, "key", key);
        if (credential is null || IsExpired(credential))
        {
            return InvalidMessage;
        }

        var consumer = credential["consumer"]?["id"]?.GetValue<string>() is { } consumerId
            ? await context.Consumers.FindAsync("consumers", "id", consumerId)
            : null;
        context.Authenticate(consumer, credential);
        context.SetConsumerHeaders(consumer, credential["id"]?.GetValue<string>(), anonymous: false);
        return null;
    }

    private static async Task<FormBody?> ReadBodyAsync(HttpRequest request) =>
        await RequestBodies.ReadAsync(request) is { } bytes ? await FormBody.ParseAsync(bytes, request.ContentType) : null;

    /// <summary>A key with a <c>ttl</c> lives that many seconds from its creation (Kong's database drops it then).</summary>
    private static bool IsExpired(JsonObject credential) =>
        TtlOption.ExpiresAt(credential) is { } expires && expires <= DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
