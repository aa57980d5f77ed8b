using System.Reflection;
using System.Runtime.CompilerServices;

namespace Gateway.Node.Proxy;

/// <summary>
/// Runs socket continuations on the runtime's epoll threads instead of handing each one to the thread
/// pool (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>), and with it Kestrel's request processing
/// (<c>UnsafePreferInlineScheduling</c>): a proxied request then runs start to end on one thread, as in
/// an nginx worker, without the two or three thread hand-offs (and wake-ups) per request that cost the
/// proxy a third of its CPU per request with plugins (infra/bench scenario d).
/// The price is the nginx worker's rule: code on the request path must not block (sync I/O, waits on
/// locks held long), or it stalls every connection of that thread. Plugins' log phase already runs on
/// the thread pool. The runtime reads the variable once, at the first socket operation, so the node
/// executable sets it before its own code runs; an operator may set it to 0 to turn both off.
/// </summary>
internal static class InlineSocketCompletions
{
    /// <summary>The runtime's environment variable.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Whether socket continuations run inline in this process.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

#pragma warning disable CA2255 // The node executable's own default, before any socket exists; host processes (tests) are left alone.
    [ModuleInitializer]
    internal static void DefaultForTheNode()
#pragma warning restore CA2255
    {
        if (Environment.GetEnvironmentVariable(Variable) is null && Assembly.GetEntryAssembly() == typeof(InlineSocketCompletions).Assembly)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
