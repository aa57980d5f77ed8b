namespace Gateway.Node.Vaults;

/// <summary>
/// Kong's <c>env</c> vault (kong/vaults/env): a secret is the node's environment variable named by the resource,
/// dashes as underscores, after the vault's <c>prefix</c>, upper-cased; version 2 reads <c>NAME_PREVIOUS</c>.
/// </summary>
public static class EnvVault
{
    /// <summary>The secret, or null when the variable is not set.</summary>
    public static string? Get(string? prefix, string resource, int? version)
    {
        var name = ((prefix ?? "") + resource.Replace('-', '_')).ToUpperInvariant();
        return Environment.GetEnvironmentVariable(version == 2 ? name + "_PREVIOUS" : name);
    }
}
