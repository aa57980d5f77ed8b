using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Acl;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Plugins.Session;

/// <summary>
/// Kong's session (kong/plugins/session/{access,header_filter}.lua): in access, a valid session cookie
/// authenticates its consumer and credential before the auth plugins run (which, with <c>anonymous</c>, then let
/// it through), or logs out; in the header filter, a request an auth plugin authenticated gets a new session
/// cookie. Timeouts, renewal, touching and <c>remember</c> follow lua-resty-session 4: renewed (a new id) once 3/4
/// of the rolling timeout is spent, touched at most once a minute for the idling timeout; with remember, a second,
/// persistent cookie restores the session once the session cookie is gone. Where sessions live: <see cref="SessionStorage"/>.
/// </summary>
public sealed class SessionPlugin(PluginServices services) : GatewayPlugin<SessionConfig>
{
    /// <summary>Where access leaves the opened session (Kong's <c>kong.ctx.shared.authenticated_session</c>).</summary>
    public const string SharedKey = "authenticated_session";

    /// <summary>lua-resty-session's touch threshold: the idling clock is re-sent at most this often.</summary>
    private const long TouchThreshold = 60;

    private readonly SessionStorage _storage = new(services);

    /// <inheritdoc />
    public override PluginSchema Schema => SessionSchema.Schema;

