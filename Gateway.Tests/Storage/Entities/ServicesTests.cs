using System.Text.Json.Nodes;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class ServicesTests
{
    [Fact]
    public void Insert_WithHostOnly_FillsKongsDefaults()
    {
        var service = Valid("services", """{"protocol":"http","host":"service.test"}""");

        Assert.True(Gateway.Schema.Typedefs.IsUuid(service["id"]!.GetValue<string>()));
        Assert.Null(service["name"]);
        Assert.Equal("http", (string?)service["protocol"]);
        Assert.Equal(80, (long)service["port"]!);
        Assert.Null(service["path"]);
        Assert.Equal(5, (long)service["retries"]!);
        Assert.Equal(60000, (long)service["connect_timeout"]!);
        Assert.Equal(60000, (long)service["write_timeout"]!);
        Assert.Equal(60000, (long)service["read_timeout"]!);
        Assert.True((bool)service["enabled"]!);
        Assert.Null(service["tls_verify"]);
        Assert.Null(service["tls_verify_depth"]);
        Assert.Null(service["ca_certificates"]);
        Assert.Null(service["client_certificate"]);
        Assert.True(service.ContainsKey("tags"));
        Assert.Equal((long)service["created_at"]!, (long)service["updated_at"]!);
    }

    [Fact]
    public void UrlShorthand_Https_InfersPort443()
    {
        var service = Valid("services", """{"url":"https://service.test/"}""");

        Assert.Equal("https", (string?)service["protocol"]);
        Assert.Equal("service.test", (string?)service["host"]);
        Assert.Equal(443, (long)service["port"]!);
        Assert.Equal("/", (string?)service["path"]);
        Assert.False(service.ContainsKey("url"));
    }

    [Theory]
    [InlineData("http://example.com", "http", "example.com", 80, null)]
    [InlineData("http://example.com:8080/a/b?x=1#f", "http", "example.com", 8080, "/a/b")]
    [InlineData("//example.com:443/", "https", "example.com", 443, "/")]
    [InlineData("grpcs://user:pw@example.com:9000", "grpcs", "example.com", 9000, null)]
    [InlineData("tcp://10.0.0.1", "tcp", "10.0.0.1", 80, null)]
    public void UrlShorthand_SplitsLikeLuaSocket(string url, string protocol, string host, long port, string? path)
    {
        var service = Valid("services", new JsonObject { ["url"] = url }.ToJsonString());

        Assert.Equal(protocol, (string?)service["protocol"]);
        Assert.Equal(host, (string?)service["host"]);
        Assert.Equal(port, (long)service["port"]!);
        Assert.Equal(path, (string?)service["path"]);
    }

    [Fact]
    public void UrlShorthand_InvalidUrl_GivesKongsTwoViolations()
    {
        var (fields, message) = Invalid("services", """{"url":"invalid url"}""");

        Assert.Equal("""{"host":"required field missing","path":"should start with: /"}""", fields);
        Assert.Equal("2 schema violations (host: required field missing; path: should start with: /)", message);
    }

    [Fact]
    public void Insert_Empty_MissesHost()
    {
        var (fields, message) = Invalid("services", "{}");

        Assert.Equal("""{"host":"required field missing"}""", fields);
        Assert.Equal("schema violation (host: required field missing)", message);
    }

    [Fact]
    public void UnknownField_IsRefused()
    {
        var (fields, message) = Invalid("services", """{"host":"example.com","hello":"world"}""");

        Assert.Equal("""{"hello":"unknown field"}""", fields);
        Assert.Equal("schema violation (hello: unknown field)", message);
    }

    [Theory]
    [InlineData("""{"host":"example.com","port":"80"}""", "port", "expected an integer")]
    [InlineData("""{"host":"example.com","port":80.5}""", "port", "expected an integer")]
    [InlineData("""{"host":"example.com","retries":true}""", "retries", "expected an integer")]
    [InlineData("""{"host":false}""", "host", "expected a string")]
    [InlineData("""{"host":"example.com","enabled":"yes"}""", "enabled", "expected a boolean")]
    [InlineData("""{"host":"example.com","tags":"a"}""", "tags", "expected a set")]
    [InlineData("""{"host":"example.com","protocol":"https","ca_certificates":"x"}""", "ca_certificates", "expected an array")]
    [InlineData("""{"host":"example.com","client_certificate":"x"}""", "client_certificate", "expected a record")]
    public void WrongTypes_GiveKongsMessages(string json, string field, string expected)
    {
        var (_, message) = Invalid("services", json);

        Assert.Equal($"schema violation ({field}: {expected})", message);
    }

    [Theory]
    [InlineData("""{"host":"example.com","retries":-1}""", "retries: value should be between 0 and 32767")]
    [InlineData("""{"host":"example.com","retries":32768}""", "retries: value should be between 0 and 32767")]
    [InlineData("""{"host":"example.com","port":65536}""", "port: value should be between 0 and 65535")]
    [InlineData("""{"host":"example.com","connect_timeout":0}""", "connect_timeout: value should be between 1 and 2147483646")]
    [InlineData("""{"host":"example.com","read_timeout":2147483647}""", "read_timeout: value should be between 1 and 2147483646")]
    [InlineData("""{"host":"example.com","protocol":"ftp"}""", "protocol: expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss")]
    [InlineData("""{"host":"example.com","protocol":"https","tls_verify_depth":65}""", "tls_verify_depth: value should be between 0 and 64")]
    public void OutOfRange_GivesKongsMessages(string json, string expected)
    {
        var (_, message) = Invalid("services", json);

        Assert.Equal($"schema violation ({expected})", message);
    }

    [Theory]
    [InlineData("", "length must be at least 1")]
    [InlineData("foo", "should start with: /")]
    [InlineData("/foo//bar", "must not have empty segments")]
    [InlineData("/users/|foo/profile", "invalid path: '/users/|foo/profile' (characters outside of the reserved list of RFC 3986 found)")]
    [InlineData("/some%2words", "invalid url-encoded value: '%2w'")]
    [InlineData("/some%20words%", "invalid url-encoded value: '%'")]
    [InlineData("/some%20words%a", "invalid url-encoded value: '%a'")]
    public void Path_Refusals(string path, string expected)
    {
        var (fields, _) = Invalid("services", new JsonObject { ["host"] = "example.com", ["path"] = path }.ToJsonString());

        Assert.Equal(new JsonObject { ["path"] = expected }.Relaxed(), fields);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/abcd~user~2")]
    [InlineData("/abcd%aa%10%ff%AA%FF")]
    [InlineData("/hello/path$with$!&'()*+,;=stuff")]
    [InlineData("/ovo/")]
    public void Path_Acceptances(string path)
    {
        Valid("services", new JsonObject { ["host"] = "example.com", ["path"] = path }.ToJsonString());
    }

    [Theory]
    [InlineData("/example")]
    [InlineData(".example")]
    [InlineData("example:")]
    [InlineData("mock;bin")]
    [InlineData("example.com/org")]
    [InlineData("example-.org")]
    [InlineData("example.org-")]
    [InlineData("hello..example.com")]
    [InlineData("hello-.example.com")]
    [InlineData("*example.com")]
    [InlineData("www.example*")]
    [InlineData("mock*bin.com")]
    public void Host_InvalidNames_AreRefused(string host)
    {
        var (fields, _) = Invalid("services", new JsonObject { ["host"] = host }.ToJsonString());

        Assert.Equal(new JsonObject { ["host"] = $"invalid value: {host}" }.Relaxed(), fields);
    }

    [Theory]
    [InlineData("example.com:80")]
    [InlineData("example.com:1000000")]
    public void Host_WithPort_IsRefused(string host)
    {
        var (fields, _) = Invalid("services", new JsonObject { ["host"] = host }.ToJsonString());

        Assert.Equal("""{"host":"must not have a port"}""", fields);
    }

    [Theory]
    [InlineData("hello.com")]
    [InlineData("123helloWORLD.com")]
    [InlineData("example_api.com")]
    [InlineData("localhost")]
    [InlineData("-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n")]
    [InlineData("10.0.0.1")]
    [InlineData("::1")]
    [InlineData("[2001:db8::1]")]
    public void Host_ValidNames_AreAccepted(string host)
    {
        Valid("services", new JsonObject { ["host"] = host }.ToJsonString());
    }

    [Theory]
    [InlineData("examp:le")]
    [InlineData("examp le")]
    [InlineData("examp/le")]
    public void Name_WithForbiddenAscii_IsRefused(string name)
    {
        var (fields, _) = Invalid("services", new JsonObject { ["host"] = "example.com", ["name"] = name }.ToJsonString());

        Assert.Equal(
            new JsonObject { ["name"] = $"invalid value '{name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~" }.Relaxed(),
            fields);
    }

    [Fact]
    public void Name_AcceptsUtf8()
    {
        Assert.Equal("сервис~1", (string?)Valid("services", """{"host":"example.com","name":"сервис~1"}""")["name"]);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("tls")]
    [InlineData("udp")]
    [InlineData("grpc")]
    [InlineData("grpcs")]
    public void StreamAndGrpcProtocols_RefuseAPath(string protocol)
    {
        var (fields, message) = Invalid("services", new JsonObject { ["protocol"] = protocol, ["host"] = "x.y", ["path"] = "/" }.ToJsonString());

        Assert.Equal("""{"@entity":["failed conditional validation given value of field 'protocol'"],"path":"value must be null"}""", fields);
        Assert.Equal("2 schema violations (failed conditional validation given value of field 'protocol'; path: value must be null)", message);
    }

    [Fact]
    public void TlsSettings_OnlyWithHttpsOrTls()
    {
        var (_, message) = Invalid("services", """
            {"protocol":"http","host":"example.com","client_certificate":{"id":"123e4567-e89b-12d3-a456-426655440000"}}
            """);

        Assert.Equal(
            "2 schema violations (failed conditional validation given value of field 'protocol'; client_certificate: value must be null)",
            message);

        var service = Valid("services", """
            {"protocol":"https","host":"example.com","tls_verify":true,"tls_verify_depth":3,
             "ca_certificates":["123e4567-e89b-12d3-a456-426655440000"],
             "client_certificate":{"id":"123e4567-e89b-12d3-a456-426655440000"}}
            """);
        Assert.Equal(3, (long)service["tls_verify_depth"]!);
    }

    [Fact]
    public void CaCertificates_MustBeUuids()
    {
        var (fields, message) = Invalid("services", """{"protocol":"https","host":"example.com","ca_certificates":["123e4567-e89b-12d3-a456-426655440000","nope"]}""");

        Assert.Equal("""{"ca_certificates":[null,"expected a valid UUID"]}""", fields);
        Assert.Equal("schema violation (ca_certificates.2: expected a valid UUID)", message);
    }

    [Fact]
    public void Patch_KeepsOtherFields_AndChecksTheResult()
    {
        var existing = Valid("services", """{"url":"https://example.com/api"}""");

        var (patched, errors) = Update("services", existing, """{"protocol":"tcp"}""");

        Assert.Null(patched);
        Assert.Equal("""{"@entity":["failed conditional validation given value of field 'protocol'"],"path":"value must be null"}""", errors.ToJson().Relaxed());
    }

    [Fact]
    public void Tags_RefuseCommasAndSlashes()
    {
        var (fields, _) = Invalid("services", """{"host":"example.com","tags":["ok tag","a,b"]}""");

        Assert.Equal("""{"tags":[null,"invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"]}""", fields);
        Valid("services", """{"host":"example.com","tags":["a<b>|{c}","ünïcode"]}""");
    }
}
