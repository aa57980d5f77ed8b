using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins;

/// <summary>Kong's bundled plugin configs: defaults of an empty config, required fields and bad values.</summary>
public class KongPluginSchemaTests
{
    public static TheoryData<string> PluginsValidWhenEmpty() =>
    [
        "key-auth", "basic-auth", "jwt", "hmac-auth", "bot-detection", "cors", "request-size-limiting",
        "request-termination", "request-transformer", "response-transformer", "correlation-id", "prometheus",
        "syslog", "statsd", "datadog", "session",
    ];

    [Theory]
    [MemberData(nameof(PluginsValidWhenEmpty))]
    public void EmptyConfig_IsValid_AndEveryFieldIsPresent(string plugin)
    {
        var config = Valid(plugin, "{}");
        var schema = Registry.FindPlugin(plugin)!;
        Assert.Equal(schema.Config.Fields!.Select(f => f.Name), config.Select(p => p.Key));
    }

    /// <summary>The fields each Kong 3.9 plugin's schema.lua declares (kong/plugins/*/schema.lua), in its order.</summary>
    public static TheoryData<string, string> KongPluginFields() => new()
    {
        { "acl", "consumer,protocols,config" },
        { "basic-auth", "consumer,protocols,config" },
        { "bot-detection", "consumer,protocols,config" },
        { "correlation-id", "protocols,config" },
        { "cors", "consumer,protocols,config" },
        { "datadog", "protocols,config" },
        { "file-log", "protocols,config" },
        { "grpc-gateway", "protocols,config" },
        { "grpc-web", "protocols,config" },
        { "hmac-auth", "consumer,protocols,config" },
        { "http-log", "protocols,config" },
        { "ip-restriction", "protocols,config" },
        { "jwt", "consumer,protocols,config" },
        { "key-auth", "consumer,protocols,config" },
        { "ldap-auth", "consumer,protocols,config" },
        { "loggly", "protocols,config" },
        { "oauth2", "consumer,protocols,config" },
        { "opentelemetry", "protocols,config" },
        { "prometheus", "protocols,config" },
        { "proxy-cache", "protocols,config" },
        { "rate-limiting", "protocols,config" },
        { "redirect", "protocols,config" },
        { "request-size-limiting", "protocols,config" },
        { "request-termination", "protocols,config" },
        { "request-transformer", "protocols,config" },
        { "response-ratelimiting", "protocols,config" },
        { "response-transformer", "protocols,config" },
        { "session", "consumer,protocols,config" },
        { "standard-webhooks", "consumer,protocols,config" },
        { "statsd", "protocols,config" },
        { "syslog", "protocols,config" },
        { "tcp-log", "protocols,config" },
        { "udp-log", "protocols,config" },
        { "zipkin", "protocols,config" },
    };

    /// <summary>Our own bundled plugins (not Kong's): their schema.lua-like fields, served the same way.</summary>
    public static TheoryData<string, string> OwnPluginFields() => new()
    {
        { "rewrite", "protocols,config" },
        { "https-redirect", "protocols,config" },
        { "access-control", "protocols,config" },
        { "aggregate", "protocols,config" },
    };

    [Fact]
    public void EveryBundledPlugin_IsComparedWithKong_OrListedAsOurOwn()
    {
        var listed = KongPluginFields().Select(row => (string)row[0]).Concat(OwnPluginFields().Select(row => (string)row[0]));

        Assert.Equal(PluginCatalog.Bundled.Schemas.Select(p => p.Name).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(KongPluginFields))]
    [MemberData(nameof(OwnPluginFields))]
    public void SchemaAnswer_HasThePluginsOwnFields_AsKong(string plugin, string fields)
    {
        var schema = SchemaDescriber.Describe(Registry.FindPlugin(plugin)!);

        Assert.Equal(fields.Split(','), schema["fields"]!.AsArray().Select(f => f!.AsObject().Single().Key));
        Assert.IsType<JsonArray>(schema["entity_checks"]);
    }

