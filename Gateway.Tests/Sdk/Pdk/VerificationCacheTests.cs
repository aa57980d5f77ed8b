using Gateway.Plugins.Sdk.Pdk;
using Gateway.Tests.Support;

namespace Gateway.Tests.Sdk.Pdk;

/// <summary>
/// Verdicts of slow checks kept per credential, stored hash and given secret: how long each kind lasts,
/// identical checks sharing one run, a changed hash checked afresh, and a full pool answering Busy.
/// The check here is "stored is hash(given)", so the tests count runs, not time.
/// </summary>
public sealed class VerificationCacheTests : IDisposable
{
    private readonly HeldVerificationPool _held = new(2);
    private readonly ManualTime _time = new();
    private readonly VerificationCache _cache;

    public VerificationCacheTests() => _cache = new VerificationCache(_held.Pool, _time);

    private VerificationPool Pool => _held.Pool;

    public void Dispose() => _held.Dispose();

    [Fact]
    public async Task VerifyAsync_ARepeatedWrongSecret_IsCheckedOncePerFailureLifetime()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(right)", "wrong"));
        }

        Assert.Equal(1, Pool.Completed);
        _time.Advance(VerificationCache.FailureLifetime - TimeSpan.FromTicks(1));
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(right)", "wrong"));
        Assert.Equal(1, Pool.Completed);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(right)", "wrong"));
        Assert.Equal(2, Pool.Completed);
    }

    [Fact]
    public async Task VerifyAsync_ASuccess_IsKeptForTheLongerSuccessLifetime()
    {
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(right)", "right"));
        _time.Advance(VerificationCache.FailureLifetime);
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(right)", "right"));
        Assert.Equal(1, Pool.Completed);

        _time.Advance(VerificationCache.SuccessLifetime - VerificationCache.FailureLifetime);
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(right)", "right"));
        Assert.Equal(2, Pool.Completed);
    }

    [Fact]
    public async Task VerifyAsync_IdenticalChecksAtOnce_ShareOneRun()
    {
        _held.Hold();

        var waiting = Enumerable.Range(0, 8).Select(_ => VerifyAsync("c1", "hash(right)", "wrong").AsTask()).ToList();
        waiting.Add(VerifyAsync("c1", "hash(right)", "right").AsTask());

        Assert.All(waiting, v => Assert.False(v.IsCompleted));
        _held.Release();
        var outcomes = await Task.WhenAll(waiting);
        Assert.Equal([.. Enumerable.Repeat(VerificationOutcome.Invalid, 8), VerificationOutcome.Valid], outcomes);
        Assert.Equal(3, Pool.Completed);
    }

    [Fact]
    public async Task VerifyAsync_AChangedStoredHash_IsCheckedAfresh_ForBothOldAndNewSecrets()
    {
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(old)", "old"));
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(old)", "new"));

        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(new)", "new"));
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(new)", "old"));
        Assert.Equal(4, Pool.Completed);
    }

    [Fact]
    public async Task VerifyAsync_OtherCredentials_HaveVerdictsOfTheirOwn()
    {
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(same)", "same"));
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c2", "hash(same)", "same"));

        Assert.Equal(2, Pool.Completed);
    }

    [Fact]
    public async Task VerifyAsync_PoolFull_IsBusyAtOnce_WhileKeptVerdictsStillAnswer()
    {
        Assert.Equal(VerificationOutcome.Valid, await VerifyAsync("c1", "hash(right)", "right"));
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(right)", "wrong"));
        _held.Fill();

        var busy = VerifyAsync("c1", "hash(right)", "guess");
        var right = VerifyAsync("c1", "hash(right)", "right");
        var wrong = VerifyAsync("c1", "hash(right)", "wrong");

        Assert.True(busy.IsCompleted && right.IsCompleted && wrong.IsCompleted);
        Assert.Equal(VerificationOutcome.Busy, await busy);
        Assert.Equal(VerificationOutcome.Valid, await right);
        Assert.Equal(VerificationOutcome.Invalid, await wrong);
        await _held.ReleaseAsync();
        Assert.Equal(VerificationOutcome.Invalid, await VerifyAsync("c1", "hash(right)", "guess"));
    }

    [Fact]
    public async Task VerifyAsync_GivenLifetimes_KeepBothVerdictsForThem()
    {
        var cache = new VerificationCache(Pool, _time, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(300));
        Assert.Equal(VerificationOutcome.Invalid, await cache.VerifyAsync("c1", "hash(right)", "wrong", Matches));
        Assert.Equal(VerificationOutcome.Valid, await cache.VerifyAsync("c1", "hash(right)", "right", Matches));

        _time.Advance(TimeSpan.FromSeconds(300) - TimeSpan.FromTicks(1));
        Assert.Equal(VerificationOutcome.Invalid, await cache.VerifyAsync("c1", "hash(right)", "wrong", Matches));
        Assert.Equal(VerificationOutcome.Valid, await cache.VerifyAsync("c1", "hash(right)", "right", Matches));
        Assert.Equal(2, Pool.Completed);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(VerificationOutcome.Invalid, await cache.VerifyAsync("c1", "hash(right)", "wrong", Matches));
        Assert.Equal(3, Pool.Completed);
    }

    private static bool Matches(string given, string stored) => stored == $"hash({given})";

    private ValueTask<VerificationOutcome> VerifyAsync(string credential, string stored, string given) =>
        _cache.VerifyAsync(credential, stored, given, Matches);
}
