using System.Collections.Concurrent;
using System.Net;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// Limits failed token checks per client address and minute, so that guessing tokens costs the guesser a
/// 429 rather than the node a bcrypt per guess. The table is bounded: past <paramref name="capacity"/>
/// addresses, the windows of earlier minutes are dropped, and if it is still full the whole table is.
/// </summary>
/// <param name="limit">Failures allowed per address and minute; 0 for no limit.</param>
/// <param name="time">The clock.</param>
/// <param name="capacity">How many addresses are tracked.</param>
public sealed class RbacFailureLimiter(int limit, TimeProvider time, int capacity = 100_000)
{
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    /// <summary>Whether <paramref name="address"/> used up its failures this minute; when it did, also whether this is the minute's first refusal, to log once.</summary>
    public bool IsLimited(IPAddress address, out bool firstRefusal, out int failures)
    {
        firstRefusal = false;
        failures = 0;
        if (limit == 0 || !_windows.TryGetValue(address, out var window) || window.Minute != CurrentMinute())
        {
            return false;
        }

        failures = window.Failures;
        if (failures < limit)
        {
            return false;
        }

        firstRefusal = Interlocked.Exchange(ref window.Logged, 1) == 0;
        return true;
    }

    /// <summary>Counts one failed check from <paramref name="address"/>.</summary>
    public void Fail(IPAddress address)
    {
        if (limit == 0)
        {
            return;
        }

        var minute = CurrentMinute();
        if (_windows.Count >= capacity)
        {
            DropOldWindows(minute);
        }

        var window = _windows.AddOrUpdate(address, _ => new Window(minute), (_, w) => w.Minute == minute ? w : new Window(minute));
        Interlocked.Increment(ref window.Failures);
    }

    private void DropOldWindows(long minute)
    {
        foreach (var (address, window) in _windows)
        {
            if (window.Minute != minute)
            {
                _windows.TryRemove(address, out _);
            }
        }

        if (_windows.Count >= capacity)
        {
            _windows.Clear();
        }
    }

    private long CurrentMinute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private sealed class Window(long minute)
    {
        public long Minute { get; } = minute;

        public int Failures;

        public int Logged;
    }
}
