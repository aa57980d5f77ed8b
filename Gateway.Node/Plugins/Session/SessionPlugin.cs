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
/// cookie. Timeouts, renewal and touching follow lua-resty-session 4: renewed (a new id) once 3/4 of the rolling
/// timeout is spent, touched at most once a minute for the idling timeout.
/// </summary>
public sealed class SessionPlugin : GatewayPlugin<SessionConfig>
{
    /// <summary>Where access leaves the opened session (Kong's <c>kong.ctx.shared.authenticated_session</c>).</summary>
    public const string SharedKey = "authenticated_session";

    /// <summary>lua-resty-session's touch threshold: the idling clock is re-sent at most this often.</summary>
    private const long TouchThreshold = 60;

    /// <summary>Past the epoch: what a cleared cookie expires with.</summary>
    private const string Expired = "; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0";

    private readonly TimeProvider _time;

    /// <summary>The node's plugin, on the system clock.</summary>
    public SessionPlugin()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A plugin whose sessions are timed by <paramref name="time"/>.</summary>
    public SessionPlugin(TimeProvider time) => _time = time;

    /// <inheritdoc />
    public override PluginSchema Schema => SessionSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, SessionConfig config)
    {
        if (!context.Http.Request.Cookies.TryGetValue(config.CookieName, out var value) || value is null)
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (SessionCookie.Open(value, config) is not { } session || !session.IsValidAt(config, now))
        {
            return;
        }

        if (await IsLogoutAsync(context, config))
        {
            context.Exit(200, body: null, [new("Set-Cookie", Cleared(config))]);
            return;
        }

        var consumer = await context.Consumers.FindAsync("consumers", "id", session.Consumer);
        if (consumer is null)
        {
            // A session of a deleted consumer ends.
            context.Shared[SharedKey] = new Opened(null, Cleared(config));
            return;
        }

        var (current, setCookie) = Refresh(session, config, now);
        context.Shared[SharedKey] = new Opened(current, setCookie);
        SetHeaders(context.Http.Request.Headers, config.RequestHeaders, current, config, now);
        Authenticate(context, consumer, current);
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, SessionConfig config)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var opened = context.Shared.TryGetValue(SharedKey, out var value) ? value as Opened : null;
        var setCookie = opened?.SetCookie;
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
                setCookie = $"{config.CookieName}={session.Seal(config)}{config.Attributes}";
            }
        }

        if (setCookie is not null)
        {
            context.Http.Response.Headers.Append("Set-Cookie", setCookie);
        }

        if (session is not null)
        {
            SetHeaders(context.Http.Response.Headers, config.ResponseHeaders, session, config, now);
        }
    }

    /// <summary>
    /// lua-resty-session's <c>refresh</c>: a session past 3/4 of its rolling timeout is renewed (new id, new
    /// rolling start); one whose idling clock is older than the touch threshold is touched; either is re-sent.
    /// </summary>
    private static (SessionCookie Session, string? SetCookie) Refresh(SessionCookie session, SessionConfig config, long now)
    {
        SessionCookie? changed = null;
        if (config.RollingTimeout > 0 && now - session.RenewedAt >= config.RollingTimeout * 3 / 4)
        {
            changed = session with { Id = SessionCookie.NewId(), RenewedAt = now, TouchedAt = now };
        }
        else if (config.IdlingTimeout > 0 && now - session.TouchedAt >= Math.Min(TouchThreshold, config.IdlingTimeout / 2))
        {
            changed = session with { TouchedAt = now };
        }

        return changed is null ? (session, null) : (changed, $"{config.CookieName}={changed.Seal(config)}{config.Attributes}");
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

    private static string Cleared(SessionConfig config) => $"{config.CookieName}={config.Attributes}{Expired}";

    /// <summary>The session access opened (null when it ended), and the Set-Cookie to send with the response, if any.</summary>
    private sealed record Opened(SessionCookie? Session, string? SetCookie);
}
