using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Node.Plugins.LdapAuth;

/// <summary>
/// ldaps and start_tls as Kong's <c>sslhandshake(true, ldap_host, verify_ldap_host)</c>: with verify_ldap_host the
/// server's chain (to a CA of lua_ssl_trusted_certificate) and its name are checked, without it nothing is, and a
/// failed handshake is a failed bind (401, kept for cache_ttl), not an error.
/// On Linux, System.DirectoryServices.Protocols sits on OpenLDAP's libldap, which takes the certificate check
/// (TLS_REQCERT) from the process-wide default when a connection is made and has no per-connection setter in .NET,
/// and ignores VerifyServerCertificate: the default is set, and the connection made with a TLS context of its own
/// (its CA directory, <see cref="LdapSessionOptions.StartNewTlsSessionContext"/>), under one lock.
/// </summary>
public static class LdapTls
{
    // ldap.h: LDAP_OPT_X_TLS_REQUIRE_CERT and its values.
    private const int RequireCertificate = 0x6006;
    private const int Never = 0;
    private const int Demand = 2;

    private static readonly Lock Gate = new();
    private static readonly Lazy<SetIntOption> SetOption = new(LoadSetOption);

    private delegate int SetIntOption(IntPtr ld, int option, ref int value);

    /// <summary>A connection to <paramref name="config"/>'s directory, its TLS (when on) checked as verify_ldap_host says.</summary>
    public static LdapConnection Open(LdapAuthConfig config, NetworkCredential credential)
    {
        var directory = new LdapDirectoryIdentifier(config.LdapHost, config.LdapPort, fullyQualifiedDnsHostName: true, connectionless: false);
        if (!(config.Ldaps || config.StartTls) || !OperatingSystem.IsLinux())
        {
            var connection = new LdapConnection(directory, credential, AuthType.Basic);
            if ((config.Ldaps || config.StartTls) && !config.VerifyLdapHost && OperatingSystem.IsWindows())
            {
                connection.SessionOptions.VerifyServerCertificate = (_, _) => true;
            }

            return connection;
        }

        lock (Gate)
        {
            var require = config.VerifyLdapHost ? Demand : Never;
            var error = SetOption.Value(IntPtr.Zero, RequireCertificate, ref require);
            if (error != 0)
            {
                throw new LdapException(error, "cannot set libldap's certificate check");
            }

            var connection = new LdapConnection(directory, credential, AuthType.Basic);
            if (config.VerifyLdapHost)
            {
                connection.SessionOptions.TrustedCertificatesDirectory = config.TrustedCertificates
                    ?? throw new InvalidOperationException("verify_ldap_host without trusted certificates");
            }

            connection.SessionOptions.StartNewTlsSessionContext();
            return connection;
        }
    }

    /// <summary>
    /// Kong's start_tls: the StartTLS operation, then the handshake; false when the handshake failed. libldap sends
    /// StartTLS only on an open connection, and .NET opens one only to send a request: an anonymous read of the
    /// root DSE's nothing ("1.1") opens it without the user's password, which must not cross before TLS.
    /// </summary>
    public static bool StartTls(LdapConnection connection)
    {
        connection.AutoBind = false;
        try
        {
            connection.SendRequest(new SearchRequest("", "(objectClass=*)", SearchScope.Base, "1.1"));
        }
        catch (DirectoryOperationException)
        {
            // The server answered (it may refuse anonymous reads): the connection is open.
        }

        try
        {
            connection.SessionOptions.StartTransportLayerSecurity(null);
            return true;
        }
        catch (LdapException)
        {
            return false; // a refused StartTLS is a TlsOperationException, an error as in Kong
        }
    }

    /// <summary>
    /// Whether an LDAPS bind that failed as "server down" failed its handshake: libldap answers both alike, so the
    /// port taking a plain TCP connection tells them apart (unreachable stays an error, 500, as in Kong).
    /// </summary>
    public static bool HandshakeFailed(LdapAuthConfig config)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Max(1, config.Timeout)));
        try
        {
            client.ConnectAsync(config.LdapHost, config.LdapPort, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The CA directory libldap reads for verify_ldap_host: lua_ssl_trusted_certificate's certificates, one file,
    /// written afresh into <paramref name="prefix"/> (libldap takes a directory, Kong's setting names files).
    /// </summary>
    public static string WriteTrustedCertificates(string prefix, IReadOnlyList<string> files)
    {
        var directory = Path.Combine(Path.GetFullPath(prefix), "ldap_trusted_certificates");
        Directory.CreateDirectory(directory);
        var certificates = new X509Certificate2Collection();
        foreach (var file in files)
        {
            certificates.ImportFromPemFile(file);
        }

        File.WriteAllText(Path.Combine(directory, "trusted.pem"), string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return directory;
    }

    /// <summary>ldap_set_option of the libldap that System.DirectoryServices.Protocols loads (its names, in its order).</summary>
    private static SetIntOption LoadSetOption()
    {
        foreach (var name in new[] { "libldap.so.2", "libldap-2.6.so.0", "libldap-2.5.so.0", "libldap-2.4.so.2" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "ldap_set_option", out var function))
            {
                return Marshal.GetDelegateForFunctionPointer<SetIntOption>(function);
            }
        }

        throw new PlatformNotSupportedException("OpenLDAP's libldap is not installed");
    }
}
