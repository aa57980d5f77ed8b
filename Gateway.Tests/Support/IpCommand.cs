using System.Diagnostics;

namespace Gateway.Tests.Support;

/// <summary>Runs iproute2's <c>ip</c>, for the tests that build their own network.</summary>
public static class IpCommand
{
    /// <summary>Where <c>ip</c> is, or null when it is not installed.</summary>
    public static string? Path { get; } = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    /// <summary>Runs <c>ip</c> with the arguments; throws with its stderr when it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = TryRun(arguments);
        return exitCode == 0 ? stdout : throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({exitCode}): {stderr.Trim()}");
    }

    /// <summary>Runs <c>ip</c> with the arguments and returns how it ended, for clean-up that must go on after a failure.</summary>
    public static (int ExitCode, string Stdout, string Stderr) TryRun(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path ?? "ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