    /// <summary>The config fields of Kong 3.9's plugins (kong/plugins/*/schema.lua), in Kong's order.</summary>
    public static TheoryData<string, string> KongConfigFields() => new()
    {
        { "acl", "allow,deny,hide_groups_header,always_use_authenticated_groups" },
        { "basic-auth", "anonymous,hide_credentials,realm" },
        { "bot-detection", "allow,deny" },
        { "correlation-id", "header_name,generator,echo_downstream" },
        { "cors", "origins,headers,exposed_headers,methods,max_age,credentials,private_network,preflight_continue,allow_origin_absent" },
        { "file-log", "path,reopen,custom_fields_by_lua" },
        { "grpc-gateway", "proto" },
        { "grpc-web", "proto,pass_stripped_path,allow_origin_header" },
        { "hmac-auth", "hide_credentials,clock_skew,anonymous,validate_request_body,enforce_headers,algorithms,realm" },
        { "ip-restriction", "allow,deny,status,message" },
        { "jwt", "uri_param_names,cookie_names,key_claim_name,secret_is_base64,claims_to_verify,anonymous,run_on_preflight,maximum_expiration,header_names,realm" },
        { "key-auth", "key_names,hide_credentials,anonymous,key_in_header,key_in_query,key_in_body,run_on_preflight,realm" },
        // Kong's fields, then introspection_endpoint, ours (RFC 7662, off by default).
        { "oauth2", "scopes,mandatory_scope,provision_key,token_expiration,enable_authorization_code,enable_implicit_grant,enable_client_credentials,enable_password_grant,hide_credentials,accept_http_if_already_terminated,anonymous,global_credentials,auth_header_name,refresh_token_ttl,reuse_refresh_token,pkce,realm,introspection_endpoint" },
        { "ldap-auth", "ldap_host,ldap_port,ldaps,start_tls,verify_ldap_host,base_dn,attribute,cache_ttl,hide_credentials,timeout,keepalive,anonymous,header_type,realm" },
        { "session", "secret,storage,audience,idling_timeout,rolling_timeout,absolute_timeout,stale_ttl,cookie_name,cookie_path,cookie_domain,cookie_same_site,cookie_http_only,cookie_secure,remember,remember_cookie_name,remember_rolling_timeout,remember_absolute_timeout,response_headers,request_headers,read_body_for_logout,logout_methods,logout_query_arg,logout_post_arg" },
        { "rate-limiting", "second,minute,hour,day,month,year,limit_by,header_name,path,policy,fault_tolerant,redis,hide_client_headers,error_code,error_message,sync_rate" },
        { "request-size-limiting", "allowed_payload_size,size_unit,require_content_length" },
        { "request-termination", "status_code,message,content_type,body,echo,trigger" },
        { "http-log", "http_endpoint,method,content_type,timeout,keepalive,retry_count,queue_size,flush_timeout,headers,queue,custom_fields_by_lua" },
        { "opentelemetry", "traces_endpoint,logs_endpoint,headers,resource_attributes,queue,batch_span_count,batch_flush_delay,connect_timeout,send_timeout,read_timeout,http_response_header_for_traceid,header_type,sampling_rate,propagation" },
        { "prometheus", "per_consumer,status_code_metrics,ai_metrics,latency_metrics,bandwidth_metrics,upstream_health_metrics" },
        { "request-transformer", "http_method,remove,rename,replace,add,append" },
        { "redirect", "status_code,location,keep_incoming_path" },
        { "standard-webhooks", "secret_v1,tolerance_second" },
        { "proxy-cache", "response_code,request_method,content_type,cache_ttl,strategy,cache_control,ignore_uri_case,storage_ttl,memory,vary_query_params,vary_headers,response_headers" },
        { "response-ratelimiting", "header_name,limit_by,policy,fault_tolerant,redis,block_on_first_violation,hide_client_headers,limits" },
        { "response-transformer", "remove,rename,replace,add,append" },
        { "tcp-log", "host,port,timeout,keepalive,tls,tls_sni,custom_fields_by_lua" },
        { "udp-log", "host,port,timeout,custom_fields_by_lua" },
        { "syslog", "log_level,successful_severity,client_errors_severity,server_errors_severity,custom_fields_by_lua,facility" },
        { "loggly", "host,port,key,tags,log_level,successful_severity,client_errors_severity,server_errors_severity,timeout,custom_fields_by_lua" },
        { "statsd", "host,port,prefix,metrics,allow_status_codes,udp_packet_size,use_tcp,hostname_in_prefix,consumer_identifier_default,service_identifier_default,workspace_identifier_default,retry_count,queue_size,flush_timeout,tag_style,queue" },
        { "datadog", "host,port,prefix,service_name_tag,status_tag,consumer_tag,retry_count,queue_size,flush_timeout,queue,metrics" },
        { "zipkin", "local_service_name,http_endpoint,sample_ratio,default_service_name,include_credential,traceid_byte_count,header_type,default_header_type,tags_header,static_tags,http_span_name,connect_timeout,send_timeout,read_timeout,http_response_header_for_traceid,phase_duration_flavor,queue,propagation" },
    };

    [Fact]
    public void KongConfigFields_CoverEveryKongPlugin() =>
        Assert.Equal(KongPluginFields().Select(row => (string)row[0]).Order(StringComparer.Ordinal),
            KongConfigFields().Select(row => (string)row[0]).Order(StringComparer.Ordinal));

    /// <summary>
    /// The Kong 3.9 plugins declaring typedefs.protocols (every protocol): the loggers, prometheus, zipkin,
    /// ip-restriction, proxy-cache, grpc-gateway and grpc-web. The others (and ours) declare typedefs.protocols_http,
    /// except rate-limiting here, which beyond Kong also limits connections on stream routes.
    /// </summary>
    private static readonly string[] KongPluginsOnEveryProtocol =
        ["datadog", "file-log", "grpc-gateway", "grpc-web", "http-log", "ip-restriction", "loggly", "prometheus", "proxy-cache", "rate-limiting", "session", "statsd", "syslog", "tcp-log", "udp-log", "zipkin"];

