using Gateway.Node.Plugins.Grpc;
using Gateway.Node.Plugins.GrpcGateway;
using Gateway.Tests.Node.Plugins.Grpc;

namespace Gateway.Tests.Node.Plugins.GrpcGateway;

/// <summary>google.api.http rules read from gatewaytest.proto and their path templates, as Kong's deco.lua compiles them.</summary>
public class HttpBindingTests
{
    private static readonly HttpBinding[] Bindings = [.. ProtoFile.Load(GreeterBackend.ProtoPath).Methods.SelectMany(HttpBinding.Of)];

    [Fact]
    public void Of_ReadsTheRuleAndItsAdditionalBindings_InOrder()
    {
        Assert.Equal(
            ["get SayHello -", "post SayHello *", "get SayHello -", "put UpdateProfile profile", "patch UpdateProfile profile", "delete DeleteItem -", "get Fail -", "post Echo *"],
            Bindings.Select(b => $"{b.Method} {b.Call.Method.Name} {b.Body ?? "-"}"));
    }

    [Theory]
    [InlineData("/v1/lookup/n/people/ann", "nested.note=n,name=people/ann")]
    [InlineData("/v1/lookup/n/people/ann/more", null)]
    [InlineData("/v1/lookup/n/others/ann", null)]
    [InlineData("/v1/greetings/x", null)]
    public void Match_TemplateVariables(string path, string? expected)
    {
        var lookup = Bindings[2];
        var matched = lookup.Match(path);
        Assert.Equal(expected, matched is null ? null : string.Join(",", matched.Select(v => $"{v.Field}={v.Value}")));
    }

    [Fact]
    public void Match_LiteralsAreLiteral_AndOneSegmentVariablesStopAtASlash()
    {
        var get = Bindings[0];
        Assert.Equal("name=a.b", string.Join(",", get.Match("/v1/greetings/a.b")!.Select(v => $"{v.Field}={v.Value}")));
        Assert.Null(get.Match("/v1/greetings/a/b"));
        Assert.Null(get.Match("/v1Xgreetings/a"));
    }
}
