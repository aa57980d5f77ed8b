using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Settings;

public sealed class SettingsLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_NothingGiven_GivesDefaults()
    {
        var settings = SettingsLoader.Load(null, [], new Dictionary<string, string>());
        Assert.Equal(GatewaySettings.Default.AdminListen, settings.AdminListen);
        Assert.Equal(DatabaseKind.Sqlite, settings.Database);
    }

    [Fact]
    public void Load_EachSource_OverridesTheOneBelow()
    {
        // pg_host is set by every source, pg_user by all but the command line, and so on down.
        var conf = WriteConf("""
            pg_host = from-file
            pg_user = from-file
            pg_database = from-file
            redis_host = from-file
            """);
        var env = new Dictionary<string, string>
        {
            ["KONG_PG_HOST"] = "from-kong",
            ["KONG_PG_USER"] = "from-kong",
            ["KONG_PG_DATABASE"] = "from-kong",
            ["GATEWAY_PG_HOST"] = "from-gateway",
            ["GATEWAY_PG_USER"] = "from-gateway",
        };
        var cli = CommandLine.Parse(["--conf", conf, "--pg_host", "from-cli"]);

        var settings = SettingsLoader.Load(cli, env);

        Assert.Equal("from-cli", settings.PgHost);
        Assert.Equal("from-gateway", settings.PgUser);
        Assert.Equal("from-kong", settings.PgDatabase);
        Assert.Equal("from-file", settings.RedisHost);
        Assert.Equal("127.0.0.1", settings.CassandraContactPoints.Single());
        Assert.Equal("--pg_host", settings.Origins["pg_host"]);
        Assert.Equal("env GATEWAY_PG_USER", settings.Origins["pg_user"]);
        Assert.Equal("env KONG_PG_DATABASE", settings.Origins["pg_database"]);
        Assert.Equal($"conf file {conf} line 4", settings.Origins["redis_host"]);
    }

    [Fact]
    public void Load_ConfPathFromGatewayConf_IsUsedWhenNoConfOption()
    {
        var conf = WriteConf("database = postgres\n");
        var settings = SettingsLoader.Load(CommandLine.Parse([]), new Dictionary<string, string> { ["GATEWAY_CONF"] = conf });
        Assert.Equal(DatabaseKind.Postgres, settings.Database);
    }

    [Fact]
    public void Load_ConfOption_WinsOverGatewayConf()
    {
        var chosen = WriteConf("database = off\n");
        var env = new Dictionary<string, string> { ["GATEWAY_CONF"] = Path.Combine(_dir, "does-not-exist.conf") };
        var settings = SettingsLoader.Load(CommandLine.Parse(["-c", chosen]), env);
        Assert.Equal(DatabaseKind.Off, settings.Database);
    }

    [Fact]
    public void Load_LaterCommandLineValue_Wins()
    {
        var settings = SettingsLoader.Load(CommandLine.Parse(["--pg_port", "1", "--pg_port=2"]), new Dictionary<string, string>());
        Assert.Equal(2, settings.PgPort);
    }

    [Fact]
    public void Load_UnknownSettingInConfFile_NamesFileAndLine()
    {
        var conf = WriteConf("# header\npg_host = x\nfoo = bar\n");
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(conf, [], new Dictionary<string, string>()));
        Assert.Equal($"unknown setting 'foo' (from conf file {conf} line 3)", ex.Message);
    }

    [Fact]
    public void Load_UnknownGatewayEnv_Throws()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_FOO"] = "1" };
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(null, [], env));
        Assert.Equal("unknown setting 'foo' (from env GATEWAY_FOO)", ex.Message);
    }

    [Fact]
    public void Load_UnknownKongEnvAndUnrelatedVariables_AreIgnored()
    {
        var env = new Dictionary<string, string>
        {
            ["KONG_NGINX_WORKER_PROCESSES"] = "2",
            ["KONG_PROXY_ACCESS_LOG"] = "/dev/stdout",
            ["PATH"] = "/usr/bin",
            ["GATEWAY_CONF"] = "",
        };
        var settings = SettingsLoader.Load(null, [], env);
        Assert.Equal(GatewaySettings.Default.Prefix, settings.Prefix);
    }

    [Fact]
    public void Load_UnknownCommandLineSetting_Throws()
    {
        var ex = Assert.Throws<SettingsException>(() => CommandLine.Parse(["start", "--foo", "1"]));
        Assert.Equal("unknown setting 'foo' (from --foo)", ex.Message);
    }

    [Fact]
    public void FromValues_UnknownSetting_Throws()
    {
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.FromValues([("foo", "1", "--foo")]));
        Assert.Equal("unknown setting 'foo' (from --foo)", ex.Message);
    }

    [Theory]
    [InlineData("admin_listen", "abc", "'abc' is not an address:port")]
    [InlineData("proxy_listen", "0.0.0.0:8443 sssl", "unknown flag 'sssl' in '0.0.0.0:8443 sssl' (expected ssl, http2, proxy_protocol, deferred, bind, reuseport, backlog=N, ipv6only=on|off, so_keepalive=on|off|idle:interval:count)")]
    [InlineData("pg_port", "70000", "'70000' is not a port (1-65535)")]
    [InlineData("pg_port", "0", "'0' is not a port (1-65535)")]
    [InlineData("redis_port", "abc", "'abc' is not a port (1-65535)")]
    [InlineData("database", "mysql", "'mysql' is not one of sqlite, postgres, cassandra, off")]
    [InlineData("cluster_membership", "consul", "'consul' is not one of localhost, postgres, redis, cassandra")]
    [InlineData("db_update_frequency", "-1", "'-1' must be greater than 0")]
    [InlineData("db_update_frequency", "0", "'0' must be greater than 0")]
    [InlineData("db_update_frequency", "soon", "'soon' is not a number of seconds")]
    [InlineData("redis_database", "-1", "'-1' must be at least 0")]
    [InlineData("cassandra_repl_factor", "1.5", "'1.5' is not an integer")]
    [InlineData("cassandra_consistency", "SOME", "'SOME' is not one of ALL, EACH_QUORUM, QUORUM, LOCAL_QUORUM, ONE, TWO, THREE, LOCAL_ONE")]
    [InlineData("cassandra_data_centers", "dc1", "'dc1' is not of the form <dc_name>:<repl_factor>")]
    [InlineData("cassandra_contact_points", "10.0.0.1:9042", "'10.0.0.1:9042' must not carry a port: set cassandra_port instead")]
    [InlineData("log_level", "verbose", "'verbose' is not one of debug, info, notice, warn, error, crit, alert, emerg")]
    [InlineData("tracing_instrumentations", "router,everything", "invalid tracing type: everything")]
    [InlineData("tracing_instrumentations", "off,router", "'off' can not be used with other instrumentations")]
    [InlineData("tracing_sampling_rate", "1.5", "must be between 0 and 1")]
    [InlineData("proxy_access_log", "logs/access.log yaml", "'yaml' is not one of combined, json")]
    [InlineData("router_flavor", "fast", "'fast' is not one of traditional, traditional_compatible, expressions")]
    [InlineData("headers", "X-Foo", "'X-Foo' is not a known header (expected off or server_tokens, latency_tokens, Via, Server, X-Kong-Proxy-Latency, X-Kong-Response-Latency, X-Kong-Admin-Latency, X-Kong-Upstream-Latency, X-Kong-Upstream-Status, X-Kong-Request-Id)")]
    [InlineData("trusted_ips", "10.0.0.0/33", "'10.0.0.0/33' is not an IP address or CIDR range")]
    [InlineData("real_ip_header", "proxy_protocol", "proxy_protocol is not supported: no listener speaks the PROXY protocol")]
    [InlineData("real_ip_header", "X Real IP", "'X Real IP' is not a header name")]
    [InlineData("real_ip_recursive", "yes", "'yes' is not one of on, off")]
    [InlineData("admin_gui_url", "ftp://x", "'ftp://x' is not an http or https URL")]
    [InlineData("nginx_admin_client_max_body_size", "10x", "'10x' is not a size (such as 0, 8k, 10m or 1g)")]
    [InlineData("nginx_admin_client_body_timeout", "0s", "'0s' is not a time greater than 0 (such as 500ms, 60s, 5m or 1h)")]
    [InlineData("nginx_admin_client_body_timeout", "10x", "'10x' is not a time greater than 0 (such as 500ms, 60s, 5m or 1h)")]
    [InlineData("prefix", "  ", "must not be empty")]
    [InlineData("lua_ssl_trusted_certificate", "system,/nonexistent/ca.pem", "failed loading certificate from /nonexistent/ca.pem")]
    [InlineData("cluster_id", "my cluster", "'my cluster' must not contain spaces")]
    [InlineData("cluster_listen", "off", "'off' is not an address:port")]
    [InlineData("plugins", "off, key-auth", "'off' cannot be combined with other values")]
    public void Load_BadValueOnCommandLine_GivesOneLineNamingSettingAndSource(string name, string value, string reason)
    {
        var ex = Assert.Throws<SettingsException>(
            () => SettingsLoader.Load(CommandLine.Parse([$"--{name}", value]), new Dictionary<string, string>()));

        Assert.Equal($"invalid value for {name} (from --{name}): {reason}", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_BadValueFromEnv_NamesTheVariable()
    {
        var env = new Dictionary<string, string> { ["KONG_DATABASE"] = "mysql" };
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(null, [], env));
        Assert.Equal("invalid value for database (from env KONG_DATABASE): 'mysql' is not one of sqlite, postgres, cassandra, off", ex.Message);
    }

    [Fact]
    public void Load_BadValueFromConfFile_NamesFileAndLine()
    {
        var conf = WriteConf("\n\nadmin_listen = abc # oops\n");
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.Load(conf, [], new Dictionary<string, string>()));
        Assert.Equal($"invalid value for admin_listen (from conf file {conf} line 3): 'abc' is not an address:port", ex.Message);
    }

    [Fact]
    public void Load_BadValueOverriddenByHigherSource_IsNotAnError()
    {
        var env = new Dictionary<string, string> { ["KONG_DATABASE"] = "mysql", ["GATEWAY_DATABASE"] = "postgres" };
        Assert.Equal(DatabaseKind.Postgres, SettingsLoader.Load(null, [], env).Database);
    }

    [Fact]
    public void Load_TypedValues_AreParsed()
    {
        var settings = SettingsLoader.FromValues(
        [
            ("db_update_frequency", "0.5", "test"),
            ("trusted_ips", "10.1.2.3/8, 192.168.0.1, ::/0", "test"),
            ("headers", "off", "test"),
            ("plugins", "bundled, my-plugin, /opt/plugins/Custom.dll", "test"),
            ("nginx_admin_client_max_body_size", "512k", "test"),
            ("nginx_admin_client_body_timeout", "1500ms", "test"),
            ("admin_gui_url", "https://a.example, http://b.example:8080", "test"),
            ("cassandra_data_centers", "east:3", "test"),
            ("database", "POSTGRES", "test"),
            ("pg_password", "NONE", "test"),
            ("declarative_config", "/etc/kong/kong.yml", "test"),
            ("admin_listen", "off", "test"),
        ]);

        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.DbUpdateFrequency);
        Assert.Equal(["10.0.0.0/8", "192.168.0.1/32", "::/0"], settings.TrustedIps.Select(n => n.ToString()));
        Assert.Empty(settings.Headers);
        Assert.Equal(["bundled", "my-plugin", "/opt/plugins/Custom.dll"], settings.Plugins);
        Assert.Equal(512L * 1024, settings.NginxAdminClientMaxBodySize);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.NginxAdminClientBodyTimeout);
        Assert.Equal(["https://a.example", "http://b.example:8080"], settings.AdminGuiUrl);
        Assert.Equal([new CassandraDataCenter("east", 3)], settings.CassandraDataCenters);
        Assert.Equal(DatabaseKind.Postgres, settings.Database);
        Assert.Null(settings.PgPassword);
        Assert.Equal("/etc/kong/kong.yml", settings.DeclarativeConfig);
        Assert.Empty(settings.AdminListen);
    }

    [Fact]
    public void Load_HeadersAnyCase_AreNormalisedToKongSpelling()
    {
        var settings = SettingsLoader.FromValues([("headers", "via, x-kong-upstream-latency", "test")]);
        Assert.Equal(["Via", "X-Kong-Upstream-Latency"], settings.Headers);
    }

    private string WriteConf(string text)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }
}
