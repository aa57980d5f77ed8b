using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Gateway.Tests.Storage.Store;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Storage.Sqlite;

/// <summary>The SQLite file itself: its modes, and what the store does with a file that is corrupt.</summary>
public sealed class SqliteFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-sqlite-file-").FullName;

    private string DatabasePath => Path.Combine(_directory, "gateway.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task NewDatabase_ItsWalAndShm_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var store = new SqliteConfigStore(DatabasePath, TestSchemas.Registry, TimeProvider.System);
        await store.InitializeAsync();

        // A write with a read connection open keeps the -wal and -shm files there.
        await store.InsertAsync("services", Service("billing"));
        Assert.NotNull(await store.GetByFieldAsync("services", "name", "billing"));

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            Assert.True(File.Exists(DatabasePath + suffix), $"gateway.db{suffix} exists");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(DatabasePath + suffix));
        }
    }

    [Fact]
    public async Task NotADatabase_IsACorruptFile_ThatCountsAsUnavailable_AndIsLeftAsItIs()
    {
        await File.WriteAllBytesAsync(DatabasePath, RandomNumberGenerator.GetBytes(8192));
        var before = Hash();
        await using var store = new SqliteConfigStore(DatabasePath, TestSchemas.Registry, TimeProvider.System);

        var error = await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.InitializeAsync());

        Assert.Equal($"the SQLite file {DatabasePath} is corrupt (SQLite Error 26: 'file is not a database')", error.Message);
        Assert.True(StoreFailures.IsUnavailable(error));
        await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.InsertAsync("services", Service("billing")));
        await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.GetVersionAsync());
        Assert.False(await store.IsReachableAsync());
        await store.DisposeAsync();
        Assert.Equal(before, Hash());
    }

    [Fact]
    public async Task TruncatedDatabase_IsACorruptFile_LeftAsItIs()
    {
        await FillAsync(200);
        await using (var file = new FileStream(DatabasePath, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }

        var before = Hash();
        await using var store = new SqliteConfigStore(DatabasePath, TestSchemas.Registry, TimeProvider.System);

        var error = await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.InitializeAsync());

        Assert.Equal($"the SQLite file {DatabasePath} is corrupt (SQLite Error 11: 'database disk image is malformed')", error.Message);
        await store.DisposeAsync();
        Assert.Equal(before, Hash());
    }

    [Fact]
    public async Task DamagedPage_FoundByARead_StopsEveryLaterWrite()
    {
        await FillAsync(200);

        // The root page of the rows' table overwritten: the store opens, its first read of rows finds the damage.
        long root;
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = 'entities'";
            root = (long)(await command.ExecuteScalarAsync())!;
        }

        var bytes = await File.ReadAllBytesAsync(DatabasePath);
        Array.Fill(bytes, (byte)0xA5, (int)(root - 1) * 4096, 4096);
        await File.WriteAllBytesAsync(DatabasePath, bytes);
        var before = Hash();
        await using var store = new SqliteConfigStore(DatabasePath, TestSchemas.Registry, TimeProvider.System);
        await store.InitializeAsync();

        await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.ListAsync("services", new ListQuery(10)));
        await Assert.ThrowsAsync<CorruptDatabaseFileException>(() => store.InsertAsync("services", Service("late")));

        await store.DisposeAsync();
        Assert.Equal(before, Hash());
    }

    /// <summary>Writes <paramref name="count"/> services and closes the store, which leaves them all in the main file.</summary>
    private async Task FillAsync(int count)
    {
        await using var store = new SqliteConfigStore(DatabasePath, TestSchemas.Registry, TimeProvider.System);
        await store.InitializeAsync();
        for (var i = 0; i < count; i++)
        {
            await store.InsertAsync("services", Service($"service-{i}-{new string('x', 200)}"));
        }
    }

    private string Hash() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(DatabasePath)));

    private static JsonObject Service(string name) => new() { ["id"] = Guid.NewGuid().ToString(), ["name"] = name };
}
