namespace Gateway.Tests.Support;

/// <summary>Waits for a condition that another node, process or background task makes true.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task<TimeSpan> HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (started.Elapsed > timeout)
            {
                Assert.Fail($"{what}: not true after {timeout.TotalSeconds} s");
            }

            await Task.Delay(10);
        }
    }
}
