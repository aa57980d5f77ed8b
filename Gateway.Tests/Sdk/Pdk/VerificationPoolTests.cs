using Gateway.Plugins.Sdk.Pdk;
using Gateway.Tests.Support;

namespace Gateway.Tests.Sdk.Pdk;

/// <summary>The dedicated threads slow credential checks run on, and the bound on what may wait for them.</summary>
public sealed class VerificationPoolTests
{
    [Fact]
    public async Task TryRun_RunsTheCheckOnThePoolsThread_NotTheCallersOrTheThreadPools()
    {
        using var pool = new VerificationPool(1, 4);
        Thread? ranOn = null;

        var verdict = pool.TryRun(() =>
        {
            ranOn = Thread.CurrentThread;
            return true;
        });

        Assert.True(await verdict!);
        Assert.NotSame(Thread.CurrentThread, ranOn);
        Assert.False(ranOn!.IsThreadPoolThread);
        Assert.Equal("verification 1", ranOn.Name);
        Assert.Equal(1, pool.Completed);
    }

    [Fact]
    public async Task TryRun_OnLinux_TheCheckRunsAtNiceTen_BehindTheRequestThreads()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var pool = new VerificationPool(1, 4);
        var nice = -1;

        // Field 19 of /proc/thread-self/stat is the thread's nice value; the name field before it may hold spaces.
        Assert.True(await pool.TryRun(() =>
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
            return true;
        })!);

        Assert.Equal(10, nice);
    }

    [Fact]
    public async Task TryRun_PastTheQueueBound_RefusesAtOnce_AndRunsTheRestLater()
    {
        using var held = new HeldVerificationPool(2);
        var pool = held.Pool;
        held.Hold();

        var queued = new[] { pool.TryRun(() => false), pool.TryRun(() => true) };
        var refused = pool.TryRun(() => true);

        Assert.All(queued, Assert.NotNull);
        Assert.Null(refused);
        Assert.Equal(1, pool.Refused);
        Assert.Equal(0, pool.Completed);
        held.Release();
        var verdicts = await Task.WhenAll(queued[0]!, queued[1]!);
        Assert.Equal([false, true], verdicts);
        Assert.Equal(3, pool.Completed);
    }

    [Fact]
    public async Task TryRun_ACheckThatThrows_FaultsItsVerdict_AndThePoolGoesOn()
    {
        using var pool = new VerificationPool(1, 4);

        var failed = pool.TryRun(() => throw new FormatException("not a hash"));

        Assert.Equal("not a hash", (await Assert.ThrowsAsync<FormatException>(() => failed!)).Message);
        Assert.True(await pool.TryRun(() => true)!);
    }

    [Fact]
    public void Shared_HasAQuarterOfTheCores_AtLeastOne_AndItsQueuePerThread()
    {
        var threads = Math.Max(1, Environment.ProcessorCount / 4);

        Assert.Equal(threads, VerificationPool.Shared.Threads);
        Assert.Equal(threads * VerificationPool.QueuePerThread, VerificationPool.Shared.QueueCapacity);
    }
}
