using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Gateway.Tests.Node.Plugins.Grpc;
using Gatewaytest;
using Google.Protobuf;

namespace Gateway.Tests.Node.Plugins.GrpcWeb;

/// <summary>The node's grpc-web routes for <see cref="GrpcWebTests"/>.</summary>
public sealed class GrpcWebNode : GrpcNodeFixture
{
    protected override async Task ConfigureAsync()
    {
        await RouteAsync("""{"paths":["/gatewaytest.Greeter"],"strip_path":false}""", "grpc-web", new JsonObject { ["proto"] = GreeterBackend.ProtoPath });
        await RouteAsync("""{"paths":["/prefix"]}""", "grpc-web", new JsonObject { ["proto"] = GreeterBackend.ProtoPath, ["pass_stripped_path"] = true, ["allow_origin_header"] = "https://app.test" });
        await RouteAsync("""{"paths":["/noproto"]}""", "grpc-web", []);
    }
}

/// <summary>grpc-web through a node to a real gRPC service (Kong's spec/03-plugins/32-grpc-web), over HTTP/1.1 as browsers' grpc-web clients send it.</summary>
public sealed class GrpcWebTests(GrpcWebNode fixture) : IClassFixture<GrpcWebNode>
{
    private static readonly byte[] HelloRequest = GrpcFrames.Frame(GrpcFrames.Message, new HelloRequest { Name = "heya" }.ToByteArray());

    private static byte[] Ok => GrpcFrames.Frame(GrpcFrames.Trailers, "grpc-status:0\r\ngrpc-message:\r\n"u8);

    [Fact]
    public async Task Binary_RoundTrip_AnswersTheMessageThenTheTrailerFrame()
    {
        using var response = await PostAsync("/gatewaytest.Greeter/SayHello", "application/grpc-web+proto", HelloRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc-web+proto", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HelloReply("hello heya"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Text_RoundTrip_IsBase64_WithTheTrailerFrameEncodedOnItsOwn()
    {
        // Kong's spec: "AAAAAAYKBGhleWE=" is SayHello{greeting:"heya"}; here field 1 is name.
        using var response = await PostAsync("/gatewaytest.Greeter/SayHello", "application/grpc-web-text", Encoding.ASCII.GetBytes(Convert.ToBase64String(HelloRequest)));

        Assert.Equal("application/grpc-web-text", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(
            "AAAAAAwKCmhlbGxvIGhleWE=" + "gAAAAB5ncnBjLXN0YXR1czowDQpncnBjLW1lc3NhZ2U6DQo=",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAProto_BinaryStillPasses_ToTheStrippedPath()
    {
        using var response = await PostAsync("/noproto/gatewaytest.Greeter/SayHello", "application/grpc-web", HelloRequest);

        Assert.Equal(HelloReply("hello heya"), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Json_Framed_IsTranscodedBothWays()
    {
        using var response = await PostAsync("/gatewaytest.Greeter/SayHello", "application/grpc-web+json", GrpcFrames.Frame(GrpcFrames.Message, """{"name":"heya","shout":true}"""u8));

        byte[] expected = [.. GrpcFrames.Frame(GrpcFrames.Message, """{"message":"HELLO HEYA","shouted":true}"""u8), .. Ok];
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PlainJson_OnAStrippedPath_IsTranscodedWithoutFraming()
    {
        using var response = await PostAsync("/prefix/gatewaytest.Greeter/SayHello", "application/json", """{"name":"heya"}"""u8.ToArray());

        Assert.Equal("""{"message":"hello heya","shouted":false}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("https://app.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task ServerStreaming_EveryMessageArrives_ThenTheTrailers()
    {
        using var response = await PostAsync("/gatewaytest.Greeter/Count", "application/grpc-web-text+json", Encoding.ASCII.GetBytes(Convert.ToBase64String(GrpcFrames.Frame(GrpcFrames.Message, """{"up_to":3}"""u8))));

        byte[] expected = [.. GrpcFrames.Frame(0, """{"message":"1","shouted":false}"""u8), .. GrpcFrames.Frame(0, """{"message":"2","shouted":false}"""u8), .. GrpcFrames.Frame(0, """{"message":"3","shouted":false}"""u8)];
        Assert.Equal(Convert.ToBase64String(expected) + Convert.ToBase64String(Ok), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GrpcError_ComesBackInTheTrailerFrame()
    {
        using var response = await PostAsync("/gatewaytest.Greeter/Fail", "application/grpc-web+proto", GrpcFrames.Frame(0, new FailRequest { Code = 5, Reason = "no such thing" }.ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GrpcFrames.Frame(GrpcFrames.Trailers, "grpc-status:5\r\ngrpc-message:no such thing\r\n"u8), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Preflight_IsAnsweredAsKongDoes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/prefix/gatewaytest.Greeter/SayHello");
        using var response = await fixture.Node.Proxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/grpc-web-text+proto", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("https://app.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("content-type,x-grpc-web,x-user-agent", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Theory]
    [InlineData("/gatewaytest.Greeter/Nope", "application/json", """{"name":"x"}""", "Unkown path \"/gatewaytest.Greeter/Nope\"")]
    [InlineData("/noproto/gatewaytest.Greeter/SayHello", "application/grpc-web+json", """{"name":"x"}""", "transcoding requests require a .proto file defining the service")]
    [InlineData("/gatewaytest.Greeter/SayHello", "application/json", """{"name":5}""", "field \"name\": invalid string value 5")]
    [InlineData("/gatewaytest.Greeter/SayHello", "application/json", """{"unknown":1}""", "unknown field \"unknown\" in message gatewaytest.HelloRequest")]
    [InlineData("/gatewaytest.Greeter/SayHello", "application/grpc-web-text", "not base64!", "the body is not valid base64")]
    public async Task BadRequests_Are400_WithTheReason(string path, string contentType, string body, string message)
    {
        using var response = await PostAsync(path, contentType, Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\"}")]
    public async Task BadJson_Is400(string json)
    {
        using var response = await PostAsync("/gatewaytest.Greeter/SayHello", "application/json", Encoding.UTF8.GetBytes(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MissingProto_IsASchemaViolation()
    {
        var (status, body) = await fixture.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"grpc-web","config":{"proto":"/nonexistent/x.proto"}}""");

        Assert.Equal(400, status);
        Assert.Equal("schema violation", body!["name"]!.GetValue<string>());
        Assert.Equal("cannot read the .proto file '/nonexistent/x.proto': no such file", body["fields"]!["config"]!["proto"]!.GetValue<string>());
    }

    /// <summary>What the client gets for a SayHello answering <paramref name="message"/>: its frame, then a status 0 trailer frame.</summary>
    private static byte[] HelloReply(string message) => [.. GrpcFrames.Frame(GrpcFrames.Message, new HelloReply { Message = message }.ToByteArray()), .. Ok];

    private Task<HttpResponseMessage> PostAsync(string path, string contentType, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return fixture.Node.Proxy.SendAsync(request);
    }
}
