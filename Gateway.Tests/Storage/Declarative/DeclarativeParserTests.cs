using System.Text.Json.Nodes;
using Gateway.Storage.Declarative;
using Gateway.Tests.Support;

namespace Gateway.Tests.Storage.Declarative;

public sealed class DeclarativeParserTests
{
    private const string Full = """
        _format_version: "3.0"
        services:
        - name: orders
          url: https://orders.internal:8443/v1
          tags: [team-a]
          routes:
          - name: orders-route
            paths: [/orders]
            plugins:
            - name: key-auth
          plugins:
          - name: rate-limiting
            config:
              minute: 10
        consumers:
        - username: alice
          custom_id: "42"
          keyauth_credentials:
          - key: alice-key
          acls:
          - group: admins
          basicauth_credentials:
          - username: alice
            password: s3cret
        upstreams:
        - name: orders.upstream
          targets:
          - target: 10.0.0.1:8080
            weight: 50
        ca_certificates: []
        plugins:
        - name: correlation-id
        - name: acl
          route: orders-route
          config:
            allow: [admins]
        """;

    [Fact]
    public void Parse_NestedEntities_AreFlattenedWithParentReferences()
    {
        var config = Declarative.Parser.ParseText(Full);
        var service = Assert.Single(config["services"]);
        Assert.Equal("orders.internal", service["host"]!.GetValue<string>());
        Assert.Equal("8443", service["port"]!.ToJsonString());
        Assert.Equal("https", service["protocol"]!.GetValue<string>());
        JsonAssert.Equal("""["team-a"]""", service["tags"]);

        var route = Assert.Single(config["routes"]);
        Assert.Equal(service["id"]!.GetValue<string>(), route["service"]!["id"]!.GetValue<string>());

        var plugins = config["plugins"];
        Assert.Equal(4, plugins.Count);
        var keyAuth = plugins.Single(p => p["name"]!.GetValue<string>() == "key-auth");
        Assert.Equal(route["id"]!.GetValue<string>(), keyAuth["route"]!["id"]!.GetValue<string>());
        Assert.Null(keyAuth["service"]);
        var rateLimiting = plugins.Single(p => p["name"]!.GetValue<string>() == "rate-limiting");
        Assert.Equal(service["id"]!.GetValue<string>(), rateLimiting["service"]!["id"]!.GetValue<string>());
        Assert.Equal("10", rateLimiting["config"]!["minute"]!.ToJsonString());
        var acl = plugins.Single(p => p["name"]!.GetValue<string>() == "acl");
        Assert.Equal(route["id"]!.GetValue<string>(), acl["route"]!["id"]!.GetValue<string>());

        var consumer = Assert.Single(config["consumers"]);
        var consumerRef = consumer["id"]!.GetValue<string>();
        Assert.Equal(consumerRef, Assert.Single(config["keyauth_credentials"])["consumer"]!["id"]!.GetValue<string>());
        Assert.Equal("admins", Assert.Single(config["acls"])["group"]!.GetValue<string>());
        Assert.StartsWith("$2", Assert.Single(config["basicauth_credentials"])["password"]!.GetValue<string>());

        var upstream = Assert.Single(config["upstreams"]);
        var target = Assert.Single(config["targets"]);
        Assert.Equal(upstream["id"]!.GetValue<string>(), target["upstream"]!["id"]!.GetValue<string>());
        Assert.Equal("50", target["weight"]!.ToJsonString());
    }

    [Fact]
    public void Parse_SameFileTwice_GivesTheSameIds()
    {
        var first = Declarative.Parser.ParseText(Full);
        var second = Declarative.Parser.ParseText(Full);
        foreach (var (entity, rows) in first.Entities)
        {
            Assert.Equal(rows.Select(r => r["id"]!.GetValue<string>()), second[entity].Select(r => r["id"]!.GetValue<string>()));
        }

        Assert.Equal(first.Hash, second.Hash);
    }

    [Fact]
    public void Parse_GeneratedIds_FollowKongsUuidV5Scheme()
    {
        var config = Declarative.Parser.ParseText("""
            _format_version: "3.0"
            services:
            - name: svc
              host: example.test
            """);
        var expected = DeterministicUuid.Create(DeterministicUuid.Create(DeterministicUuid.EntitiesNamespace, "services"), "svc");
        Assert.Equal(expected, config["services"][0]["id"]!.GetValue<string>());
    }

