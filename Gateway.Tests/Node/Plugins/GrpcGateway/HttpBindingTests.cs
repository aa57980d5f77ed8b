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
            ["get SayHello -", "post SayHello *", "get SayHello -", "get GetMessage -", "get GetMessage -", "post GetMessage *", "delete GetMessage -", "put GetMessage text", "put UpdateProfile profile", "patch UpdateProfile profile", "delete DeleteItem -", "get Fail -", "post Echo *"],
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

    [Fact]
    public void Of_KeepsSiblingBlocksApart_WhateverTheCommentsAndStringsAround()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bindings-{Guid.NewGuid():N}.proto");
        File.WriteAllText(file, """
            syntax = "proto3";
            import "google/api/annotations.proto";
            message M { string id = 1; string service = 2; }
            service S {
              option deprecated = false; // { not a block
              rpc A(M) returns (M) {
                /* additional_bindings { get: "/nope" } */
                option (google.api.http) = {
                  get: "/a/{id}", additional_bindings { get: '/b/\x7bid}' },
                  additional_bindings { post: "/c" body: "*" } additional_bindings { delete: "/d/{id}" }
                };
              }
              rpc B(M) returns (M);
              rpc C(M) returns (M) { option (google.api.http) = { patch: "/e/{id}" body: "service" }; }
            }
            """);
        try
        {
            var bindings = ProtoFile.Load(file).Methods.SelectMany(HttpBinding.Of).ToArray();

            Assert.Equal(["get A -", "get A -", "post A *", "delete A -", "patch C service"], bindings.Select(b => $"{b.Method} {b.Call.Method.Name} {b.Body ?? "-"}"));
            Assert.Equal(["/a/x", "/b/x", "/c", "/d/x", "/e/x"], bindings.Select(b => new[] { "/a/x", "/b/x", "/c", "/d/x", "/e/x" }.Single(p => b.Match(p) is not null)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
