using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class ConsumersTests
{
    [Fact]
    public void Insert_Empty_NeedsUsernameOrCustomId()
    {
        var (fields, message) = Invalid("consumers", "{}");

        Assert.Equal("""{"@entity":["at least one of these fields must be non-empty: 'custom_id', 'username'"]}""", fields);
        Assert.Equal("schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')", message);
    }

    [Fact]
    public void Insert_EmptyStrings_AreRefusedByLength()
    {
        Assert.Equal("""{"username":"length must be at least 1"}""", Invalid("consumers", """{"username":""}""").Fields);
    }

    [Theory]
    [InlineData("""{"username":"bob"}""")]
    [InlineData("""{"custom_id":"1234"}""")]
    [InlineData("""{"username":"bob","custom_id":"1234","tags":["a","b"]}""")]
    public void Insert_WithEither_IsValid(string json)
    {
        var consumer = Valid("consumers", json);

        Assert.Equal(["id", "created_at", "updated_at", "username", "custom_id", "tags"], consumer.Select(p => p.Key));
    }

    [Fact]
    public void Username_MustBeAString()
    {
        Assert.Equal("schema violation (username: expected a string)", Invalid("consumers", """{"username":42}""").Message);
    }
}
