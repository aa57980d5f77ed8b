using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

/// <summary>enforce_rbac, rbac_auth_header and rbac_auth_failures_per_minute: defaults, values and one-line refusals.</summary>
public sealed class RbacSettingsTests
{
    [Fact]
    public void Defaults_AreOff_KongAdminToken_AndTenAMinute()
    {
        var settings = SettingsLoader.Load(CommandLine.Parse([]), new Dictionary<string, string>());
        Assert.Equal(RbacMode.Off, settings.EnforceRbac);
        Assert.Equal("Kong-Admin-Token", settings.RbacAuthHeader);
        Assert.Equal(10, settings.RbacAuthFailuresPerMinute);
    }

    [Theory]
    [InlineData("on", RbacMode.On)]
    [InlineData("entity", RbacMode.Entity)]
    [InlineData("both", RbacMode.Both)]
    public void EnforceRbac_TakesKongsValues(string value, RbacMode mode) =>
        Assert.Equal(mode, SettingsLoader.Load(CommandLine.Parse(["--enforce_rbac", value]), new Dictionary<string, string>()).EnforceRbac);

    [Theory]
    [InlineData("--enforce_rbac", "yes", "invalid value for enforce_rbac")]
    [InlineData("--rbac_auth_header", "Bad Header", "invalid value for rbac_auth_header")]
    [InlineData("--rbac_auth_failures_per_minute", "-1", "invalid value for rbac_auth_failures_per_minute")]
    public void BadValues_StopStartUpWithOneLine(string name, string value, string start)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(CommandLine.Parse([name, value]), new Dictionary<string, string>()));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void RbacWithoutADatabase_StopsStartUp()
    {
        var error = Assert.Throws<SettingsException>(() =>
            SettingsLoader.Load(CommandLine.Parse(["--enforce_rbac", "on", "--database", "off"]), new Dictionary<string, string>()));
        Assert.Equal("enforce_rbac = on (from --enforce_rbac) needs a database: RBAC users live in it, and database = off has none", error.Message);
    }
}
