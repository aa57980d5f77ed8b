using System.Globalization;
using System.Text;

namespace Gateway.Node.Plugins.Session;

/// <summary>
/// One of the two cookies of a session config: the session cookie, or the persistent <c>remember</c> cookie
/// (lua-resty-session 4), with the timeouts its sessions are held to and how it is set.
/// </summary>
/// <param name="CookieName">The cookie's name.</param>
/// <param name="Remember">Whether this is the remember cookie: no idling timeout, a Max-Age, its own binding.</param>
/// <param name="IdlingTimeout">Seconds a session may go unused; 0: no limit.</param>
/// <param name="RollingTimeout">Seconds a session lives from its last renewal; 0: no limit.</param>
/// <param name="AbsoluteTimeout">Seconds a session lives from its start; 0: no limit.</param>
/// <param name="Attributes">The attributes after <c>name=value</c> in Set-Cookie.</param>
/// <param name="Audience">The session audience.</param>
public sealed record SessionSlot(
    string CookieName, bool Remember, double IdlingTimeout, double RollingTimeout, double AbsoluteTimeout, string Attributes, string Audience)
{
    /// <summary>Past the epoch: what a cleared cookie expires with.</summary>
    private const string Expired = "; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0";

    /// <summary>
    /// What a sealed session is bound to besides the key (GCM's associated data): the cookie's name and kind and the
    /// audience, so a session sealed for another audience, name or kind (a remember cookie as a session cookie) does
    /// not open here.
    /// </summary>
    public byte[] Binding { get; } = Encoding.UTF8.GetBytes($"{CookieName}\0{Audience}{(Remember ? "\0remember" : "")}");

    /// <summary>Whether every timeout set still has time left at <paramref name="now"/>.</summary>
    public bool IsValid(SessionCookie session, long now) => Lifetime(session, now) > 0;

    /// <summary>Seconds the session has left: the least of its timeouts' (infinity when none is set).</summary>
    public double Lifetime(SessionCookie session, long now) => Math.Min(
        SessionCookie.Remaining(IdlingTimeout, session.TouchedAt, now),
        Math.Min(SessionCookie.Remaining(RollingTimeout, session.RenewedAt, now), SessionCookie.Remaining(AbsoluteTimeout, session.CreatedAt, now)));

    /// <summary>
    /// The Set-Cookie of <paramref name="value"/>; a remember cookie persists (lua-resty-session: Max-Age of the
    /// remember rolling timeout, or its 400-day cap).
    /// </summary>
    public string SetCookie(string value, long now)
    {
        if (!Remember)
        {
            return $"{CookieName}={value}{Attributes}";
        }

        var maxAge = RollingTimeout is > 0 and < SessionRows.MaxTtl ? (long)RollingTimeout : SessionRows.MaxTtl;
        var expires = DateTimeOffset.FromUnixTimeSeconds(now + maxAge).ToString("R", CultureInfo.InvariantCulture);
        return $"{CookieName}={value}{Attributes}; Expires={expires}; Max-Age={maxAge}";
    }

    /// <summary>The Set-Cookie that removes the cookie.</summary>
    public string Cleared => $"{CookieName}={Attributes}{Expired}";
}
