using Gateway.Node.Settings;

namespace Gateway.Node.Declarative;

/// <summary>
/// The RBAC token <c>config sync</c> sends to each cluster: <c>--admin-token</c>, else the <c>GATEWAY_ADMIN_TOKEN</c>
/// environment variable, else <c>KONG_ADMIN_TOKEN</c>. The token is a secret: no message ever quotes it.
/// </summary>
public static class AdminToken
{
    /// <summary>The environment variables read, first one set wins.</summary>
    public static readonly IReadOnlyList<string> EnvironmentVariables = [SettingsLoader.AdminTokenEnvName, "KONG_ADMIN_TOKEN"];

    /// <summary>The token, or null when none is given (an empty value counts as none).</summary>
    /// <exception cref="SettingsException">The token holds a control character (a header cannot carry it); the message names where it came from.</exception>
    public static string? Resolve(string? option, IDictionary<string, string> environment)
    {
        var (token, source) = string.IsNullOrEmpty(option)
            ? EnvironmentVariables.Select(name => (Value: environment.TryGetValue(name, out var value) ? value : null, Name: name))
                .FirstOrDefault(v => !string.IsNullOrEmpty(v.Value))
            : (option, "--admin-token");
        if (token is not null && token.Any(char.IsControl))
        {
            throw new SettingsException($"invalid {source}: the token holds a line break or another control character");
        }

        return token;
    }
}
