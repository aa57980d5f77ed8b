using System.Globalization;
using System.Text;

namespace Gateway.Tests.Node.Plugins.LdapAuth;

/// <summary>
/// The slapd that infra/slapd.sh starts for the ldap-auth tests, as infra/test.sh describes it: TEST_LDAP_HOST/PORT
/// (plain and StartTLS), TEST_LDAPS_PORT, TEST_LDAP_CA (the CA that signed its certificate) and TEST_LDAP_BASE_DN.
/// </summary>
internal static class TestDirectory
{
    /// <summary>The ldap-auth test classes run one after the other: some count the binds of the process's one bind pool.</summary>
    public const string Collection = "ldap-auth binds";

    public static string Host { get; } = Environment.GetEnvironmentVariable("TEST_LDAP_HOST")
        ?? throw new InvalidOperationException("TEST_LDAP_HOST is not set: run the tests through infra/test.sh");

    public static int Port { get; } = Number("TEST_LDAP_PORT", "389");

    public static int LdapsPort { get; } = Number("TEST_LDAPS_PORT", "636");

    /// <summary>The PEM file of the CA that signed the directory's certificate.</summary>
    public static string Ca => Environment.GetEnvironmentVariable("TEST_LDAP_CA")
        ?? throw new InvalidOperationException("TEST_LDAP_CA is not set: run the tests through infra/test.sh");

    public static string BaseDn { get; } = Environment.GetEnvironmentVariable("TEST_LDAP_BASE_DN") ?? "ou=users,dc=example,dc=com";

    /// <summary>An ldap-auth plugin on the directory (uid under the base DN), with extra config fields (",name":value...).</summary>
    public static string Plugin(string extra = "", int? port = null, string? host = null) =>
        $$$"""{"name":"ldap-auth","config":{"ldap_host":"{{{host ?? Host}}}","ldap_port":{{{port ?? Port}}},"base_dn":"{{{BaseDn}}}","attribute":"uid"{{{extra}}}}}""";

    /// <summary>A credentials header value: scheme and base64(user:password).</summary>
    public static string Authorization(string user, string password, string scheme = "ldap") =>
        $"{scheme} {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))}";

    private static int Number(string variable, string fallback) =>
        int.Parse(Environment.GetEnvironmentVariable(variable) ?? fallback, CultureInfo.InvariantCulture);
}
