using System.Text.Json.Nodes;

namespace Gateway.Tests.Support;

/// <summary>Assertions on JSON bodies that compare structure, not text.</summary>
public static class JsonAssert
{
    /// <summary>Asserts the two JSON documents are equal, key order ignored.</summary>
    public static void Equal(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual?.ToJsonString()}");
}
