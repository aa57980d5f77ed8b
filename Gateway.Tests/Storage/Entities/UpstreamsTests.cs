using System.Text.Json.Nodes;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class UpstreamsTests
{
    private const string DefaultHealthchecks = """
        {"active":{"type":"http","timeout":1,"concurrency":10,"http_path":"/","https_sni":null,"https_verify_certificate":true,"headers":null,
        "healthy":{"interval":0,"http_statuses":[200,302],"successes":0},
        "unhealthy":{"interval":0,"http_statuses":[429,404,500,501,502,503,504,505],"tcp_failures":0,"timeouts":0,"http_failures":0}},
        "passive":{"type":"http",
        "healthy":{"http_statuses":[200,201,202,203,204,205,206,207,208,226,300,301,302,303,304,305,306,307,308],"successes":0},
        "unhealthy":{"http_statuses":[429,500,503],"tcp_failures":0,"timeouts":0,"http_failures":0}},
        "threshold":0}
        """;

    [Fact]
    public void Insert_FillsKongsDefaults_IncludingHealthchecks()
    {
        var upstream = Valid("upstreams", """{"name":"my-upstream"}""");

        Assert.Equal("round-robin", (string?)upstream["algorithm"]);
        Assert.Equal("none", (string?)upstream["hash_on"]);
        Assert.Equal("none", (string?)upstream["hash_fallback"]);
        Assert.Equal("/", (string?)upstream["hash_on_cookie_path"]);
        Assert.Equal(10000, (long)upstream["slots"]!);
        Assert.False((bool)upstream["use_srv_name"]!);
        Assert.Null(upstream["host_header"]);
        Assert.Null(upstream["client_certificate"]);
        Assert.Null(upstream["hash_on_header"]);
        Assert.Null(upstream["hash_on_query_arg"]);
        Assert.Null(upstream["hash_fallback_uri_capture"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DefaultHealthchecks), upstream["healthchecks"]), upstream["healthchecks"]!.ToJsonString());
    }

    [Fact]
    public void Insert_PartialHealthchecks_KeepsOtherDefaults()
    {
        var upstream = Valid("upstreams", """{"name":"u","healthchecks":{"active":{"timeout":5,"healthy":{"interval":2}},"threshold":50}}""");

        var expected = JsonNode.Parse(DefaultHealthchecks)!;
        expected["active"]!["timeout"] = 5;
        expected["active"]!["healthy"]!["interval"] = 2;
        expected["threshold"] = 50;
        Assert.True(JsonNode.DeepEquals(expected, upstream["healthchecks"]), upstream["healthchecks"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"name":"u","healthchecks":{"threshold":101}}""", "healthchecks.threshold: value should be between 0 and 100")]
    [InlineData("""{"name":"u","slots":9}""", "slots: value should be between 10 and 65536")]
    [InlineData("""{"name":"u","algorithm":"random"}""", "algorithm: expected one of: consistent-hashing, least-connections, round-robin, latency")]
    [InlineData("""{"name":"u","hash_on":"body"}""", "hash_on: expected one of: none, consumer, ip, header, cookie, path, query_arg, uri_capture")]
    public void Refusals_CarryKongsMessages(string json, string expected)
    {
        Assert.Equal($"schema violation ({expected})", Invalid("upstreams", json).Message);
    }

    [Theory]
    [InlineData("""{"name":"u","healthchecks":{"active":{"type":"udp"}}}""", """{"healthchecks":{"active":{"type":"expected one of: tcp, http, https, grpc, grpcs"}}}""")]
    [InlineData("""{"name":"u","healthchecks":{"active":{"concurrency":0}}}""", """{"healthchecks":{"active":{"concurrency":"value should be between 1 and 2147483648"}}}""")]
    [InlineData("""{"name":"u","healthchecks":{"passive":{"unhealthy":{"http_statuses":[500,99]}}}}""", """{"healthchecks":{"passive":{"unhealthy":{"http_statuses":[null,"value should be between 100 and 999"]}}}}""")]
    [InlineData("""{"name":"u","healthchecks":{"active":{"http_path":"x"}}}""", """{"healthchecks":{"active":{"http_path":"should start with: /"}}}""")]
    public void NestedHealthcheckErrors_AreNested(string json, string expected)
    {
        Assert.Equal(expected, Invalid("upstreams", json).Fields);
    }

    [Theory]
    [InlineData("", "length must be at least 1")]
    [InlineData("10.0.0.1", "Invalid name ('10.0.0.1'); no ip addresses allowed")]
    [InlineData("::1", "Invalid name ('::1'); no ip addresses allowed")]
    [InlineData("example.com:80", "Invalid name ('example.com:80'); no port allowed")]
    [InlineData("bad name", "Invalid name ('bad name'); must be a valid hostname")]
    public void Name_IsAHostnameWithoutIpOrPort(string name, string expected)
    {
        Assert.Equal(new JsonObject { ["name"] = expected }.Relaxed(), Invalid("upstreams", new JsonObject { ["name"] = name }.ToJsonString()).Fields);
    }

    [Fact]
    public void Name_IsRequired()
    {
        Assert.Equal("""{"name":"required field missing"}""", Invalid("upstreams", "{}").Fields);
    }

    [Fact]
    public void HashOnHeader_NeedsTheHeaderName()
    {
        var (fields, message) = Invalid("upstreams", """{"name":"u","algorithm":"consistent-hashing","hash_on":"header"}""");

        Assert.Equal("""{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_on_header":"required field missing"}""", fields);
        Assert.Equal("2 schema violations (failed conditional validation given value of field 'hash_on'; hash_on_header: required field missing)", message);
    }

    [Fact]
    public void HashFallback_NeedsAPrimary_AndDiffersFromIt()
    {
        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_fallback":"expected one of: none"}""",
            Invalid("upstreams", """{"name":"u","hash_fallback":"ip"}""").Fields);

        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_fallback":"expected one of: none, consumer, header, cookie, path, query_arg, uri_capture"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"ip","hash_fallback":"ip"}""").Fields);

        Valid("upstreams", """{"name":"u","hash_on":"ip","hash_fallback":"consumer"}""");
    }

    [Fact]
    public void HashHeaders_MustBeDistinct()
    {
        var (fields, _) = Invalid("upstreams", """{"name":"u","hash_on":"header","hash_on_header":"x-a","hash_fallback":"header","hash_fallback_header":"x-a"}""");

        Assert.Equal("""{"@entity":["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"]}""", fields);
    }

    [Fact]
    public void HashOnCookie_NeedsTheCookieName_AndAllowsNoFallback()
    {
        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_on_cookie":"required field missing"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"cookie"}""").Fields);
        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_fallback":"expected one of: none"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"cookie","hash_on_cookie":"c","hash_fallback":"ip"}""").Fields);
        Assert.Equal(
            """{"hash_on_cookie":"bad cookie name 'a b', allowed characters are A-Z, a-z, 0-9, '_', and '-'"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"cookie","hash_on_cookie":"a b"}""").Fields);
    }

    [Fact]
    public void HashOnQueryArgAndUriCapture_NeedTheirNames()
    {
        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_on'"],"hash_on_query_arg":"required field missing"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"query_arg"}""").Fields);
        Assert.Equal(
            """{"@entity":["failed conditional validation given value of field 'hash_fallback'"],"hash_fallback_uri_capture":"required field missing"}""",
            Invalid("upstreams", """{"name":"u","hash_on":"ip","hash_fallback":"uri_capture"}""").Fields);
        Valid("upstreams", """{"name":"u","hash_on":"query_arg","hash_on_query_arg":"user","hash_fallback":"uri_capture","hash_fallback_uri_capture":"id"}""");
    }

    [Fact]
    public void HostHeader_MayHaveAPort()
    {
        Assert.Equal("example.com:8080", (string?)Valid("upstreams", """{"name":"u","host_header":"example.com:8080"}""")["host_header"]);
        Assert.Equal("""{"host_header":"invalid hostname: a b"}""", Invalid("upstreams", """{"name":"u","host_header":"a b"}""").Fields);
    }
}
