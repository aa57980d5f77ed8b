using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// With RBAC on, the Orleans dashboard on admin_gui_listen admits only users allowed to read <c>/</c>: the token
/// comes as the password of HTTP basic auth (so a browser prompts for it) or in rbac_auth_header.
/// </summary>
/// <param name="guard">The Admin API's guard, whose users, cache and failure limit the dashboard shares.</param>
public sealed class RbacDashboardGate(RbacGuard guard)
{
    private const string Challenge = "Basic realm=\"Gateway dashboard\", charset=\"UTF-8\"";

    /// <summary>Lets the request on to the dashboard, or answers 401 (with a basic-auth challenge), 403 or 429.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            var account = guard.Authenticate(context.Connection.RemoteIpAddress ?? IPAddress.None, Token(context.Request));
            if (!account.Permissions.AllowsEndpoint([], RbacActions.Read))
            {
                throw RbacGuard.Forbidden(account.User, RbacActions.Read);
            }
        }
        catch (AdminException refusal)
        {
            if (refusal.Status == 401)
            {
                context.Response.Headers.WWWAuthenticate = Challenge;
            }

            await AdminResponse.WriteAsync(context, refusal.Status, refusal.Body);
            return;
        }

        await next(context);
    }

    /// <summary>The basic-auth password, else the one value of rbac_auth_header; null when neither is there.</summary>
    private string? Token(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
                var colon = credentials.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : credentials[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        var header = request.Headers[guard.Header];
        return header.Count == 1 ? header[0] : null;
    }
}
