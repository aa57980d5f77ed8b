namespace Gateway.Node.Settings;

/// <summary>One row of the settings table: a kong.conf name, its default, what it means, and how it is parsed.</summary>
/// <param name="Name">The kong.conf name (snake_case); the env names are GATEWAY_/KONG_ plus its upper case.</param>
/// <param name="Default">The built-in default, in kong.conf syntax.</param>
/// <param name="Description">One line for operators.</param>
/// <param name="Apply">Parses a raw value onto the settings; throws <see cref="FormatException"/> with the reason.</param>
/// <param name="Secret">Whether the value is masked when settings are shown (passwords).</param>
public sealed record SettingDefinition(
    string Name,
    string Default,
    string Description,
    Func<GatewaySettings, string, GatewaySettings> Apply,
    bool Secret = false)
{
    /// <summary>The environment variable with the higher precedence, such as <c>GATEWAY_ADMIN_LISTEN</c>.</summary>
    public string GatewayEnvName => SettingsLoader.GatewayEnvPrefix + Name.ToUpperInvariant();

    /// <summary>The Kong-compatible environment variable, such as <c>KONG_ADMIN_LISTEN</c>.</summary>
    public string KongEnvName => SettingsLoader.KongEnvPrefix + Name.ToUpperInvariant();
}
