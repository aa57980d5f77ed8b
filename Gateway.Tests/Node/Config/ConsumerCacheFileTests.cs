using Gateway.Cluster.Consumers;
using Gateway.Node.Config;

namespace Gateway.Tests.Node.Config;

/// <summary>prefix/consumer-cache.json: what a node writes it reads back, and a damaged file is no cache at all.</summary>
public sealed class ConsumerCacheFileTests : IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-consumer-cache-").FullName;

    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    [Fact]
    public async Task WrittenRows_ReadBack_WithTheirVersion_AndTheFileIsOwnerOnly()
    {
        CachedConsumerRow[] rows = [new("keyauth_credentials", "key", "k1", """{"key":"k1","consumer":{"id":"c1"}}""")];

        await ConsumerCacheFile.WriteAsync(_prefix, 7, rows);

        var (version, read) = ConsumerCacheFile.TryRead(_prefix)!.Value;
        Assert.Equal(7, version);
        Assert.Equal(rows, read);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConsumerCacheFile.PathIn(_prefix)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"rows":[]}""")]
    [InlineData("""{"version":"7","rows":[]}""")]
    [InlineData("""{"version":7,"rows":[null]}""")]
    [InlineData("""{"version":7,"rows":[{"entity":"keyauth_credentials","field":"key","row":{}}]}""")]
    [InlineData("""{"version":7,"rows":[{"entity":"keyauth_credentials","field":"key","value":1,"row":{}}]}""")]
    public async Task ADamagedFile_IsNoCache(string text)
    {
        await File.WriteAllTextAsync(ConsumerCacheFile.PathIn(_prefix), text);

        Assert.Null(ConsumerCacheFile.TryRead(_prefix));
    }

    [Fact]
    public void NoFile_IsNoCache() => Assert.Null(ConsumerCacheFile.TryRead(_prefix));
}