    [Theory]
    [MemberData(nameof(KongPluginFields))]
    [MemberData(nameof(OwnPluginFields))]
    public void SchemaAnswer_ProtocolsOneOf_IsThePluginsTypedef(string plugin, string fields)
    {
        Assert.EndsWith("protocols,config", fields);
        var protocols = SchemaDescriber.Describe(Registry.FindPlugin(plugin)!)["fields"]!.AsArray()
            .Single(f => f!.AsObject().ContainsKey("protocols"))!["protocols"]!;

        Assert.Equal(KongPluginsOnEveryProtocol.Contains(plugin) ? Typedefs.AllProtocols : Typedefs.HttpProtocols,
            protocols["elements"]!["one_of"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.True(protocols["required"]!.GetValue<bool>());
        Assert.NotEmpty(protocols["default"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(KongConfigFields))]
    public void SchemaAnswer_HasKongsConfigFields(string plugin, string fields)
    {
        var config = SchemaDescriber.Describe(Registry.FindPlugin(plugin)!)["fields"]!.AsArray()
            .Single(f => f!.AsObject().ContainsKey("config"))!["config"]!;

        Assert.Equal("record", config["type"]!.GetValue<string>());
        Assert.Equal(fields.Split(','), config["fields"]!.AsArray().Select(f => f!.AsObject().Single().Key));
    }

    [Theory]
    [InlineData("key-auth", """["grpc","grpcs","http","https"]""", """["grpc","grpcs","http","https"]""", "A set of strings representing HTTP protocols.")]
    [InlineData("file-log", """["grpc","grpcs","http","https"]""",
        """["grpc","grpcs","http","https","tcp","tls","tls_passthrough","udp","ws","wss"]""", "A set of strings representing protocols.")]
    [InlineData("ip-restriction", """["http","https","tcp","tls","grpc","grpcs"]""",
        """["grpc","grpcs","http","https","tcp","tls","tls_passthrough","udp","ws","wss"]""", "A set of strings representing protocols.")]
    public void SchemaAnswer_Protocols_AreThePluginsTypedef(string plugin, string @default, string oneOf, string description)
    {
        var protocols = SchemaDescriber.Describe(Registry.FindPlugin(plugin)!)["fields"]!.AsArray()
            .Single(f => f!.AsObject().ContainsKey("protocols"))!["protocols"]!;

        Assert.Equal("set", protocols["type"]!.GetValue<string>());
        Assert.True(protocols["required"]!.GetValue<bool>());
        Assert.Equal(@default, protocols["default"]!.Json());
        Assert.Equal(oneOf, protocols["elements"]!["one_of"]!.Json());
        Assert.Equal(description, protocols["description"]!.GetValue<string>());
    }

    [Fact]
    public void SchemaAnswer_NoConsumer_IsKongsTypedef()
    {
        var consumer = SchemaDescriber.Describe(Registry.FindPlugin("key-auth")!)["fields"]![0]!["consumer"]!.AsObject();

        Assert.Equal(
            """{"type":"foreign","eq":null,"reference":"consumers","on_delete":"restrict","description":"Custom type for representing a foreign key with a null value allowed."}""",
            consumer.ToJsonString());
    }

    [Fact]
    public void SchemaAnswer_EntityChecks_AreKongsPluginLevelChecks()
    {
        Assert.Equal(
            """[{"only_one_of":["config.allow","config.deny"]},{"at_least_one_of":["config.allow","config.deny"]}]""",
            SchemaDescriber.Describe(Registry.FindPlugin("acl")!)["entity_checks"]!.Json());

        // rate-limiting's redis conditionals and its periods-order check are code here, so they are not served.
        var checks = SchemaDescriber.Describe(Registry.FindPlugin("rate-limiting")!)["entity_checks"]!.AsArray().Select(c => c!.Json()).ToList();
        Assert.Contains("""{"at_least_one_of":["config.second","config.minute","config.hour","config.day","config.month","config.year"]}""", checks);
        Assert.Contains("""{"conditional":{"if_field":"config.limit_by","if_match":{"eq":"header"},"then_field":"config.header_name","then_match":{"required":true}}}""", checks);
        Assert.Contains("""{"conditional":{"if_field":"config.limit_by","if_match":{"eq":"path"},"then_field":"config.path","then_match":{"required":true}}}""", checks);
    }

    [Fact]
    public void KeyAuth_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("key-auth", "{}");
        Assert.Equal("""["apikey"]""", config["key_names"]!.Json());
        Assert.False(config["hide_credentials"]!.GetValue<bool>());
        Assert.True(config["key_in_header"]!.GetValue<bool>());
        Assert.True(config["key_in_query"]!.GetValue<bool>());
        Assert.False(config["key_in_body"]!.GetValue<bool>());
        Assert.True(config["run_on_preflight"]!.GetValue<bool>());
        Assert.Null(config["anonymous"]);
        Assert.Null(config["realm"]);
    }

    [Fact]
    public void KeyAuth_BadKeyName_IsRefused()
    {
        var errors = Invalid("key-auth", """{"key_names":["api key"]}""");
        Assert.Equal("""{"key_names":["bad header name 'api key', allowed characters are A-Z, a-z, 0-9, '_', and '-'"]}""", errors.Json());
    }

    [Fact]
    public void RateLimiting_WithLimit_HasKongDefaults()
    {
        var config = Valid("rate-limiting", """{"minute":5}""");
        Assert.Equal("local", config["policy"]!.GetValue<string>());
        Assert.Equal("consumer", config["limit_by"]!.GetValue<string>());
        Assert.Equal(429, config["error_code"]!.GetValue<double>());
        Assert.Equal("API rate limit exceeded", config["error_message"]!.GetValue<string>());
        Assert.Equal(-1, config["sync_rate"]!.GetValue<double>());
        Assert.True(config["fault_tolerant"]!.GetValue<bool>());
        Assert.Equal(2000, config["redis"]!["timeout"]!.GetValue<long>());
        Assert.Equal(0, config["redis"]!["database"]!.GetValue<long>());
        Assert.Null(config["redis"]!["host"]);
        Assert.Null(config["second"]);
    }

    [Fact]
    public void RateLimiting_NoLimits_ReportsKongsMessage()
    {
        var errors = Invalid("rate-limiting", "{}");
        Assert.Equal(
            "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'",
            Assert.Single(errors["@entity"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public void RateLimiting_LowerLimitForLongerWindow_IsRefused()
    {
        var errors = Invalid("rate-limiting", """{"second":20,"hour":10}""");
        Assert.Equal("The limit for hour(10.0) cannot be lower than the limit for second(20.0)", errors["@entity"]![0]!.GetValue<string>());
    }

    [Fact]
    public void RateLimiting_ConfigBuiltInCode_WithIntegerNodes_IsChecked()
    {
        // Numbers made with JsonValue.Create(long), as the declarative loader and defaults make them.
        var wrapper = new EntitySchema("plugin_config", [PluginConfigValidator.Registry.FindPlugin("rate-limiting")!.Config with { Name = "config", Required = true }]);
        var input = new JsonObject { ["config"] = new JsonObject { ["second"] = JsonValue.Create(20L), ["hour"] = JsonValue.Create(10L), ["sync_rate"] = JsonValue.Create(-1L) } };
        var errors = new ValidationErrors();

        Assert.Null(PluginConfigValidator.Validator.Validate(wrapper, input, null, errors));
        Assert.Equal("The limit for hour(10.0) cannot be lower than the limit for second(20.0)", errors.ToJson()["config"]!["@entity"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"second":0}""", """{"second":"value must be greater than 0"}""")]
    [InlineData("""{"second":1,"policy":"memcached"}""", """{"policy":"expected one of: local, cluster, redis"}""")]
    [InlineData("""{"second":1,"limit_by":"header"}""", """{"header_name":"required field missing"}""")]
    [InlineData("""{"second":1,"limit_by":"path"}""", """{"path":"required field missing"}""")]
    [InlineData("""{"second":1,"policy":"redis"}""", """{"redis":{"host":"required field missing","port":"required field missing"}}""")]
    [InlineData("""{"second":1,"sync_rate":10}""", """{"@entity":["sync_rate can only be used with the redis policy"]}""")]
    [InlineData("""{"second":1,"redis":{"host":"localhost"}}""", """{"redis":{"@entity":["all or none of these fields must be set: 'host', 'port'"]}}""")]
    public void RateLimiting_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("rate-limiting", config).Json());

    [Theory]
    [InlineData("rate-limiting", """{"second":1}""")]
    [InlineData("response-ratelimiting", """{"limits":{"video":{"second":1}}}""")]
    public void RedisFlatNames_OfKongBefore36_AreAcceptedIntoTheRedisRecord(string plugin, string limits)
    {
        // Kong 3.9 still takes them, deprecated: kong.yml files written for Kong 3.5 and before use them.
        var config = JsonNode.Parse(limits)!.AsObject();
        config["policy"] = "redis";
        config["redis_host"] = "redis.internal";
        config["redis_port"] = 6380;
        config["redis_password"] = "s3cret";
        config["redis_database"] = 2;
        config["redis_timeout"] = 500;
        config["redis_ssl"] = true;
        config["redis_server_name"] = "redis.example";

        var processed = Valid(plugin, config.ToJsonString());

        Assert.Equal(
            """{"host":"redis.internal","port":6380,"timeout":500,"username":null,"password":"s3cret","database":2,"ssl":true,"ssl_verify":false,"server_name":"redis.example"}""",
            processed["redis"]!.Json());
        Assert.Null(processed["redis_host"]);
    }

    [Fact]
    public void RedisFlatName_GivenWithTheRecord_YieldsToIt()
    {
        var config = Valid("rate-limiting", """{"second":1,"policy":"redis","redis_host":"old.internal","redis":{"host":"new.internal","port":6379}}""");
        Assert.Equal("new.internal", config["redis"]!["host"]!.GetValue<string>());
    }

    [Fact]
    public void RateLimiting_RedisPolicyWithHost_IsValid()
    {
        var config = Valid("rate-limiting", """{"second":1,"policy":"redis","sync_rate":0.5,"redis":{"host":"127.0.0.1","port":6379}}""");
        Assert.Equal(6379, config["redis"]!["port"]!.GetValue<long>());
        Assert.False(config["redis"]!["ssl"]!.GetValue<bool>());
    }

    [Fact]
    public void Cors_EmptyConfig_HasKongMethods()
    {
        var config = Valid("cors", "{}");
        Assert.Equal("""["GET","HEAD","PUT","PATCH","POST","DELETE","OPTIONS","TRACE","CONNECT"]""", config["methods"]!.Json());
        Assert.False(config["credentials"]!.GetValue<bool>());
        Assert.False(config["private_network"]!.GetValue<bool>());
        Assert.False(config["preflight_continue"]!.GetValue<bool>());
        Assert.True(config["allow_origin_absent"]!.GetValue<bool>());
        Assert.Null(config["origins"]);
    }

    [Theory]
    [InlineData("""{"methods":["FETCH"]}""", """{"methods":["expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT"]}""")]
    [InlineData("""{"origins":["*","(unclosed"]}""", """{"origins":[null,"'(unclosed' is not a valid regex"]}""")]
    public void Cors_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("cors", config).Json());

    [Fact]
    public void CorrelationId_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("correlation-id", "{}");
        Assert.Equal("Kong-Request-ID", config["header_name"]!.GetValue<string>());
        Assert.Equal("uuid#counter", config["generator"]!.GetValue<string>());
        Assert.False(config["echo_downstream"]!.GetValue<bool>());
        Assert.Equal("""{"generator":"expected one of: uuid, uuid#counter, tracker"}""",
            Invalid("correlation-id", """{"generator":"ulid"}""").Json());
    }

    [Fact]
    public void Jwt_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("jwt", "{}");
        Assert.Equal("""["jwt"]""", config["uri_param_names"]!.Json());
        Assert.Equal("[]", config["cookie_names"]!.Json());
        Assert.Equal("""["authorization"]""", config["header_names"]!.Json());
        Assert.Equal("iss", config["key_claim_name"]!.GetValue<string>());
        Assert.Equal(0, config["maximum_expiration"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("""{"maximum_expiration":60}""", """{"claims_to_verify":"expected to contain: exp"}""")]
    [InlineData("""{"maximum_expiration":31536001,"claims_to_verify":["exp"]}""", """{"maximum_expiration":"value should be between 0 and 31536000"}""")]
    [InlineData("""{"claims_to_verify":["iat"]}""", """{"claims_to_verify":["expected one of: exp, nbf"]}""")]
    public void Jwt_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("jwt", config).Json());

    [Fact]
    public void HmacAuth_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("hmac-auth", "{}");
        Assert.Equal(300, config["clock_skew"]!.GetValue<double>());
        Assert.Equal("[]", config["enforce_headers"]!.Json());
        Assert.Equal("""["hmac-sha1","hmac-sha256","hmac-sha384","hmac-sha512"]""", config["algorithms"]!.Json());
        Assert.Equal("""{"algorithms":["expected one of: hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512"]}""",
            Invalid("hmac-auth", """{"algorithms":["hmac-md5"]}""").Json());
    }

    [Fact]
    public void BasicAuth_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("basic-auth", "{}");
        Assert.Equal("service", config["realm"]!.GetValue<string>());
        Assert.False(config["hide_credentials"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("{}", "at least one of these fields must be non-empty: 'config.allow', 'config.deny'")]
    [InlineData("""{"allow":["a"],"deny":["b"]}""", "only one of these fields must be non-empty: 'config.allow', 'config.deny'")]
    public void Acl_AllowAndDeny_ExactlyOne(string config, string expected) =>
        Assert.Equal(expected, Assert.Single(Invalid("acl", config)["@entity"]!.AsArray())!.GetValue<string>());

    [Fact]
    public void Acl_Allow_HasKongDefaults()
    {
        var config = Valid("acl", """{"allow":["admins"]}""");
        Assert.False(config["hide_groups_header"]!.GetValue<bool>());
        Assert.False(config["always_use_authenticated_groups"]!.GetValue<bool>());
        Assert.Null(config["deny"]);
    }

    [Fact]
    public void IpRestriction_ValidatesAddresses()
    {
        Valid("ip-restriction", """{"allow":["10.0.0.0/8","::1","192.168.1.1"]}""");
        Assert.Equal("""{"deny":[null,"invalid ip or cidr range: '10.0.0.0/33'"]}""",
            Invalid("ip-restriction", """{"deny":["1.2.3.4","10.0.0.0/33"]}""").Json());
        Assert.Equal("at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
            Invalid("ip-restriction", "{}")["@entity"]![0]!.GetValue<string>());
        Assert.Contains("tcp", Registry.FindPlugin("ip-restriction")!.Protocols);
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("010.0.0.1")]
    public void IpRestriction_AddressKong39Refuses_IsRefused(string address)
    {
        // The plugins' own copy of ip_or_cidr took these; Kong 3.9's typedefs.ip_or_cidr (inet_pton) does not.
        Assert.Equal($$"""{"allow":["invalid ip or cidr range: '{{address}}'"]}""",
            Invalid("ip-restriction", $$"""{"allow":["{{address}}"]}""").Json());
    }

    [Theory]

    // The plugins' own copies of typedefs.host, sni and path answered "invalid value: ..." or let these through.
    [InlineData("""{"host":"redis:6379"}""", """{"redis":{"host":"must not have a port"}}""")]
    [InlineData("""{"host":"rédis"}""", """{"redis":{"host":"invalid value: rédis"}}""")]
    [InlineData("""{"host":"redis","port":6379,"server_name":"redis.example:6380"}""", """{"redis":{"server_name":"must not have a port"}}""")]
    [InlineData("""{"host":"redis","port":6379,"server_name":"10.0.0.1"}""", """{"redis":{"server_name":"must not be an IP"}}""")]
    public void RateLimiting_RedisHostAndServerName_AsKongTypedefs(string redis, string expected) =>
        Assert.Equal(expected, Invalid("rate-limiting", $$"""{"second":1,"redis":{{redis}}}""").Json());

    [Fact]
    public void RateLimiting_RedisHostWithUnderscore_IsValid() =>
        Assert.Equal("redis_1", Valid("rate-limiting", """{"second":1,"redis":{"host":"redis_1","port":6379}}""")["redis"]!["host"]!.GetValue<string>());

    [Theory]
    [InlineData("/a b", "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)")]
    [InlineData("/a%zz", "invalid url-encoded value: '%zz'")]
    [InlineData("/a//b", "must not have empty segments")]
    public void RateLimiting_Path_AsKongTypedefsPath(string path, string expected) =>
        Assert.Equal($$"""{"path":"{{expected}}"}""", Invalid("rate-limiting", $$"""{"second":1,"limit_by":"path","path":"{{path}}"}""").Json());

    [Fact]
    public void RequestSizeLimiting_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("request-size-limiting", "{}");
        Assert.Equal(128, config["allowed_payload_size"]!.GetValue<long>());
        Assert.Equal("megabytes", config["size_unit"]!.GetValue<string>());
        Assert.False(config["require_content_length"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"status_code":600}""", """{"status_code":"value should be between 100 and 599"}""")]
    [InlineData("""{"message":"x","body":"y"}""", "\"message cannot be used with content_type or body\"")]
    [InlineData("""{"content_type":"text/plain"}""", "\"content_type requires a body\"")]
    [InlineData("""{"echo":true,"body":"y"}""", "\"echo cannot be used with content_type and body\"")]
    public void RequestTermination_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("request-termination", config).Json());

    [Fact]
    public void RequestTermination_EmptyConfig_Is503()
    {
        var config = Valid("request-termination", "{}");
        Assert.Equal(503, config["status_code"]!.GetValue<long>());
        Assert.False(config["echo"]!.GetValue<bool>());
    }

    [Fact]
    public void RequestTransformer_EmptyConfig_FillsEveryRecord()
    {
        var config = Valid("request-transformer", "{}");
        Assert.Equal("""{"body":[],"headers":[],"querystring":[],"uri":null}""", config["replace"]!.Json());
        Assert.Equal("""{"body":[],"headers":[],"querystring":[]}""", config["add"]!.Json());
        Assert.Null(config["http_method"]);
    }

    [Theory]
    [InlineData("""{"add":{"headers":["x-a"]}}""", """{"add":{"headers":["invalid value: x-a"]}}""")]
    [InlineData("""{"add":{"querystring":["q:"]}}""", """{"add":{"querystring":["key 'q' has no value"]}}""")]
    [InlineData("""{"remove":{"headers":["bad header"]}}""", """{"remove":{"headers":["'bad header' is not a valid header"]}}""")]
    [InlineData("""{"http_method":"get"}""", """{"http_method":"invalid value: get"}""")]
    public void RequestTransformer_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("request-transformer", config).Json());

    [Fact]
    public void ResponseTransformer_EmptyConfig_FillsEveryRecord()
    {
        var config = Valid("response-transformer", """{"add":{"json":["a:1"],"json_types":["number"]}}""");
        Assert.Equal("""{"json":["a:1"],"json_types":["number"],"headers":[]}""", config["add"]!.Json());
        Assert.Equal("""{"json":[],"headers":[]}""", config["remove"]!.Json());
        Assert.Equal("""{"add":{"json_types":["expected one of: boolean, number, string"]}}""",
            Invalid("response-transformer", """{"add":{"json_types":["object"]}}""").Json());
    }

    [Fact]
    public void ResponseRateLimiting_Limits()
    {
        Assert.Equal("""{"limits":"required field missing"}""", Invalid("response-ratelimiting", "{}").Json());
        var config = Valid("response-ratelimiting", """{"limits":{"videos":{"minute":10}}}""");
        Assert.Equal("x-kong-limit", config["header_name"]!.GetValue<string>());
        Assert.Equal("local", config["policy"]!.GetValue<string>());
        Assert.Equal("consumer", config["limit_by"]!.GetValue<string>());
        Assert.False(config["block_on_first_violation"]!.GetValue<bool>());
        Assert.Equal("""{"limits":"invalid value"}""", Invalid("response-ratelimiting", """{"limits":{"videos":{}}}""").Json());
    }

    [Fact]
    public void HttpLog_Defaults_AndEndpointRequired()
    {
        Assert.Equal("""{"http_endpoint":"required field missing"}""", Invalid("http-log", "{}").Json());
        var config = Valid("http-log", """{"http_endpoint":"http://127.0.0.1:9999/log"}""");
        Assert.Equal("POST", config["method"]!.GetValue<string>());
        Assert.Equal("application/json", config["content_type"]!.GetValue<string>());
        Assert.Equal(10000, config["timeout"]!.GetValue<double>());
        Assert.Equal(60000, config["keepalive"]!.GetValue<double>());
        Assert.Equal(1, config["queue"]!["max_batch_size"]!.GetValue<long>());
        Assert.Equal(10000, config["queue"]!["max_entries"]!.GetValue<long>());
        Assert.Equal(60, config["queue"]!["max_retry_time"]!.GetValue<double>());
        Assert.Equal(1, config["queue"]!["concurrency_limit"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"http_endpoint":"http://h/","headers":{"Content-Type":"x"}}""", """{"headers":"cannot contain 'Content-Type' header"}""")]
    [InlineData("""{"http_endpoint":"http://u:p@h/","headers":{"Authorization":"x"}}""",
        """{"@entity":["specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"]}""")]
    [InlineData("""{"http_endpoint":"http://h/","method":"GET"}""", """{"method":"expected one of: POST, PUT, PATCH"}""")]
    [InlineData("""{"http_endpoint":"http://h/","queue":{"concurrency_limit":2}}""", """{"queue":{"concurrency_limit":"expected one of: -1, 1"}}""")]
    public void HttpLog_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("http-log", config).Json());

    [Fact]
    public void FileLog_PathRequired_AndValid()
    {
        Assert.Equal("""{"path":"required field missing"}""", Invalid("file-log", "{}").Json());
        Assert.Equal("""{"path":"not a valid filename"}""", Invalid("file-log", """{"path":"/tmp/*.log"}""").Json());
        Assert.False(Valid("file-log", """{"path":"/tmp/gateway.log"}""")["reopen"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("tcp-log")]
    [InlineData("udp-log")]
    public void TcpAndUdpLog_HostAndPortRequired_TimeoutDefault(string plugin)
    {
        Assert.Equal("""{"host":"required field missing","port":"required field missing"}""", Invalid(plugin, "{}").Json());
        var config = Valid(plugin, """{"host":"logs.internal","port":5000}""");
        Assert.Equal(10000, config["timeout"]!.GetValue<double>());
        Assert.Null(config["custom_fields_by_lua"]);
    }

    [Fact]
    public void TcpLog_Defaults()
    {
        var config = Valid("tcp-log", """{"host":"logs.internal","port":5000}""");
        Assert.Equal(60000, config["keepalive"]!.GetValue<double>());
        Assert.False(config["tls"]!.GetValue<bool>());
        Assert.Null(config["tls_sni"]);
        Assert.Equal("""{"port":"value should be between 0 and 65535"}""", Invalid("tcp-log", """{"host":"h","port":70000}""").Json());
    }

    [Fact]
    public void Syslog_EmptyConfig_HasKongDefaults()
    {
        Assert.Equal(
            """{"log_level":"info","successful_severity":"info","client_errors_severity":"info","server_errors_severity":"info","custom_fields_by_lua":null,"facility":"user"}""",
            Valid("syslog", "{}").Json());
        Assert.Equal(
            """{"facility":"expected one of: auth, authpriv, cron, daemon, ftp, kern, lpr, mail, news, syslog, user, uucp, local0, local1, local2, local3, local4, local5, local6, local7"}""",
            Invalid("syslog", """{"facility":"local8"}""").Json());
        Assert.Equal("""{"log_level":"expected one of: debug, info, notice, warning, err, crit, alert, emerg"}""",
            Invalid("syslog", """{"log_level":"error"}""").Json());
    }

    [Fact]
    public void Loggly_KeyRequired_AndKongDefaults()
    {
        Assert.Equal("""{"key":"required field missing"}""", Invalid("loggly", "{}").Json());
        Assert.Equal(
            """{"host":"logs-01.loggly.com","port":514,"key":"k","tags":["kong"],"log_level":"info","successful_severity":"info","client_errors_severity":"info","server_errors_severity":"info","timeout":10000,"custom_fields_by_lua":null}""",
            Valid("loggly", """{"key":"k"}""").Json());
    }

    [Fact]
    public void Statsd_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("statsd", "{}");
        Assert.Equal("localhost", config["host"]!.GetValue<string>());
        Assert.Equal(8125, config["port"]!.GetValue<long>());
        Assert.Equal("kong", config["prefix"]!.GetValue<string>());
        Assert.Equal(
            ["request_count", "latency", "request_size", "status_count", "response_size", "unique_users", "request_per_user", "upstream_latency",
             "kong_latency", "status_count_per_user", "status_count_per_workspace", "status_count_per_user_per_route", "shdict_usage"],
            config["metrics"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(
            """{"name":"request_size","stat_type":"counter","sample_rate":1,"consumer_identifier":null,"service_identifier":null,"workspace_identifier":null}""",
            config["metrics"]![2]!.Json());
        Assert.Equal(0, config["udp_packet_size"]!.GetValue<double>());
        Assert.False(config["use_tcp"]!.GetValue<bool>());
        Assert.False(config["hostname_in_prefix"]!.GetValue<bool>());
        Assert.Equal("custom_id", config["consumer_identifier_default"]!.GetValue<string>());
        Assert.Equal("service_name_or_host", config["service_identifier_default"]!.GetValue<string>());
        Assert.Equal("workspace_id", config["workspace_identifier_default"]!.GetValue<string>());
        Assert.Null(config["tag_style"]);
        Assert.Null(config["allow_status_codes"]);
        Assert.Null(config["queue_size"]);
        Assert.Equal(1, config["queue"]!["max_batch_size"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"udp_packet_size":65508}""", """{"udp_packet_size":"value should be between 0 and 65507"}""")]
    [InlineData("""{"tag_style":"graphite"}""", """{"tag_style":"expected one of: dogstatsd, influxdb, librato, signalfx"}""")]
    [InlineData("""{"allow_status_codes":["200-299","404"]}""", """{"allow_status_codes":[null,"invalid value: 404"]}""")]
    [InlineData("""{"consumer_identifier_default":"email"}""", """{"consumer_identifier_default":"expected one of: consumer_id, custom_id, username"}""")]
    [InlineData("""{"metrics":[{"name":"request_count","stat_type":"counter"}]}""", """{"metrics":["invalid value"]}""")]
    [InlineData("""{"metrics":[{"name":"bytes","stat_type":"timer"}]}""", """{"metrics":["invalid value"]}""")]
    public void Statsd_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("statsd", config).Json());

    [Fact]
    public void Statsd_TimerWithoutSampleRate_IsValid() =>
        Assert.Equal("timer", Valid("statsd", """{"metrics":[{"name":"latency","stat_type":"timer"}]}""")["metrics"]![0]!["stat_type"]!.GetValue<string>());

    [Fact]
    public void Datadog_EmptyConfig_HasKongDefaults()
    {
        var config = Valid("datadog", "{}");
        Assert.Equal("localhost", config["host"]!.GetValue<string>());
        Assert.Equal(8125, config["port"]!.GetValue<long>());
        Assert.Equal("kong", config["prefix"]!.GetValue<string>());
        Assert.Equal("name", config["service_name_tag"]!.GetValue<string>());
        Assert.Equal("status", config["status_tag"]!.GetValue<string>());
        Assert.Equal("consumer", config["consumer_tag"]!.GetValue<string>());
        Assert.Equal(
            """{"name":"request_count","stat_type":"counter","tags":["app:kong"],"sample_rate":1,"consumer_identifier":"custom_id"}""",
            config["metrics"]![0]!.Json());
        Assert.Equal(
            ["request_count", "latency", "request_size", "response_size", "upstream_latency", "kong_latency"],
            config["metrics"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{"metrics":[{"name":"latency","stat_type":"timer","tags":["env:"]}]}""", """{"metrics":["invalid value"]}""")]
    [InlineData("""{"metrics":[{"name":"request_count","stat_type":"counter","sample_rate":2}]}""", """{"metrics":["invalid value"]}""")]
    [InlineData("""{"metrics":[{"name":"status_count","stat_type":"counter","sample_rate":1}]}""", """{"metrics":["invalid value"]}""")]
    public void Datadog_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("datadog", config).Json());

    [Fact]
    public void Prometheus_EmptyConfig_AllMetricsOff()
    {
        var config = Valid("prometheus", "{}");
        Assert.All(config, p => Assert.False(p.Value!.GetValue<bool>()));
    }

    [Fact]
    public void BotDetection_BadRegex_IsRefused()
    {
        Assert.Equal("""{"allow":[],"deny":[]}""", Valid("bot-detection", "{}").Json());
        Assert.Equal("""{"deny":["'[a-' is not a valid regex"]}""", Invalid("bot-detection", """{"deny":["[a-"]}""").Json());
    }

    [Fact]
    public void UnknownConfigField_IsRefused() =>
        Assert.Equal("""{"key_name":"unknown field"}""", Invalid("key-auth", """{"key_name":["x"]}""").Json());

    [Fact]
    public void Number_Defaults_AreJsonIntegers() =>
        Assert.Equal("429", JsonNode.Parse(Valid("rate-limiting", """{"hour":1}""")["error_code"]!.Json())!.Json());

    [Fact]
    public void Every_Field_HasADescription()
    {
        static IEnumerable<string> Missing(Gateway.Schema.Field field, string path) =>
            (field.Description is null ? [path] : Array.Empty<string>())
                .Concat((field.Fields ?? []).SelectMany(f => Missing(f, $"{path}.{f.Name}")));

        var missing = PluginCatalog.Bundled.Schemas.SelectMany(p => (p.Config.Fields ?? []).SelectMany(f => Missing(f, $"{p.Name}.{f.Name}")));
        Assert.Empty(missing);
    }
}
