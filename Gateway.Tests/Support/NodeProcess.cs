using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gateway.Tests.Support;

/// <summary>The real <c>gateway</c> executable run as a child process, for start-up and signal tests.</summary>
public sealed partial class NodeProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;
    private readonly List<string> _stderr = [];
    private readonly List<string> _stdout = [];

    private NodeProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => Collect(_stderr, e.Data);
        _process.OutputDataReceived += (_, e) => Collect(_stdout, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>What the process wrote to stderr, line by line.</summary>
    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>What the process wrote to stdout (its log), line by line.</summary>
    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    /// <summary>The process, for its exit code.</summary>
    public Process Process => _process;

    /// <summary>
    /// Starts <c>dotnet gateway.dll</c> with the arguments; in network namespace <paramref name="netns"/> when given
    /// (<c>ip netns exec</c>, which runs it as the same process).
    /// </summary>
    public static NodeProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? netns = null)
    {
        var info = new ProcessStartInfo(netns is null ? "dotnet" : IpCommand.Path ?? "ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var argument in new[] { "netns", "exec", netns, "dotnet" })
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gateway.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new NodeProcess(Process.Start(info)!);
    }

    /// <summary>
    /// Runs <c>dotnet gateway.dll</c> with the arguments to its exit (at most 60 s), for commands;
    /// returns the exit code and the non-empty lines of stdout and stderr.
    /// </summary>
    public static async Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(
        IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        using var process = Start(arguments, environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process._process.WaitForExitAsync(timeout.Token);
        return (process._process.ExitCode, [.. process.Stdout.Where(l => l.Length > 0)], [.. process.Stderr.Where(l => l.Length > 0)]);
    }

    /// <summary>Sends a POSIX signal (SIGTERM 15, SIGINT 2).</summary>
    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    /// <summary>Waits for the process to exit; false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        // The timed wait does not wait for the redirected stdout/stderr to drain; this one does.
        _process.WaitForExit();
        return true;
    }

    /// <summary>Kills the process if it still runs; safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static void Collect(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static IReadOnlyList<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