    [Fact]
    public void DeterministicUuid_MatchesRfc4122Example()
    {
        // RFC 4122 appendix (errata 1352): uuid5(DNS namespace, "www.example.com").
        Assert.Equal("2ed6657d-e927-568b-95e1-2665a8aea6a2", DeterministicUuid.Create("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"));
    }

    [Fact]
    public void Parse_Json_IsAcceptedAsWellAsYaml()
    {
        var config = Declarative.Parser.ParseText("""{"_format_version":"1.1","consumers":[{"username":"x"}]}""");
        Assert.Equal("x", Assert.Single(config["consumers"])["username"]!.GetValue<string>());
        Assert.Equal("1.1", config.FormatVersion);
    }

    [Fact]
    public void Parse_TopLevelReferencesById_AndExplicitIdsAreKept()
    {
        var config = Declarative.Parser.ParseText("""
            _format_version: "2.1"
            services:
            - id: 0855b320-0dd2-547d-891d-601e9b38647f
              host: example.test
            routes:
            - id: 481a9539-f49c-51b6-b2e2-fe99ee68866c
              paths: ["/"]
              service: 0855b320-0dd2-547d-891d-601e9b38647f
            - paths: ["/x"]
              service:
                id: 0855b320-0dd2-547d-891d-601e9b38647f
            """);
        Assert.Equal("481a9539-f49c-51b6-b2e2-fe99ee68866c", config["routes"][0]["id"]!.GetValue<string>());
        Assert.All(config["routes"], r => Assert.Equal("0855b320-0dd2-547d-891d-601e9b38647f", r["service"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void Parse_NullService_IsAllowed()
    {
        var config = Declarative.Parser.ParseText("""
            _format_version: "1.1"
            routes:
            - paths:
              - "/"
              service: null
            """);
        Assert.Null(Assert.Single(config["routes"])["service"]);
    }

    [Fact]
    public void Parse_FieldErrors_AreLocatedByEntityIndexAndField()
    {
        var error = Declarative.Invalid("""
            _format_version: "1.1"
            services:
            - port: -12
            """);
        JsonAssert.Equal("""{"services":[{"host":"required field missing","port":"value should be between 0 and 65535"}]}""", error.Fields);
        Assert.Equal("""declarative config is invalid: {services={{host="required field missing",port="value should be between 0 and 65535"}}}""", error.Message);
    }

    [Fact]
    public void Parse_NestedFieldErrors_AreLocatedUnderTheirParent()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            services:
            - name: ok
              host: example.test
            - name: parent
              host: example.test
              routes:
              - name: fine
                paths: [/a]
              - name: broken
                paths: [/b]
                methods: 12
            """);
        JsonAssert.Equal("""{"services":[null,{"routes":[null,{"methods":"expected a set"}]}]}""", error.Fields);
        Assert.Equal("""declarative config is invalid: {services={[2]={routes={[2]={methods="expected a set"}}}}}""", error.Message);
    }

    [Fact]
    public void Parse_NotAnObject_IsAParsingError()
    {
        var error = Declarative.Invalid("bobby tables");
        JsonAssert.Equal("""{"error":"failed parsing declarative configuration: expected an object"}""", error.Fields);
        Assert.Equal("""declarative config is invalid: {error="failed parsing declarative configuration: expected an object"}""", error.Message);
    }

    [Fact]
    public void Parse_BrokenYaml_IsAParsingError()
    {
        var error = Declarative.Invalid("_format_version: \"3.0\"\nservices:\n  - name: [unclosed\n");
        Assert.StartsWith("failed parsing declarative configuration: ", error.Fields["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("services: []", """{"_format_version":"required field missing"}""")]
    [InlineData("_format_version: \"4.0\"", """{"_format_version":"expected one of: 1.1, 2.1, 3.0"}""")]
    [InlineData("_format_version: \"3.0\"\nwidgets: []", """{"widgets":"unknown field"}""")]
    [InlineData("_format_version: \"3.0\"\nservices: {}", """{"services":"expected an array"}""")]
    public void Parse_BadTopLevel_IsRefused(string text, string fields) =>
        JsonAssert.Equal(fields, Declarative.Invalid(text).Fields);

    [Fact]
    public void Parse_DanglingReference_NamesTheEntityAndTheMissingKey()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            routes:
            - name: lost
              paths: [/]
              service: nowhere
            """);
        JsonAssert.Equal("""{"routes":{"lost":["invalid reference 'service: nowhere' (no such entry in 'services')"]}}""", error.Fields);
    }

    [Fact]
    public void Parse_DuplicateName_IsAUniquenessViolation()
    {
        var error = Declarative.Invalid("""
            _format_version: "1.1"
            services:
            - name: foo
              host: example.com
            - name: foo
              host: example.test
            """);
        JsonAssert.Equal("""{"services":[null,"uniqueness violation: 'services' entity with primary key set to '""" +
            DeterministicUuid.ForEntity("services", "foo") + """' already declared"]}""", error.Fields);
    }

    [Fact]
    public void Parse_DuplicateNameWithExplicitIds_NamesTheEndpointKey()
    {
        var error = Declarative.Invalid("""
            _format_version: "1.1"
            services:
            - name: foo
              id: 0855b320-0dd2-547d-891d-601e9b38647f
              host: example.com
            - name: foo
              id: 0855b320-0dd2-547d-891d-601e9b38647e
              host: example.test
            """);
        JsonAssert.Equal("""{"services":[null,"uniqueness violation: 'services' entity with name set to 'foo' already declared"]}""", error.Fields);
        Assert.Equal("""declarative config is invalid: {services={[2]="uniqueness violation: 'services' entity with name set to 'foo' already declared"}}""", error.Message);
    }

    [Fact]
    public void Parse_DuplicatePrimaryKey_IsRefused()
    {
        var error = Declarative.Invalid("""
            _format_version: "1.1"
            services:
            - id: 0855b320-0dd2-547d-891d-601e9b38647f
              name: foo
              host: example.com
            - id: 0855b320-0dd2-547d-891d-601e9b38647f
              name: bar
              host: example.test
            """);
        JsonAssert.Equal(
            """{"services":[null,"uniqueness violation: 'services' entity with primary key set to '0855b320-0dd2-547d-891d-601e9b38647f' already declared"]}""",
            error.Fields);
    }

    [Fact]
    public void Parse_DuplicateOtherUniqueField_IsKeyedByEndpointKey()
    {
        var error = Declarative.Invalid("""
            _format_version: "1.1"
            consumers:
            - username: foo
              custom_id: conflict
            - username: bar
              custom_id: conflict
            """);
        JsonAssert.Equal("""{"consumers":{"bar":"uniqueness violation: 'consumers' entity with custom_id set to 'conflict' already declared"}}""", error.Fields);
        Assert.Equal("""declarative config is invalid: {consumers={bar="uniqueness violation: 'consumers' entity with custom_id set to 'conflict' already declared"}}""", error.Message);
    }

    [Fact]
    public void Parse_TwoIdenticalPluginsOnOneService_Collide()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            services:
            - name: s
              host: example.test
              plugins:
              - name: key-auth
              - name: key-auth
            """);
        Assert.Contains("uniqueness violation: 'plugins' entity with primary key set to", error.Message);
        Assert.NotNull(error.Fields["services"]![0]!["plugins"]![1]);
    }

    [Fact]
    public void Parse_UnknownPlugin_UsesKongsMessage()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            plugins:
            - name: foo
            """);
        JsonAssert.Equal("""{"plugins":[{"name":"plugin 'foo' not enabled; add it to the 'plugins' configuration property"}]}""", error.Fields);
    }

