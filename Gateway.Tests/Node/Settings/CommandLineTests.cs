using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public class CommandLineTests
{
    [Fact]
    public void Parse_NoArguments_IsStart()
    {
        var cli = CommandLine.Parse([]);
        Assert.Equal(GatewayCommand.Start, cli.Command);
        Assert.Null(cli.Subcommand);
        Assert.Null(cli.File);
        Assert.Empty(cli.Overrides);
        Assert.Null(cli.ConfPath);
    }

    [Fact]
    public void Parse_OptionsOnly_IsStartWithOverrides()
    {
        var cli = CommandLine.Parse(["--admin_listen", "127.0.0.1:9001", "--database=off", "--conf", "/etc/g.conf"]);

        Assert.Equal(GatewayCommand.Start, cli.Command);
        Assert.Equal(
            [new("admin_listen", "127.0.0.1:9001"), new KeyValuePair<string, string>("database", "off")],
            cli.Overrides);
        Assert.Equal("/etc/g.conf", cli.ConfPath);
    }

    [Fact]
    public void Parse_DashedNamesAndEqualsInValue_AreAccepted()
    {
        var cli = CommandLine.Parse(["start", "--pg-password=a=b", "--conf=x.conf"]);
        Assert.Equal([new KeyValuePair<string, string>("pg_password", "a=b")], cli.Overrides);
        Assert.Equal("x.conf", cli.ConfPath);
    }

    [Fact]
    public void Parse_NegativeNumberValue_IsAValue()
    {
        var cli = CommandLine.Parse(["--db_update_frequency", "-1"]);
        Assert.Equal([new KeyValuePair<string, string>("db_update_frequency", "-1")], cli.Overrides);
    }

    [Theory]
    [InlineData("bootstrap")]
    [InlineData("up")]
    [InlineData("list")]
    public void Parse_Migrations_TakesSubcommand(string sub)
    {
        var cli = CommandLine.Parse(["migrations", sub, "--database", "postgres"]);
        Assert.Equal(GatewayCommand.Migrations, cli.Command);
        Assert.Equal(sub, cli.Subcommand);
        Assert.Null(cli.File);
        Assert.Equal([new KeyValuePair<string, string>("database", "postgres")], cli.Overrides);
    }

    [Theory]
    [InlineData("parse")]
    [InlineData("db_import")]
    [InlineData("db_export")]
    public void Parse_Config_TakesSubcommandAndFile(string sub)
    {
        var cli = CommandLine.Parse(["config", sub, "/tmp/kong.yml"]);
        Assert.Equal(GatewayCommand.Config, cli.Command);
        Assert.Equal(sub, cli.Subcommand);
        Assert.Equal("/tmp/kong.yml", cli.File);
    }

    [Fact]
    public void Parse_ConfigDbExportWithoutFile_DefaultsToKongYml() =>
        Assert.Equal("kong.yml", CommandLine.Parse(["config", "db_export"]).File);

    [Fact]
    public void Parse_OptionsBetweenPositionals_AreAllowed()
    {
        var cli = CommandLine.Parse(["config", "--prefix", "/data", "db_import", "k.yml"]);
        Assert.Equal(("db_import", "k.yml"), (cli.Subcommand, cli.File));
        Assert.Equal([new KeyValuePair<string, string>("prefix", "/data")], cli.Overrides);
    }

    [Theory]
    [InlineData("health", GatewayCommand.Health)]
    [InlineData("version", GatewayCommand.Version)]
    [InlineData("help", GatewayCommand.Help)]
    [InlineData("--help", GatewayCommand.Help)]
    [InlineData("-h", GatewayCommand.Help)]
    public void Parse_SimpleCommands(string arg, GatewayCommand expected) =>
        Assert.Equal(expected, CommandLine.Parse([arg]).Command);

    [Fact]
    public void Parse_KongVerbositySwitches_SetLogLevel()
    {
        Assert.Equal([new KeyValuePair<string, string>("log_level", "debug")], CommandLine.Parse(["--vv"]).Overrides);
        Assert.Equal([new KeyValuePair<string, string>("log_level", "info")], CommandLine.Parse(["start", "--v"]).Overrides);
    }

    [Theory]
    [InlineData(new[] { "stop" }, "unknown command 'stop' (expected start, migrations, config, audit, health, version, help)")]
    [InlineData(new[] { "migrations" }, "missing subcommand for 'migrations' (expected bootstrap|up|list)")]
    [InlineData(new[] { "migrations", "reset" }, "unknown subcommand 'reset' for 'migrations' (expected bootstrap|up|list)")]
    [InlineData(new[] { "migrations", "up", "extra" }, "unexpected argument 'extra' for 'migrations up'")]
    [InlineData(new[] { "config" }, "missing subcommand for 'config' (expected parse|db_import|db_export|sync)")]
    [InlineData(new[] { "config", "parse" }, "missing FILE for 'config parse'")]
    [InlineData(new[] { "config", "parse", "a.yml", "b.yml" }, "unexpected argument 'b.yml' for 'config parse'")]
    [InlineData(new[] { "start", "now" }, "unexpected argument 'now' for 'start'")]
    [InlineData(new[] { "version", "2" }, "unexpected argument '2' for 'version'")]
    [InlineData(new[] { "--admin_listen" }, "missing value for --admin_listen")]
    [InlineData(new[] { "--conf", "--pg_host", "x" }, "missing value for --conf")]
    [InlineData(new[] { "--bogus=1" }, "unknown setting 'bogus' (from --bogus)")]
    [InlineData(new[] { "-x", "1" }, "unknown setting 'x' (from -x)")]
    [InlineData(new[] { "--", "start" }, "invalid option '--'")]
    [InlineData(new[] { "audit" }, "missing subcommand for 'audit' (expected verify|export)")]
    [InlineData(new[] { "audit", "export" }, "missing FILE (or - for stdout) for 'audit export'")]
    [InlineData(new[] { "audit", "verify", "x" }, "unexpected argument 'x' for 'audit verify'")]
    [InlineData(new[] { "audit", "verify", "--since", "0" }, "--since is only for 'audit export'")]
    [InlineData(new[] { "audit", "export", "-", "--public-key", "k.pem" }, "--public-key is only for 'audit verify'")]
    [InlineData(new[] { "start", "--after-sequence", "3" }, "--after-sequence is only for 'audit export'")]
    [InlineData(new[] { "audit", "export", "-", "--since", "yesterday" }, "invalid --since 'yesterday' (expected epoch seconds or an RFC 3339 date)")]
    [InlineData(new[] { "audit", "export", "-", "--after-sequence", "-1" }, "invalid --after-sequence '-1' (expected a record's sequence, 0 or more)")]
    public void Parse_Invalid_ThrowsOneLine(string[] args, string message)
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(args));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Parse_AuditCommands_TakeTheirOptions()
    {
        var verify = CommandLine.Parse(["audit", "verify", "--public-key", "public.pem"]);
        var export = CommandLine.Parse(["audit", "export", "out.jsonl", "--since", "2026-12-01T00:00:00Z", "--until=1800000000", "--after-sequence", "42"]);

        Assert.Equal((GatewayCommand.Audit, "verify", "public.pem"), (verify.Command, verify.Subcommand, verify.AuditPublicKey));
        Assert.Equal((GatewayCommand.Audit, "export", "out.jsonl"), (export.Command, export.Subcommand, export.File));
        Assert.Equal((1796083200L, 1800000000L, 42L), (export.AuditSince!.Value, export.AuditUntil!.Value, export.AuditAfterSequence));
    }
}
