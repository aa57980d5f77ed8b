using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Storage.Snapshot;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Config;

/// <summary>prefix/config-snapshot.json on disk: an empty config never replaces one with rows, unreadable files, leftovers.</summary>
public sealed class SnapshotFileTests : IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-snapshot-").FullName;

    private string SnapshotPath => SnapshotFile.PathIn(_prefix);

    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task EmptyConfig_OfTheFilesVersionOrOlder_DoesNotReplaceItsRows(long emptyVersion)
    {
        await SnapshotFile.WriteAsync(_prefix, WithRoute(5));
        var before = await File.ReadAllBytesAsync(SnapshotPath);

        Assert.False(await SnapshotFile.WriteAsync(_prefix, Empty(emptyVersion)));

        Assert.Equal(before, await File.ReadAllBytesAsync(SnapshotPath));
    }

    [Fact]
    public async Task EmptyConfig_NewerThanTheFile_ReplacesIt_AsAfterDeletingEverything()
    {
        await SnapshotFile.WriteAsync(_prefix, WithRoute(5));

        Assert.True(await SnapshotFile.WriteAsync(_prefix, Empty(6)));

        var read = SnapshotFile.TryRead(_prefix);
        Assert.Equal(6, read!.Version);
        Assert.True(SnapshotFile.IsEmpty(read));
    }

    [Fact]
    public async Task EmptyConfig_ReplacesAnEmptyFile_AndIsWrittenWhereThereIsNone()
    {
        Assert.True(await SnapshotFile.WriteAsync(_prefix, Empty(0)));
        Assert.True(await SnapshotFile.WriteAsync(_prefix, Empty(0)));
        Assert.Equal(0, SnapshotFile.TryRead(_prefix)!.Version);
    }

    [Fact]
    public async Task OlderConfigWithRows_ReplacesTheFile_AsARestoredDatabaseDoes()
    {
        await SnapshotFile.WriteAsync(_prefix, WithRoute(500));

        Assert.True(await SnapshotFile.WriteAsync(_prefix, WithRoute(3)));

        Assert.Equal(3, SnapshotFile.TryRead(_prefix)!.Version);
    }

    [Fact]
    public async Task UnreadableFile_IsKeptAgainstAnEmptyConfigAtVersion0_Only()
    {
        await File.WriteAllTextAsync(SnapshotPath, "{\"version\":12,\"rows\":{\"routes\":[{\"id\":");

        Assert.False(await SnapshotFile.WriteAsync(_prefix, Empty(0)));
        Assert.StartsWith("{\"version\":12", await File.ReadAllTextAsync(SnapshotPath));
        Assert.True(await SnapshotFile.WriteAsync(_prefix, Empty(1)));
    }

    [Fact]
    public async Task Saver_GivenAnEmptyConfig_KeepsTheFileWithRows_AndSaysSo()
    {
        await SnapshotFile.WriteAsync(_prefix, WithRoute(5));
        var before = await File.ReadAllBytesAsync(SnapshotPath);
        var log = new ListLogger<SnapshotSaver>();
        var saver = new SnapshotSaver(_prefix, log);

        saver.Offer(Empty(0));
        saver.Complete();
        await saver.RunAsync(CancellationToken.None);

        Assert.Equal(before, await File.ReadAllBytesAsync(SnapshotPath));
        Assert.Equal(
            [$"not replacing {SnapshotPath} with the empty config at version 0: it holds rows of that version or a newer one, as after a lost or replaced database"],
            log.Lines);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("not json", "")]
    [InlineData("[1, 2]", "not a config snapshot")]
    [InlineData("{\"version\":\"seven\",\"rows\":{}}", "not a config snapshot")]
    [InlineData("{\"version\":7,\"rows\":{\"routes\":{}}}", "'routes' is not a list of rows")]
    public async Task TryRead_UnreadableFile_SaysWhy(string text, string reason)
    {
        await File.WriteAllTextAsync(SnapshotPath, text);

        Assert.Null(SnapshotFile.TryRead(_prefix, out var unreadable));

        Assert.NotNull(unreadable);
        Assert.StartsWith(reason, unreadable);
    }

    [Fact]
    public void TryRead_NoFile_IsNullWithoutAReason()
    {
        Assert.Null(SnapshotFile.TryRead(_prefix, out var unreadable));
        Assert.Null(unreadable);
    }

    [Fact]
    public void RemoveLeftovers_DeletesOnlyTheTemporaryFilesOfCutWrites()
    {
        string[] kept = [SnapshotFile.FileName, $"{SnapshotFile.FileName}.notes.tmp", "other.123.tmp", $"{SnapshotFile.FileName}.20250101T000000Z.discarded"];
        foreach (var name in kept.Append($"{SnapshotFile.FileName}.4242.tmp").Append($"{SnapshotFile.FileName}.7.tmp"))
        {
            File.WriteAllText(Path.Combine(_prefix, name), "x");
        }

        var removed = PrivateFile.RemoveLeftovers(SnapshotPath);

        Assert.Equal([$"{SnapshotFile.FileName}.4242.tmp", $"{SnapshotFile.FileName}.7.tmp"], removed.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(kept.Order(StringComparer.Ordinal), Directory.GetFiles(_prefix).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SetAside_RenamesTheSnapshot_KeepingItsBytes()
    {
        await SnapshotFile.WriteAsync(_prefix, WithRoute(5));
        var before = await File.ReadAllBytesAsync(SnapshotPath);

        var aside = SnapshotFile.SetAside(_prefix);

        Assert.False(File.Exists(SnapshotPath));
        Assert.Matches(@"config-snapshot\.json\.\d{8}T\d{6}Z\.discarded$", aside);
        Assert.Equal(before, await File.ReadAllBytesAsync(aside));
    }

    [Fact]
    public void Describe_CountsTheEntitiesWithRows()
    {
        Assert.Equal("config version 5 (routes: 1)", SnapshotFile.Describe(WithRoute(5)));
    }

    private static ConfigData Empty(long version) => new(version, new Dictionary<string, IReadOnlyList<JsonObject>>());

    private static ConfigData WithRoute(long version) => new(version, new Dictionary<string, IReadOnlyList<JsonObject>>
    {
        ["routes"] = [new JsonObject { ["id"] = "route-1", ["paths"] = new JsonArray("/a") }],
    });
}
