using System.Diagnostics;
using Gateway.Storage.Postgres;

namespace Gateway.Tests.Support;

/// <summary>
/// A PostgreSQL server of the test's own (initdb in a temp folder, pg_ctl on a free loopback port, as
/// infra/test.sh starts the shared one), so that a test can stop and restart it while the shared
/// server stays up for every other test.
/// </summary>
public sealed class DedicatedPostgres : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;

    private DedicatedPostgres(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Settings for the <c>gateway</c> database on it.</summary>
    public PostgresSettings Settings => new("127.0.0.1", Port, "gateway", null, "gateway");

    /// <summary>Creates, starts and bootstraps a server with a <c>gateway</c> role and database.</summary>
    public static async Task<DedicatedPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => d, StringComparer.Ordinal).Last() + "/bin";
        var directory = Directory.CreateTempSubdirectory("gateway-pg-").FullName;
        var server = new DedicatedPostgres(directory, bin, FreePorts.Next());
        await RunAsync("chmod", "755", directory);
        await RunAsync("chown", "postgres:postgres", directory);
        await RunAsync("runuser", "-u", "postgres", "--", $"{bin}/initdb", "-D", $"{directory}/data", "--auth=trust", "-U", "postgres");
        await server.StartServerAsync();
        await RunAsync("psql", "-h", "127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-qc", "CREATE ROLE gateway LOGIN SUPERUSER");
        await RunAsync("psql", "-h", "127.0.0.1", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-qc", "CREATE DATABASE gateway OWNER gateway");
        return server;
    }

    /// <summary>Starts the server (again).</summary>
    public Task StartServerAsync() => RunAsync(
        "runuser", "-u", "postgres", "--", $"{_bin}/pg_ctl", "-D", $"{_directory}/data", "-w", "-l", $"{_directory}/server.log",
        "-o", $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_directory} -c fsync=off", "start");

    /// <summary>Stops the server (fast shutdown: clients are disconnected).</summary>
    public Task StopServerAsync() => RunAsync("runuser", "-u", "postgres", "--", $"{_bin}/pg_ctl", "-D", $"{_directory}/data", "-m", "fast", "-w", "stop");

    /// <summary>Stops the server and deletes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
