using System.Runtime.InteropServices;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// Lowers the calling thread's scheduling priority on Linux (nice 10 for that thread alone, through
/// <c>setpriority</c> on its thread id): <see cref="Thread.Priority"/> changes nothing there. A thread at nice 10
/// gets about a tenth of a core's share against a thread at 0, so the request threads go first whenever they have
/// work, and it still has whole cores that are otherwise idle.
/// </summary>
internal static class ThreadNiceness
{
    private const int Nice = 10;
    private const int PrioProcess = 0;

    /// <summary>Lowers the calling thread; elsewhere than Linux, or when refused, it stays as it is.</summary>
    public static void LowerCurrentThread()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetPriority(PrioProcess, GetTid(), Nice);
        }
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
