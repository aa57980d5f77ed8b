using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public class ConfFileTests
{
    [Fact]
    public void Parse_CommentsBlankLinesAndSpacing_AreHandledAsKongDoes()
    {
        const string text = """
            # a comment line
               # an indented comment

            admin_listen=127.0.0.1:9001
              pg_host   =   db.local    # trailing comment
            pg_password = pa\#ss # the # is literal when escaped
            redis_password = "quoted"
            declarative_config =
            Log_Level = debug
            """;

        var entries = ConfFile.Parse(text, "/etc/gateway.conf");

        Assert.Equal(
            [
                new ConfFileEntry("admin_listen", "127.0.0.1:9001", 4),
                new ConfFileEntry("pg_host", "db.local", 5),
                new ConfFileEntry("pg_password", "pa#ss", 6),
                new ConfFileEntry("redis_password", "\"quoted\"", 7),
                new ConfFileEntry("declarative_config", "", 8),
                new ConfFileEntry("log_level", "debug", 9),
            ],
            entries);
    }

    [Fact]
    public void Parse_WindowsLineEndings_AreStripped()
    {
        var entries = ConfFile.Parse("pg_host = a\r\npg_port = 1\r\n", "x.conf");
        Assert.Equal([new ConfFileEntry("pg_host", "a", 1), new ConfFileEntry("pg_port", "1", 2)], entries);
    }

    [Theory]
    [InlineData("admin_listen 127.0.0.1:1")]
    [InlineData("= value")]
    [InlineData("bad name = 1")]
    public void Parse_LineWithoutNameEqualsValue_Throws(string line)
    {
        var ex = Assert.Throws<SettingsException>(() => ConfFile.Parse("# first\n" + line, "/x/y.conf"));
        Assert.Equal($"invalid line in conf file /x/y.conf line 2: expected 'name = value', got '{line}'", ex.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsOneLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.conf");
        var ex = Assert.Throws<SettingsException>(() => ConfFile.Read(path));
        Assert.StartsWith($"cannot read conf file {path}: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