    /// <inheritdoc />
    public override IReadOnlyList<EntitySchema> Entities { get; } = [SessionRows.Schema];

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, SessionConfig config)
    {
        var now = Now();
        var cookies = context.Http.Request.Cookies;
        var main = await _storage.OpenAsync(config, config.Main, cookies[config.Main.CookieName], now);
        var remembered = main is null && config.Remember
            ? await _storage.OpenAsync(config, config.Persistent, cookies[config.Persistent.CookieName], now)
            : null;
        if ((main ?? remembered)?.Session is not { } session)
        {
            return;
        }

        if (await IsLogoutAsync(context, config))
        {
            var cleared = await DestroyAsync(context, config, main, remembered, now);
            context.Exit(200, body: null, cleared.Select(c => new KeyValuePair<string, string>("Set-Cookie", c)));
            return;
        }

        var consumer = await context.Consumers.FindAsync("consumers", "id", session.Consumer);
        if (consumer is null)
        {
            // A session of a deleted consumer ends.
            context.Shared[SharedKey] = new Opened(null, null, null, await DestroyAsync(context, config, main, remembered, now));
            return;
        }

        var opened = main is null ? Restore(config, remembered!, now) : Refresh(config, main, now);
        context.Shared[SharedKey] = opened;
        SetHeaders(context.Http.Request.Headers, config.RequestHeaders, opened.Session!, config, now);
        Authenticate(context, consumer, opened.Session!);
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, SessionConfig config)
    {
        var now = Now();
        var opened = context.Shared.TryGetValue(SharedKey, out var value) ? value as Opened : null;
        var setCookies = opened?.SetCookies ?? [];
        var session = opened?.Session;
        if (context.Credential is { } credential && context.ConsumerId is { } consumerId)
        {
            var credentialId = credential["id"]?.GetValue<string>() ?? consumerId;
            if (session is null || session.Consumer != consumerId || session.Credential != credentialId)
            {
                // Authenticated by an auth plugin: a new session for that consumer (never for an anonymous one).
                var consumer = context.Consumer!;
                var subject = consumer["username"]?.GetValue<string>() ?? consumer["custom_id"]?.GetValue<string>() ?? consumerId;
                session = SessionCookie.Start(consumerId, credentialId, ConsumerGroups.Authenticated(context), subject, now);
                setCookies = Login(config, session, opened, now);
            }
        }

        foreach (var setCookie in setCookies)
        {
            context.Http.Response.Headers.Append("Set-Cookie", setCookie);
        }

        if (session is not null)
        {
            SetHeaders(context.Http.Response.Headers, config.ResponseHeaders, session, config, now);
        }
    }

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>lua-resty-session's save: the session, and with remember a new persistent session beside it.</summary>
    private List<string> Login(SessionConfig config, SessionCookie session, Opened? opened, long now)
    {
        var setCookies = new List<string> { _storage.Save(config, config.Main, session, opened?.Main, now).SetCookie };
        if (config.Remember)
        {
            setCookies.Add(_storage.Save(config, config.Persistent, session with { Id = SessionCookie.NewId() }, opened?.Remembered, now).SetCookie);
        }

        return setCookies;
    }

    /// <summary>
    /// lua-resty-session's open through the remember cookie: the persistent session is renewed (a new id, its start
    /// kept), and a new session begins for the same consumer, credential and groups.
    /// </summary>
    private Opened Restore(SessionConfig config, StoredSession remembered, long now)
    {
        var old = remembered.Session;
        var (remember, rememberCookie) = _storage.Save(config, config.Persistent, old with { Id = SessionCookie.NewId(), RenewedAt = now, TouchedAt = now }, remembered, now);
        var (main, mainCookie) = _storage.Save(config, config.Main, SessionCookie.Start(old.Consumer, old.Credential, old.Groups, old.Subject, now), null, now);
        return new Opened(main.Session, main, remember, [rememberCookie, mainCookie]);
    }

    /// <summary>
    /// lua-resty-session's <c>refresh</c>: a session past 3/4 of its rolling timeout is renewed (new id, new
    /// rolling start); one whose idling clock is older than the touch threshold is touched.
    /// </summary>
    private Opened Refresh(SessionConfig config, StoredSession opened, long now)
    {
        var session = opened.Session;
        var (current, setCookie) = config.RollingTimeout > 0 && now - session.RenewedAt >= config.RollingTimeout * 3 / 4
            ? _storage.Save(config, config.Main, session with { Id = SessionCookie.NewId(), RenewedAt = now, TouchedAt = now }, opened, now)
            : config.IdlingTimeout > 0 && now - session.TouchedAt >= Math.Min(TouchThreshold, config.IdlingTimeout / 2)
                ? _storage.Touch(config, config.Main, session with { TouchedAt = now }, opened, now)
                : (opened, null);
        return new Opened(current.Session, current, null, setCookie is null ? [] : [setCookie]);
    }

    /// <summary>
    /// lua-resty-session's <c>destroy</c>: the session cookie cleared and its row deleted, and with remember the
    /// persistent one too (when it opens). Answers the Set-Cookie headers.
    /// </summary>
    private async Task<List<string>> DestroyAsync(PluginContext context, SessionConfig config, StoredSession? main, StoredSession? remembered, long now)
    {
        if (main is not null)
        {
            await _storage.DeleteAsync(main);
        }

        var cleared = new List<string> { config.Main.Cleared };
        if (config.Remember)
        {
            remembered ??= await _storage.OpenAsync(config, config.Persistent, context.Http.Request.Cookies[config.Persistent.CookieName], now);
            if (remembered is not null)
            {
                await _storage.DeleteAsync(remembered);
                cleared.Add(config.Persistent.Cleared);
            }
        }

        return cleared;
    }

    /// <summary>Kong's session <c>authenticate</c>: the consumer headers, the groups, the credential by id.</summary>
    private static void Authenticate(PluginContext context, JsonObject consumer, SessionCookie session)
    {
        context.Authenticate(consumer, new JsonObject { ["id"] = session.Credential, ["consumer_id"] = session.Consumer });
        context.SetConsumerHeaders(consumer, session.Credential, anonymous: false);
        var headers = context.Http.Request.Headers;
        if (session.Groups is { } groups)
        {
            headers["X-Authenticated-Groups"] = string.Join(", ", groups);
            context.Shared[ConsumerGroups.AuthenticatedGroupsKey] = groups;
        }
        else
        {
            headers.Remove("X-Authenticated-Groups");
        }
    }

    /// <summary>Kong's <c>logout</c>: a logout method with the query argument, or the body argument when read_body_for_logout.</summary>
    private static async ValueTask<bool> IsLogoutAsync(PluginContext context, SessionConfig config)
    {
        var request = context.Http.Request;
        if (config.LogoutMethods?.Contains(request.Method) != true)
        {
            return false;
        }

        if (config.LogoutQueryArg is { } queryArg && QueryArgs.HasArgument(request.QueryString.Value, queryArg))
        {
            return true;
        }

        if (config.LogoutPostArg is not { } postArg || !config.ReadBodyForLogout)
        {
            return false;
        }

        var body = await RequestBodies.ReadAsync(request) is { } bytes ? await FormBody.ParseAsync(bytes, request.ContentType) : null;
        return body?.Find(postArg).Kind is FormBody.Kind.String or FormBody.Kind.Table;
    }

    /// <summary>lua-resty-session's <c>set_headers</c>: Session-Id, Session-Audience, ... for the listed names.</summary>
    private static void SetHeaders(IHeaderDictionary headers, IReadOnlyList<string>? names, SessionCookie session, SessionConfig config, long now)
    {
        foreach (var name in names ?? [])
        {
            var idling = SessionCookie.Remaining(config.IdlingTimeout, session.TouchedAt, now);
            var rolling = SessionCookie.Remaining(config.RollingTimeout, session.RenewedAt, now);
            var absolute = SessionCookie.Remaining(config.AbsoluteTimeout, session.CreatedAt, now);
            var header = name switch
            {
                "id" => ("Session-Id", session.Id),
                "audience" => ("Session-Audience", config.Audience),
                "subject" => ("Session-Subject", session.Subject),
                "timeout" => ("Session-Timeout", Seconds(Math.Min(idling, Math.Min(rolling, absolute)))),
                "idling-timeout" => ("Session-Idling-Timeout", Seconds(idling)),
                "rolling-timeout" => ("Session-Rolling-Timeout", Seconds(rolling)),
                _ => ("Session-Absolute-Timeout", Seconds(absolute)),
            };
            headers[header.Item1] = header.Item2;
        }

        static string Seconds(double remaining) =>
            double.IsPositiveInfinity(remaining) ? "0" : ((long)Math.Max(0, remaining)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// What access opened: the session (null when it ended) with how it is stored, the persistent session when it was
    /// renewed, and the Set-Cookie headers for the response.
    /// </summary>
    private sealed record Opened(SessionCookie? Session, StoredSession? Main, StoredSession? Remembered, IReadOnlyList<string> SetCookies);
}
