using System.Text.Json.Nodes;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class SnisTests
{
    private const string Certificate = "\"certificate\":{\"id\":\"123e4567-e89b-12d3-a456-426655440000\"}";

    private static string Sni(string name) => "{" + Certificate + ",\"name\":" + JsonValue.Create(name).ToJsonString() + "}";

    [Theory]
    [InlineData("example.com")]
    [InlineData("*.example.com")]
    [InlineData("example.*")]
    [InlineData("*example.com")]
    [InlineData("localhost")]
    public void Name_AcceptsWildcardHosts(string name)
    {
        Assert.Equal(name, (string?)Valid("snis", Sni(name))["name"]);
    }

    [Theory]
    [InlineData("a.*.com", "wildcard must be leftmost or rightmost character")]
    [InlineData("*.example.*", "only one wildcard must be specified")]
    [InlineData("10.0.0.1", "must not be an IP")]
    [InlineData("example.com:443", "must not have a port")]
    [InlineData("*.example.com:443", "must not have a port")]
    [InlineData("bad name", "invalid value: bad name")]
    [InlineData("*.bad name", "invalid value: wildcard.bad name")]
    [InlineData("", "length must be at least 1")]
    public void Name_Refusals(string name, string expected)
    {
        var (fields, _) = Invalid("snis", Sni(name));

        Assert.Equal(new JsonObject { ["name"] = expected }.Relaxed(), fields);
    }

    [Fact]
    public void NameAndCertificate_AreRequired()
    {
        Assert.Equal("2 schema violations (certificate: required field missing; name: required field missing)", Invalid("snis", "{}").Message);
    }
}
