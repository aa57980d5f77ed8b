using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// Hostile input on a node whose config is in PostgreSQL, where a NUL reaching a query was a database
/// error (500, code 8): now Kong's 4xx, and the generated hostile requests get no 5xx there either.
/// </summary>
public sealed class PostgresHostileInputTests(PostgresHostileInputNode fixture) : IClassFixture<PostgresHostileInputNode>
{
    private TestNode Node => fixture.Node;

    [Theory]
    [InlineData("/consumers", """{"username":"a\u0000b"}""")]
    [InlineData("/consumers", """{"custom_id":"a\u0000b"}""")]
    [InlineData("/services", """{"host":"nul.test","name":"nul","tags":["\u0000"]}""")]
    [InlineData("/schemas/consumers/validate", """{"username":"\u0000"}""")]
    public async Task NulInABody_IsASchemaViolation(string path, string body)
    {
        var (status, answer) = await Node.CallAsync(HttpMethod.Post, path, body);

        Assert.Equal(400, status);
        Assert.Equal(2, answer!["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/consumers/%2500", 404)]
    [InlineData("/consumers/a%2500b/key-auth", 404)]
    [InlineData("/services/%2500", 404)]
    [InlineData("/key-auths/%2500", 404)]
    [InlineData("/tags/%2500", 200)]
    [InlineData("/services?tags=a%00b", 400)]
    [InlineData("/services?offset=AAAA", 400)]
    [InlineData("/key-auths?offset=AAAA", 400)]
    [InlineData("/tags?offset=WyJcdTAwMDAiLCJzZXJ2aWNlcyIsIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd", 400)]
    public async Task NulInAPathOrFilter_IsNotADatabaseError(string path, int expected)
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Get, path);

        Assert.Equal(expected, status);
        Assert.IsType<JsonObject>(body);
    }

    [Fact]
    public async Task GeneratedHostileRequests_NeverGetA5xx_AndAlwaysAJsonObject()
    {
        await HostileRequests.SetUpAsync(Node);

        var failures = await HostileRequests.ReplayAsync(Node.AdminPort, seed: 2121, count: 400);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