    [Fact]
    public void Parse_TransformFalse_KeepsEncodedPasswordAsWritten()
    {
        var config = Declarative.Parser.ParseText("""
            _format_version: "3.0"
            _transform: false
            consumers:
            - username: u
              basicauth_credentials:
              - username: u
                password: already-hashed
            """);
        Assert.Equal("already-hashed", config["basicauth_credentials"][0]["password"]!.GetValue<string>());
    }

    [Fact]
    public void ToEntityMap_KeysRowsById()
    {
        var config = Declarative.Parser.ParseText("""{"_format_version":"1.1","consumers":[{"username":"x"}]}""");
        var map = config.ToEntityMap();
        var id = config["consumers"][0]["id"]!.GetValue<string>();
        Assert.Equal("x", map["consumers"]![id]!["username"]!.GetValue<string>());
        Assert.Single(map);
    }

    [Fact]
    public void YamlScalars_AreTypedByTheCoreSchema()
    {
        var node = DeclarativeText.Parse("a: 1\nb: 1.5\nc: true\nd: ~\ne: \"1\"\nf: text\ng: '2'\n")!;
        JsonAssert.Equal("""{"a":1,"b":1.5,"c":true,"d":null,"e":"1","f":"text","g":"2"}""", node);
    }
}

public sealed class DeclarativeFormatTests
{
    [Theory]
    [InlineData("1.1", "/users/\\d+", "~/users/\\d+")]
    [InlineData("2.1", "/plain/path-1.0_~", "/plain/path-1.0_~")]
    [InlineData("2.1", "/caf%C3%A9/(x|y)", "~/café/(x|y)")]
    [InlineData("2.1", "/a%2Fb/.*", "~/a%2Fb/.*")]
    [InlineData("3.0", "/users/\\d+", "/users/\\d+")]
    public void Parse_OldFormatVersions_MigrateRegexPaths(string version, string path, string expected)
    {
        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["_format_version"] = version,
            ["services"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "s",
                ["host"] = "s.test",
                ["routes"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["paths"] = new System.Text.Json.Nodes.JsonArray(path) }),
            }),
        };
        var config = Declarative.Parser.Parse(document);
        Assert.Equal(expected, config["routes"][0]["paths"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Parse_NestedEntityNamingAnotherParent_IsRefused()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            services:
            - name: s
              host: s.test
              routes:
              - paths: [/]
                service: other
            """);
        Gateway.Tests.Support.JsonAssert.Equal("""{"services":[{"routes":[{"service":"value must be null"}]}]}""", error.Fields);
    }
}

public sealed class FlattenedErrorsTests
{
    [Fact]
    public void Flattened_UpstreamFieldErrors_MatchKongsShape()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            upstreams:
            - name: bad
              host_header: 123
              tags: [upstream-01]
              healthchecks:
                active:
                  concurrency: -1
            """);
        Gateway.Tests.Support.JsonAssert.Equal("{}", error.General);
        Assert.Equal("declarative config is invalid: {}", error.FlattenedMessage);
        Gateway.Tests.Support.JsonAssert.Equal("""
            [{"entity":{"name":"bad","host_header":123,"tags":["upstream-01"],"healthchecks":{"active":{"concurrency":-1}}},
              "entity_name":"bad","entity_tags":["upstream-01"],"entity_type":"upstream",
              "errors":[{"field":"healthchecks.active.concurrency","message":"value should be between 1 and 2147483648","type":"field"},
                        {"field":"host_header","message":"expected a string","type":"field"}]}]
            """, error.Flattened);
    }

    [Fact]
    public void Flattened_NestedEntityAndEntityChecks_AreTheirOwnEntries()
    {
        var error = Declarative.Invalid("""
            _format_version: "3.0"
            services:
            - name: svc
              host: example.test
              tags: [service-01]
              routes:
              - name: nope.route
                protocols: [tcp]
            """);
        Gateway.Tests.Support.JsonAssert.Equal("""
            [{"entity":{"name":"nope.route","protocols":["tcp"]},"entity_name":"nope.route","entity_type":"route",
              "errors":[{"message":"must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'","type":"entity"}]}]
            """, error.Flattened);
    }

    [Fact]
    public void Flattened_KeepsNonEntityErrorsInFields()
    {
        var error = Declarative.Invalid("_format_version: \"9\"\n");
        Gateway.Tests.Support.JsonAssert.Equal("""{"_format_version":"expected one of: 1.1, 2.1, 3.0"}""", error.General);
        Assert.Empty(error.Flattened);
    }
}

public sealed class YamlFeaturesTests
{
    [Fact]
    public void Yaml_AnchorsAliasesAndMergeKeys_AreResolved()
    {
        var node = Gateway.Storage.Declarative.DeclarativeText.Parse("base: &b\n  host: h.test\n  port: 81\ncopy: *b\nmerged:\n  <<: *b\n  port: 82\n")!;
        Gateway.Tests.Support.JsonAssert.Equal("""{"base":{"host":"h.test","port":81},"copy":{"host":"h.test","port":81},"merged":{"host":"h.test","port":82}}""", node);
    }
}
