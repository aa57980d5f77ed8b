namespace Gateway.Tests.MultiNode;

/// <summary>
/// Runs a rate-limiting test's load inside one fixed window (UTC, aligned on its length, as the plugin's windows
/// are), so a window boundary cannot split the count: it starts only with <c>room</c> left in the window, and
/// runs the attempt again, on the fresh counter the attempt makes itself, when the clock crossed a boundary anyway.
/// </summary>
public static class OneRateLimitWindow
{
    private const int Attempts = 3;

    /// <summary>Runs <paramref name="attempt"/> inside one minute window, starting with at least 40 s of it left.</summary>
    public static Task<T> MinuteAsync<T>(Func<Task<T>> attempt) => RunAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(40), attempt);

    /// <summary>Runs <paramref name="attempt"/> inside one hour window, starting with at least 5 minutes of it left.</summary>
    public static Task<T> HourAsync<T>(Func<Task<T>> attempt) => RunAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), attempt);

    /// <summary>
    /// Runs <paramref name="attempt"/> (which must count on a counter of its own, such as a fresh route) until one
    /// run starts and ends in the same window of <paramref name="length"/>; returns that run's result.
    /// </summary>
    public static async Task<T> RunAsync<T>(TimeSpan length, TimeSpan room, Func<Task<T>> attempt)
    {
        for (var tries = 1; ; tries++)
        {
            var left = length - TimeSpan.FromTicks(DateTime.UtcNow.Ticks % length.Ticks);
            if (left < room)
            {
                await Task.Delay(left + TimeSpan.FromMilliseconds(100));
            }

            var window = DateTime.UtcNow.Ticks / length.Ticks;
            var result = await attempt();
            if (DateTime.UtcNow.Ticks / length.Ticks == window)
            {
                return result;
            }

            Assert.True(tries < Attempts, $"{Attempts} runs each crossed a {length} window boundary");
        }
    }
}
