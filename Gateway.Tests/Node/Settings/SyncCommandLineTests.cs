using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public sealed class SyncCommandLineTests
{
    [Fact]
    public void Parse_Sync_CollectsAdminUrlsAndDryRun()
    {
        var line = CommandLine.Parse(["config", "sync", "kong.yml", "--admin-url", "http://a:8001", "--dry-run", "--admin-url=https://b:8444"]);
        Assert.Equal(GatewayCommand.Config, line.Command);
        Assert.Equal("sync", line.Subcommand);
        Assert.Equal("kong.yml", line.File);
        Assert.Equal(["http://a:8001", "https://b:8444"], line.AdminUrls);
        Assert.True(line.DryRun);
        Assert.Empty(line.Overrides);
    }

    [Theory]
    [InlineData(new[] { "config", "sync", "kong.yml" }, "missing --admin-url for 'config sync'")]
    [InlineData(new[] { "config", "sync", "--admin-url", "http://a:8001" }, "missing FILE for 'config sync'")]
    [InlineData(new[] { "start", "--dry-run" }, "--dry-run is only for 'config sync'")]
    [InlineData(new[] { "config", "parse", "kong.yml", "--admin-url", "http://a:8001" }, "--admin-url is only for 'config sync'")]
    [InlineData(new[] { "config", "sync", "kong.yml", "--admin-url", "a:8001" }, "invalid --admin-url 'a:8001' (expected http://host:port or https://host:port)")]
    public void Parse_BadSyncArguments_AreRefusedWithOneLine(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<SettingsException>(() => CommandLine.Parse(args)).Message);
}
