using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Tests.Support;

/// <summary>
/// A verification pool of one thread that a test can hold with a gate: checks then wait, or are refused past
/// the queue's bound, until <see cref="Release"/> (or disposal, which releases first, so no test hangs on it).
/// </summary>
public sealed class HeldVerificationPool(int queueCapacity) : IDisposable
{
    private readonly ManualResetEventSlim _gate = new();
    private readonly List<Task<bool>> _holding = [];

    /// <summary>The pool.</summary>
    public VerificationPool Pool { get; } = new(1, queueCapacity);

    /// <summary>Holds the pool's thread with a check that waits for the gate; returns once it runs.</summary>
    public void Hold()
    {
        using var running = new ManualResetEventSlim();
        var held = Pool.TryRun(() =>
        {
            running.Set();
            _gate.Wait();
            return true;
        });
        Assert.NotNull(held);
        _holding.Add(held);
        running.Wait();
    }

    /// <summary>Holds the thread and fills the queue, so the next check is refused.</summary>
    public void Fill()
    {
        Hold();
        for (var i = 0; i < Pool.QueueCapacity; i++)
        {
            var filler = Pool.TryRun(() => true);
            Assert.NotNull(filler);
            _holding.Add(filler);
        }
    }

    /// <summary>Opens the gate: the held check ends and the queued ones run.</summary>
    public void Release() => _gate.Set();

    /// <summary>Opens the gate and waits for the held check and the fillers to run, so the queue has room again.</summary>
    public Task ReleaseAsync()
    {
        Release();
        return Task.WhenAll(_holding);
    }

    /// <summary>Releases, then stops the pool once its queue has run.</summary>
    public void Dispose()
    {
        Release();
        Pool.Dispose();
        _gate.Dispose();
    }
}
