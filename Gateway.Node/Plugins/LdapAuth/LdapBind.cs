using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;

namespace Gateway.Node.Plugins.LdapAuth;

/// <summary>
/// One simple bind as <c>attribute=username,base_dn</c> (Kong's <c>ldap_authenticate</c>), through
/// System.DirectoryServices.Protocols (OpenLDAP's libldap on Linux): true when the directory accepts the
/// password, false when it answers "invalid credentials" or the TLS handshake fails (<see cref="LdapTls"/>); any
/// other failure (unreachable, timeout) throws.
/// Blocking: it runs on ldap-auth's own verification pool, never on a request thread.
/// </summary>
public static class LdapBind
{
    /// <summary>Binds with <paramref name="password"/> as the user's DN in <paramref name="config"/>'s directory.</summary>
    public static bool Check(LdapAuthConfig config, string username, string password)
    {
        using var connection = LdapTls.Open(config, new NetworkCredential(DistinguishedName(config, username), password));
        connection.Timeout = TimeSpan.FromMilliseconds(Math.Max(1, config.Timeout));
        var options = connection.SessionOptions;
        options.ProtocolVersion = 3;
        // Kong binds where it connected: no referral chasing to other servers.
        options.ReferralChasing = ReferralChasingOptions.None;
        try
        {
            if (config.StartTls && !LdapTls.StartTls(connection))
            {
                return false;
            }

            options.SecureSocketLayer = config.Ldaps;
            connection.Bind();
            return true;
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials || (config.Ldaps && e.ErrorCode == ServerDown && LdapTls.HandshakeFailed(config)))
        {
            return false;
        }
    }

    /// <summary>libldap's LDAP_SERVER_DOWN: no connection, or (LDAPS) no TLS session on it.</summary>
    private const int ServerDown = 81;

    /// <summary>LDAP's resultCode invalidCredentials (RFC 4511).</summary>
    private const int InvalidCredentials = 49;

    /// <summary>
    /// Kong's <c>attribute .. "=" .. username .. "," .. base_dn</c>, with the username escaped as an RFC 4514
    /// attribute value: a username holding <c>,</c>, <c>+</c> or <c>=</c> names no other entry than its own.
    /// </summary>
    public static string DistinguishedName(LdapAuthConfig config, string username) =>
        $"{config.Attribute}={Escape(username)},{config.BaseDn}";

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && c is ' ' or '#')
                || (i == value.Length - 1 && c == ' ');
            if (c == '\0')
            {
                escaped.Append("\\00");
                continue;
            }

            if (special)
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
