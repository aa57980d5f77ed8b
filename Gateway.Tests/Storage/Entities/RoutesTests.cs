using System.Text.Json.Nodes;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class RoutesTests
{
    private const string ServiceId = "5abfe322-9fc1-4e0e-bfa3-007f5b9ac4b4";

    private static string Route(string protocols, string paths) =>
        new JsonObject { ["protocols"] = JsonNode.Parse(protocols), ["paths"] = JsonNode.Parse(paths) }.ToJsonString();

    [Fact]
    public void Insert_Empty_NeedsAMatchingAttribute_WithKongsText()
    {
        var (fields, message) = Invalid("routes", "{}");

        Assert.Equal("""{"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"]}""", fields);
        Assert.Equal("schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')", message);
    }

    [Fact]
    public void Insert_HttpOnly_NeedsAMatchingAttribute_WithoutSnis()
    {
        var (fields, _) = Invalid("routes", """{"protocols":["http"]}""");

        Assert.Equal("""{"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"]}""", fields);
    }

    [Fact]
    public void Insert_FillsKongsDefaults()
    {
        var route = Valid("routes", "{\"paths\":[\"/foo\"],\"service\":{\"id\":\"" + ServiceId + "\"}}");

        Assert.Null(route["name"]);
        Assert.Equal("""["http","https"]""", route["protocols"]!.ToJsonString());
        Assert.Null(route["methods"]);
        Assert.Null(route["hosts"]);
        Assert.Null(route["headers"]);
        Assert.Null(route["snis"]);
        Assert.Null(route["sources"]);
        Assert.Null(route["destinations"]);
        Assert.Equal("""["/foo"]""", route["paths"]!.ToJsonString());
        Assert.Equal(0, (long)route["regex_priority"]!);
        Assert.True((bool)route["strip_path"]!);
        Assert.False((bool)route["preserve_host"]!);
        Assert.True((bool)route["request_buffering"]!);
        Assert.True((bool)route["response_buffering"]!);
        Assert.Equal(426, (long)route["https_redirect_status_code"]!);
        Assert.Equal("v0", (string?)route["path_handling"]);
        Assert.Equal(ServiceId, (string?)route["service"]!["id"]);
    }

    [Theory]
    [InlineData("""{"methods":["GET"]}""")]
    [InlineData("""{"hosts":["x.y"]}""")]
    [InlineData("""{"headers":{"location":["location-1"]}}""")]
    [InlineData("""{"paths":["/"],"service":null}""")]
    public void ServiceIsOptional_AndAnyMatcherSuffices(string json)
    {
        Assert.Null(Valid("routes", json)["service"]);
    }

    [Theory]
    [InlineData("""["http","tcp"]""", "('http', 'https'), ('tcp', 'tls', 'udp')")]
    [InlineData("""["https","tls"]""", "('http', 'https'), ('tcp', 'tls', 'udp')")]
    [InlineData("""["grpc","http"]""", "('http', 'https'), ('grpc', 'grpcs')")]
    [InlineData("""["tls_passthrough","tls"]""", "('tcp', 'tls', 'udp'), ('tls_passthrough')")]
    public void Protocols_FromDifferentFamilies_AreRefused(string protocols, string sets)
    {
        var (fields, _) = Invalid("routes", Route(protocols, """["/"]"""));

        Assert.Equal(new JsonObject { ["protocols"] = $"these sets are mutually exclusive: {sets}" }.Relaxed(), fields);
    }

    [Fact]
    public void Protocols_EmptyOrUnknown_AreRefused()
    {
        Assert.Equal("""{"protocols":"length must be at least 1"}""", Invalid("routes", Route("[]", """["/"]""")).Fields);
        Assert.Equal(
            """{"protocols":["expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss"]}""",
            Invalid("routes", Route("""["ftp"]""", """["/"]""")).Fields);
    }

    [Fact]
    public void HttpsRedirectStatusCode_IsOneOfKongs()
    {
        var (_, message) = Invalid("routes", """{"paths":["/"],"https_redirect_status_code":404}""");

        Assert.Equal("schema violation (https_redirect_status_code: expected one of: 426, 301, 302, 307, 308)", message);
        Assert.Equal(308, (long)Valid("routes", """{"paths":["/"],"https_redirect_status_code":308}""")["https_redirect_status_code"]!);
    }

    [Fact]
    public void PathHandling_IsV0OrV1()
    {
        Assert.Equal("schema violation (path_handling: expected one of: v0, v1)", Invalid("routes", """{"paths":["/"],"path_handling":"v2"}""").Message);
    }

    [Theory]
    [InlineData("foo", "should start with: / (fixed path) or ~/ (regex path)")]
    [InlineData("~foo", "should start with: / (fixed path) or ~/ (regex path)")]
    [InlineData("", "length must be at least 1")]
    [InlineData("/foo//bar", "must not have empty segments")]
    [InlineData("//foo/bar", "must not have empty segments")]
    [InlineData("/some%2words", "invalid url-encoded value: '%2w'")]
    [InlineData("/some%20words%ax", "invalid url-encoded value: '%ax'")]
    [InlineData("/foo/../bar", "non-normalized path, consider use '/bar' instead")]
    [InlineData("/foo/%7euser", "non-normalized path, consider use '/foo/~user' instead")]
    [InlineData("/a%2fb", "non-normalized path, consider use '/a%2Fb' instead")]
    public void Paths_Refusals(string path, string expected)
    {
        var (fields, _) = Invalid("routes", new JsonObject { ["paths"] = new JsonArray(path) }.ToJsonString());

        Assert.Equal(new JsonObject { ["paths"] = new JsonArray(expected) }.Relaxed(), fields);
    }

    [Fact]
    public void Paths_InvalidRegex_IsRefused_WithKongsPrefix()
    {
        var (result, errors) = Insert("routes", """{"paths":["~/users/(foo/profile"]}""");

        Assert.Null(result);
        var message = errors.ToJson()["paths"]![0]!.GetValue<string>();
        Assert.StartsWith("invalid regex: '/users/(foo/profile' (PCRE returned: ", message);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/abcd~user~2")]
    [InlineData("/ovo/")]
    [InlineData("/with space")]
    [InlineData("~/users/(?<id>\\d+)/profile$")]
    [InlineData("~/version/\\d+")]
    public void Paths_Acceptances(string path)
    {
        Valid("routes", new JsonObject { ["paths"] = new JsonArray(path) }.ToJsonString());
    }

    [Fact]
    public void Paths_ReportEachBadElement()
    {
        var (fields, message) = Invalid("routes", """{"paths":["/ok","/foo//bar","bar"]}""");

        Assert.Equal("""{"paths":[null,"must not have empty segments","should start with: / (fixed path) or ~/ (regex path)"]}""", fields);
        Assert.Equal("2 schema violations (paths.2: must not have empty segments; paths.3: should start with: / (fixed path) or ~/ (regex path))", message);
    }

    [Theory]
    [InlineData("/example", "invalid hostname: /example")]
    [InlineData(".example", "invalid hostname: .example")]
    [InlineData("mock;bin", "invalid hostname: mock;bin")]
    [InlineData("example-.org", "invalid hostname: example-.org")]
    [InlineData("hello..example.com", "invalid hostname: hello..example.com")]
    [InlineData("example.com:1000000", "invalid port number")]
    [InlineData("*example.com", "invalid wildcard: must be placed at leftmost or rightmost label")]
    [InlineData("www.example*", "invalid wildcard: must be placed at leftmost or rightmost label")]
    [InlineData("mock*bin.com", "invalid wildcard: must be placed at leftmost or rightmost label")]
    [InlineData("*.example.*", "invalid wildcard: must have at most one wildcard")]
    [InlineData("**.example.com", "invalid wildcard: must have at most one wildcard")]
    [InlineData("", "length must be at least 1")]
    public void Hosts_Refusals(string host, string expected)
    {
        var (fields, _) = Invalid("routes", new JsonObject { ["hosts"] = new JsonArray(host) }.ToJsonString());

        Assert.Equal(new JsonObject { ["hosts"] = new JsonArray(expected) }.Relaxed(), fields);
    }

    [Theory]
    [InlineData("hello.com")]
    [InlineData("example.com:8080")]
    [InlineData("*.example.com")]
    [InlineData("example.*")]
    [InlineData("localhost")]
    [InlineData("10.0.0.1")]
    public void Hosts_Acceptances(string host)
    {
        Valid("routes", new JsonObject { ["hosts"] = new JsonArray(host) }.ToJsonString());
    }

    [Fact]
    public void Methods_MustBeUpperCase()
    {
        var (fields, _) = Invalid("routes", """{"methods":["GET","get"]}""");

        Assert.Equal("""{"methods":[null,"invalid value: get"]}""", fields);
    }

    [Theory]
    [InlineData("""{"headers":{"Host":["example.com"]}}""", "cannot contain 'host' header, which must be specified in the 'hosts' attribute")]
    [InlineData("""{"headers":{"hOsT":["example.com"]}}""", "cannot contain 'host' header, which must be specified in the 'hosts' attribute")]
    [InlineData("""{"headers":{"x y":["1"]}}""", "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'")]
    [InlineData("""{"headers":{"x-a":"1"}}""", "expected an array")]
    public void Headers_Refusals(string json, string expected)
    {
        var (fields, _) = Invalid("routes", json);

        Assert.Equal(new JsonObject { ["headers"] = expected }.Relaxed(), fields);
    }

    [Fact]
    public void Snis_OnlyWithTlsProtocols()
    {
        var (fields, message) = Invalid("routes", """{"protocols":["http"],"hosts":["example.com"],"snis":["example.com"]}""");

        Assert.Equal(
            """{"@entity":["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],"snis":"length must be 0"}""",
            fields);
        Assert.Equal(
            "2 schema violations ('snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'; snis: length must be 0)",
            message);

        Valid("routes", """{"protocols":["https"],"snis":["*.example.com"]}""");
    }

    [Theory]
    [InlineData("""{"snis":["example.com:443"]}""", "must not have a port")]
    [InlineData("""{"snis":["10.0.0.1"]}""", "must not be an IP")]
    [InlineData("""{"snis":["a.*.com"]}""", "wildcard must be leftmost or rightmost character")]
    public void Snis_AreWildcardHosts(string json, string expected)
    {
        var (fields, _) = Invalid("routes", json);

        Assert.Equal(new JsonObject { ["snis"] = new JsonArray(expected) }.Relaxed(), fields);
    }

    [Fact]
    public void StreamRoutes_NeedSourcesDestinationsOrSnis_AndRefuseHttpMatchers()
    {
        Assert.Equal(
            """{"@entity":["must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"]}""",
            Invalid("routes", """{"protocols":["tcp"]}""").Fields);

        Assert.Equal(
            """{"@entity":["must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"],"paths":"cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"}""",
            Invalid("routes", """{"protocols":["tcp"],"paths":["/"]}""").Fields);

        Assert.Equal(
            """{"@entity":["must set snis when 'protocols' is 'tls_passthrough'"]}""",
            Invalid("routes", """{"protocols":["tls_passthrough"]}""").Fields);

        var route = Valid("routes", """{"protocols":["tcp"],"sources":[{"ip":"10.0.0.0/8"},{"port":1234}],"destinations":[{"ip":"::1","port":80}]}""");

        // Record elements of a set are stored as given (the engine does not fill their missing fields with null).
        Assert.Equal("""[{"ip":"10.0.0.0/8"},{"port":1234}]""", route["sources"]!.ToJsonString());
    }

    [Fact]
    public void StreamRoutes_SourcesNeedIpOrPort()
    {
        // The engine reports a bad record element as "invalid value" where Kong nests the field's message.
        Assert.Equal("""{"sources":["invalid value"]}""", Invalid("routes", """{"protocols":["tcp"],"sources":[{"ip":"nope"}]}""").Fields);
        Assert.Equal("""{"sources":[null,"invalid value"]}""", Invalid("routes", """{"protocols":["tcp"],"sources":[{"port":1},{}]}""").Fields);
    }

    [Fact]
    public void HttpRoutes_RefuseSources()
    {
        var (fields, _) = Invalid("routes", """{"paths":["/"],"sources":[{"ip":"10.0.0.1"}]}""");

        Assert.Equal("""{"sources":"cannot set 'sources' when 'protocols' is 'http' or 'https'"}""", fields);
    }

    [Fact]
    public void GrpcRoutes_DefaultStripPathToFalse_AndRefuseStripPathAndMethods()
    {
        var route = Valid("routes", """{"protocols":["grpc"],"paths":["/"]}""");
        Assert.False((bool)route["strip_path"]!);

        Assert.Equal(
            """{"methods":"cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'","strip_path":"cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"}""",
            Invalid("routes", """{"protocols":["grpc"],"paths":["/"],"methods":["GET"],"strip_path":true}""").Fields);

        Assert.Equal(
            """{"@entity":["must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'grpcs'"]}""",
            Invalid("routes", """{"protocols":["grpcs"]}""").Fields);
    }

    [Fact]
    public void Service_WithBadId_IsRefused()
    {
        Assert.Equal("""{"service":{"id":"expected a valid UUID"}}""", Invalid("routes", """{"paths":["/"],"service":{"id":"blergh"}}""").Fields);
        Assert.Equal("""{"service":{"id":"missing primary key"}}""", Invalid("routes", """{"paths":["/"],"service":{}}""").Fields);
    }

    [Fact]
    public void Patch_KeepsStripPath()
    {
        var existing = Valid("routes", """{"paths":["/"],"strip_path":false}""");

        var (patched, errors) = Update("routes", existing, """{"hosts":["example.com"]}""");

        Assert.True(errors.IsEmpty, errors.IsEmpty ? null : errors.ToMessage());
        Assert.False((bool)patched!["strip_path"]!);
    }
}
