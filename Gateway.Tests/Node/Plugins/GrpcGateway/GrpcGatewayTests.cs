using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Node.Plugins.Grpc;

namespace Gateway.Tests.Node.Plugins.GrpcGateway;

/// <summary>The node's grpc-gateway routes for <see cref="GrpcGatewayTests"/>.</summary>
public sealed class GrpcGatewayNode : GrpcNodeFixture
{
    protected override async Task ConfigureAsync()
    {
        await RouteAsync("""{"paths":["/v1","/v2"],"strip_path":false}""", "grpc-gateway", new JsonObject { ["proto"] = GreeterBackend.ProtoPath });
        await RouteAsync("""{"paths":["/noproto"]}""", "grpc-gateway", []);
    }
}

/// <summary>grpc-gateway through a node to a real gRPC service (Kong's spec/03-plugins/28-grpc-gateway): REST in, gRPC upstream, JSON out.</summary>
public sealed class GrpcGatewayTests(GrpcGatewayNode fixture) : IClassFixture<GrpcGatewayNode>
{
    [Fact]
    public async Task Get_PathVariableAndQueryArguments_BecomeTheMessage()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Get, "/v1/lookup/note/people/ann?times=2&shout=1&unbound=x&nested.other=y");

        Assert.True(200 == status, body);
        Assert.Equal("""{"message":"HELLO PEOPLE/ANN (NOTE) HELLO PEOPLE/ANN (NOTE)","shouted":true}""", body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Get_DefaultsAreAnswered_AsKongDoes()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/v1/greetings/john_doe");

        Assert.Equal(200, status);
        Assert.Equal("""{"message":"hello john_doe","shouted":false}""", body);
    }

    [Theory]
    [InlineData("GET", "/v1/messages/m-1?revision=2", null, "id=m-1 revision=2 text=")]
    [InlineData("GET", "/v2/m-2?revision=3", null, "id=m-2 revision=3 text=")]
    [InlineData("POST", "/v2/messages", """{"id":"m-3","text":"hi"}""", "id=m-3 revision=0 text=hi")]
    [InlineData("DELETE", "/v2/m-4/5", null, "id=m-4 revision=5 text=")]
    [InlineData("PUT", "/v2/m-5", "\"body\"", "id=m-5 revision=0 text=body")]
    public async Task EveryBinding_OfOneRpc_ReachesTheBackend_WithItsFields(string method, string path, string? json, string expected)
    {
        var (status, body, _) = await SendAsync(new HttpMethod(method), path, json);

        Assert.True(200 == status, body);
        Assert.Equal($$"""{"message":"{{expected}}"}""", body);
    }

    [Fact]
    public async Task Post_BodyStar_FillsEveryField()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/v1/greetings", """{"name":"bo","nested":{"note":"n"}}""");

        Assert.Equal(200, status);
        Assert.Equal("""{"message":"hello bo (n)","shouted":false}""", body);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task BodyField_GoesToThatField_AndThePathToTheRest(string method)
    {
        var (status, body, _) = await SendAsync(new HttpMethod(method), "/v1/users/u-1/profile", """{"bio":"hi","tags":["a","b"]}""");

        Assert.Equal(200, status);
        Assert.Equal("""{"user_id":"u-1","bio":"hi","tags":["a","b"]}""", body);
    }

    [Fact]
    public async Task Delete_Int64PathVariable()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Delete, "/v1/items/9007199254740993");

        Assert.Equal(200, status);
        Assert.Equal("""{"message":"deleted 9007199254740993","shouted":false}""", body);
    }

    [Fact]
    public async Task AllTypes_EchoRoundTrip()
    {
        const string json = """{"f_double":2.5,"f_float":1.25,"f_int64":"-1","f_uint64":"2","f_int32":3,"f_fixed64":"4","f_fixed32":5,"f_bool":true,"f_string":"s","f_bytes":"AQI=","f_uint32":6,"f_sfixed32":-7,"f_sfixed64":"-8","f_sint32":-9,"f_sint64":"-10","color":"GREEN","numbers":[1],"words":["x"],"counts":{"k":"1"},"by_id":{"1":{"note":"one"}},"nested":{"note":"n"},"items":[],"text":"t","when":"2001-02-03T04:05:06","maybe":0,"colors":["RED"]}""";

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/v1/echo", json);

        Assert.Equal(200, status);
        Assert.Equal(json, body);
    }

    [Theory]
    [InlineData(5, 404)]
    [InlineData(3, 400)]
    [InlineData(7, 403)]
    [InlineData(12, 500)]
    [InlineData(14, 503)]
    [InlineData(16, 401)]
    public async Task GrpcStatus_IsMappedToKongsHttpStatus_WithTheGrpcHeaders(int code, int expected)
    {
        var (status, body, response) = await SendAsync(HttpMethod.Get, $"/v1/fail/{code}?reason=went+wrong");

        Assert.Equal(expected, status);
        Assert.Equal("", body);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("grpc-status").Single());
        Assert.Equal("went wrong", response.Headers.GetValues("grpc-message").Single());
    }

    [Theory]
    [InlineData("GET", "/v1/greetings/a/b", null, "failed to transcode .proto file Unknown path \"/v1/greetings/a/b\"")]
    [InlineData("DELETE", "/v1/greetings/a", null, "failed to transcode .proto file Unknown path \"/v1/greetings/a\"")]
    [InlineData("GET", "/noproto/x", null, "transcoding requests require a .proto file defining the service")]
    [InlineData("POST", "/v1/greetings", """{"name":null}""", "field \"name\": null is not a valid value")]
    [InlineData("POST", "/v1/greetings", """{"nmae":"x"}""", "unknown field \"nmae\" in message gatewaytest.HelloRequest")]
    [InlineData("POST", "/v1/greetings", """["x"]""", "body must be a table")]
    [InlineData("POST", "/v1/greetings", """{"times":"many"}""", "field \"times\": invalid int32 value many")]
    [InlineData("GET", "/v1/fail/abc", null, "field \"code\": invalid int32 value abc")]
    public async Task BadRequests_Are400_WithTheReason(string method, string path, string? json, string message)
    {
        var (status, body, _) = await SendAsync(new HttpMethod(method), path, json);

        Assert.Equal(400, status);
        Assert.Equal(message, body);
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\"}")]
    [InlineData("\u00ff")]
    public async Task BadJson_Is400(string json)
    {
        var (status, _, _) = await SendAsync(HttpMethod.Post, "/v1/greetings", json);

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Preflight_IsAnsweredAsKongDoes()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Options, "/v1/greetings");

        Assert.Equal(200, status);
        Assert.Equal("OK", body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("GET,POST,PATCH,DELETE", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task UnparsableProto_IsASchemaViolation()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.proto");
        await File.WriteAllTextAsync(file, "syntax = \"proto3\";\nservice S { rpc M(In) returns (Out); }\n");
        try
        {
            var (status, body) = await fixture.Node.CallAsync(HttpMethod.Post, "/plugins", new JsonObject { ["name"] = "grpc-gateway", ["config"] = new JsonObject { ["proto"] = file } }.ToJsonString());

            Assert.Equal(400, status);
            Assert.StartsWith($"cannot parse the .proto file '{file}': ", body!["fields"]!["config"]!["proto"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            request.Content.Headers.ContentType = new("application/json");
        }

        var response = await fixture.Node.Proxy.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }
}
