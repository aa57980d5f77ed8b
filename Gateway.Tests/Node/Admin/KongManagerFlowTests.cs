using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// What Kong Manager OSS needs of the Admin API: the <c>/schemas</c> answers its forms are built from, and its
/// create flows replayed as the request sequences it sends.
/// </summary>
public sealed class KongManagerFlowTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    /// <summary>The fields of Kong 3.9's core entities (kong/db/schema/entities/*.lua, traditional router), in Kong's order.</summary>
    public static TheoryData<string, string> KongEntityFields() => new()
    {
        { "services", "id,created_at,updated_at,name,retries,protocol,host,port,path,connect_timeout,write_timeout,read_timeout,tags,client_certificate,tls_verify,tls_verify_depth,ca_certificates,enabled" },
        { "routes", "id,created_at,updated_at,name,protocols,https_redirect_status_code,strip_path,preserve_host,request_buffering,response_buffering,tags,service,snis,sources,destinations,methods,hosts,paths,headers,regex_priority,path_handling" },
        { "consumers", "id,created_at,updated_at,username,custom_id,tags" },
        { "plugins", "id,name,instance_name,created_at,updated_at,route,service,consumer,config,protocols,enabled,tags" },
        { "upstreams", "id,created_at,updated_at,name,algorithm,hash_on,hash_fallback,hash_on_header,hash_fallback_header,hash_on_cookie,hash_on_cookie_path,hash_on_query_arg,hash_fallback_query_arg,hash_on_uri_capture,hash_fallback_uri_capture,slots,healthchecks,tags,host_header,client_certificate,use_srv_name" },
        { "targets", "id,created_at,updated_at,upstream,target,weight,tags" },
        { "certificates", "id,created_at,updated_at,cert,key,cert_alt,key_alt,tags" },
        { "snis", "id,name,created_at,updated_at,tags,certificate" },
        { "ca_certificates", "id,created_at,updated_at,cert,cert_digest,tags" },
        { "vaults", "id,prefix,name,description,config,created_at,updated_at,tags" },
        { "key_sets", "id,name,tags,created_at,updated_at" },
        { "keys", "id,set,name,kid,jwk,pem,tags,created_at,updated_at" },
        { "keyauth_credentials", "id,created_at,consumer,key,tags" },
        { "basicauth_credentials", "id,created_at,consumer,username,password,tags" },
        { "hmacauth_credentials", "id,created_at,consumer,username,secret,tags" },
        { "jwt_secrets", "id,created_at,consumer,key,secret,rsa_public_key,algorithm,tags" },
        { "acls", "id,created_at,consumer,group,tags" },
    };

    [Fact]
    public void KongEntityFields_CoverEveryCoreEntity() =>
        Assert.Empty(Gateway.Storage.Entities.CoreEntities.All.Select(e => e.Name).Except(KongEntityFields().Select(row => (string)row[0])));

    [Theory]
    [MemberData(nameof(KongEntityFields))]
    public async Task EntitySchema_HasKongsFields_AndEntityChecks(string entity, string fields)
    {
        var (status, schema) = await Node.CallAsync(HttpMethod.Get, $"/schemas/{entity}");

        Assert.Equal(200, status);
        Assert.Equal(fields.Split(','), schema!["fields"]!.AsArray().Select(f => f!.AsObject().Single().Key));
        Assert.IsType<JsonArray>(schema["entity_checks"]);
        Assert.Equal(entity == "keyauth_credentials", schema["ttl"]?.GetValue<bool>() ?? false);
    }

    [Theory]
    [InlineData("correlation-id", """["grpc","grpcs","http","https"]""")]
    [InlineData("key-auth", """["grpc","grpcs","http","https"]""")]
    [InlineData("request-transformer", """["grpc","grpcs","http","https"]""")]
    [InlineData("prometheus", """["grpc","grpcs","http","https"]""")]
    [InlineData("https-redirect", """["grpc","grpcs","http","https"]""")]
    public async Task PluginForm_BuiltFromTheSchemasDefaults_Creates(string name, string protocols)
    {
        // Kong Manager: GET the plugin's schema, fill the form with every default, POST what it holds.
        var (status, schema) = await Node.CallAsync(HttpMethod.Get, $"/schemas/plugins/{name}");
        Assert.Equal(200, status);
        var fields = schema!["fields"]!.AsArray().Select(f => f!.AsObject().Single()).ToDictionary(f => f.Key, f => f.Value!);
        var body = new JsonObject
        {
            ["name"] = name,
            ["protocols"] = fields["protocols"]["default"]!.DeepClone(),
            ["config"] = Defaults(fields["config"]),
            ["enabled"] = true,
        };

        var (created, plugin) = await Node.CallAsync(HttpMethod.Post, "/plugins", body.ToJsonString());

        Assert.Equal(201, created);
        JsonAssert.Equal(protocols, plugin!["protocols"]);
        JsonAssert.Equal(Defaults(fields["config"]).ToJsonString(), JsonNode.Parse(Subset(plugin["config"]!.AsObject(), Defaults(fields["config"]))));
        AssertSeconds(plugin["created_at"]);
        AssertSeconds(plugin["updated_at"]);
        await Node.CallAsync(HttpMethod.Delete, $"/plugins/{plugin["id"]}");
    }

    [Fact]
    public async Task PluginSchema_IsServedForEveryBundledPlugin()
    {
        foreach (var plugin in Gateway.Node.Pipeline.PluginCatalog.Bundled.Schemas)
        {
            var (status, schema) = await Node.CallAsync(HttpMethod.Get, $"/schemas/plugins/{plugin.Name}");

            Assert.Equal(200, status);
            var names = schema!["fields"]!.AsArray().Select(f => f!.AsObject().Single().Key).ToList();
            Assert.Equal(["protocols", "config"], names.TakeLast(2));
            Assert.DoesNotContain("id", names);
            Assert.IsType<JsonArray>(schema["entity_checks"]);
        }
    }

    [Fact]
    public async Task Plugin_WithoutProtocols_GetsThePluginsDefault_AndNoProtocolsIsRefused()
    {
        var (created, plugin) = await Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"ip-restriction","config":{"allow":["10.0.0.0/8"]}}""");
        Assert.Equal(201, created);
        JsonAssert.Equal("""["http","https","tcp","tls","grpc","grpcs"]""", plugin!["protocols"]);
        await Node.CallAsync(HttpMethod.Delete, $"/plugins/{plugin["id"]}");

        var (refused, error) = await Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"cors","protocols":[]}""");
        Assert.Equal(400, refused);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (protocols: length must be at least 1)","fields":{"protocols":"length must be at least 1"}}""",
            error);
    }

    [Fact]
    public async Task KeyAuthCredential_WithTtlLeftOut_OrZero_NeverExpires()
    {
        await Node.CreateAsync("/consumers", """{"username":"manager-ttl"}""");

        var (leftOut, first) = await Node.CallAsync(HttpMethod.Post, "/consumers/manager-ttl/key-auth", "{}");
        Assert.Equal(201, leftOut);
        Assert.Null(first!["ttl"]);
        AssertSeconds(first["created_at"]);

        var (zero, second) = await Node.CallAsync(HttpMethod.Post, "/consumers/manager-ttl/key-auth", """{"ttl":0}""");
        Assert.Equal(201, zero);
        Assert.Null(second!["ttl"]);

        var (timed, third) = await Node.CallAsync(HttpMethod.Post, "/consumers/manager-ttl/key-auth", """{"ttl":3600}""");
        Assert.Equal(201, timed);
        Assert.InRange(third!["ttl"]!.GetValue<long>(), 3590, 3600);
        var (_, read) = await Node.CallAsync(HttpMethod.Get, $"/key-auths/{third["id"]}");
        Assert.InRange(read!["ttl"]!.GetValue<long>(), 3590, 3600);

        var (refused, error) = await Node.CallAsync(HttpMethod.Post, "/consumers/manager-ttl/key-auth", """{"ttl":-1}""");
        Assert.Equal(400, refused);
        JsonAssert.Equal(
            """{"code":11,"name":"invalid options","message":"invalid option (ttl: must be an integer between 0 and 100000000)","options":{"ttl":"must be an integer between 0 and 100000000"}}""",
            error);
    }

    [Fact]
    public async Task Target_CreatedAt_IsSecondsWithAFraction()
    {
        var upstream = await Node.CreateAsync("/upstreams", """{"name":"manager-timestamps"}""");
        AssertSeconds(upstream["created_at"]);

        var target = await Node.CreateAsync($"/upstreams/{upstream["id"]}/targets", """{"target":"10.0.0.1:80"}""");

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(target["created_at"]!.GetValue<double>(), now - 60, now + 1);
        Assert.Equal(target["created_at"]!.GetValue<double>(), target["updated_at"]!.GetValue<double>());
        var (_, listed) = await Node.CallAsync(HttpMethod.Get, $"/upstreams/{upstream["id"]}/targets");
        Assert.Equal(target["created_at"]!.GetValue<double>(), listed!["data"]![0]!["created_at"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("/vaults")]
    [InlineData("/keys")]
    [InlineData("/key-sets")]
    public async Task ManagersEntityLists_AreServed(string path)
    {
        var (status, page) = await Node.CallAsync(HttpMethod.Get, path);

        Assert.Equal(200, status);
        Assert.IsType<JsonArray>(page!["data"]);
        Assert.True(page.AsObject().ContainsKey("next"));
    }

    [Fact]
    public async Task EveryEntity_CreatedAt_IsSeconds()
    {
        var service = await Node.CreateAsync("/services", """{"name":"manager-seconds","host":"example.com"}""");
        var route = await Node.CreateAsync("/services/manager-seconds/routes", """{"paths":["/manager-seconds"]}""");
        var consumer = await Node.CreateAsync("/consumers", """{"username":"manager-seconds"}""");

        foreach (var entity in new[] { service, route, consumer })
        {
            AssertSeconds(entity["created_at"]);
            AssertSeconds(entity["updated_at"]);
        }
    }

    /// <summary>Kong Manager's form model: a record's fields with defaults, nested records filled the same way.</summary>
    private static JsonObject Defaults(JsonNode record)
    {
        var values = new JsonObject();
        foreach (var (name, field) in record["fields"]!.AsArray().Select(f => f!.AsObject().Single()))
        {
            if (field!["default"] is { } value)
            {
                values[name] = value.DeepClone();
            }
            else if (field["type"]!.GetValue<string>() == "record")
            {
                values[name] = Defaults(field);
            }
        }

        return values;
    }

    /// <summary>The values of <paramref name="config"/> at the keys (nested) of <paramref name="shape"/>, as JSON.</summary>
    private static string Subset(JsonObject config, JsonObject shape)
    {
        var subset = new JsonObject();
        foreach (var (key, value) in shape)
        {
            subset[key] = value is JsonObject nested && config[key] is JsonObject inner ? JsonNode.Parse(Subset(inner, nested)) : config[key]?.DeepClone();
        }

        return subset.ToJsonString();
    }

    private static void AssertSeconds(JsonNode? timestamp)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(timestamp!.GetValue<double>(), now - 60, now + 1);
    }
}
