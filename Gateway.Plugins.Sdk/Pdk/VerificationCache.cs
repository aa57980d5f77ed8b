using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// The verdicts of slow credential checks (<see cref="VerificationPool"/>), kept briefly: a flood of one
/// wrong password costs one check per <see cref="FailureLifetime"/>, a consumer that logs in again costs none
/// for <see cref="SuccessLifetime"/>, and identical checks asked for at the same time share one run.
/// A verdict is keyed by the credential, its stored hash and the given secret together, so it can only
/// answer the same question again: a changed password (a new stored hash) is checked afresh at once, and
/// neither a success nor a failure of the old one applies to it. The key is an HMAC-SHA-256 under a key
/// drawn at start and never stored: the cache holds no password, and no hash that could be tested offline
/// faster than the stored one. Lifetimes count from the moment the check was queued.
/// </summary>
public sealed class VerificationCache
{
    /// <summary>How many verdicts are kept at most; past it new ones are checked without being kept.</summary>
    public const int Capacity = 10_000;

    private const int StackLimit = 512;

    private readonly ConcurrentDictionary<(UInt128, UInt128), Entry> _entries = new();
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly VerificationPool _pool;
    private readonly TimeProvider _time;
    private readonly long _failureTicks;
    private readonly long _successTicks;
    private int _count;
    private long _sweptAt;

    /// <summary>A cache whose checks run on <paramref name="pool"/>, timed by <paramref name="time"/>, kept for the default lifetimes.</summary>
    public VerificationCache(VerificationPool pool, TimeProvider time)
        : this(pool, time, SuccessLifetime, FailureLifetime)
    {
    }

    /// <summary>
    /// A cache whose verdicts are kept for lifetimes of the caller's (ldap-auth's <c>cache_ttl</c>, for both);
    /// lifetimes past a year count as a year.
    /// </summary>
    public VerificationCache(VerificationPool pool, TimeProvider time, TimeSpan successLifetime, TimeSpan failureLifetime)
    {
        _pool = pool;
        _time = time;
        _failureTicks = Ticks(failureLifetime, time);
        _successTicks = Ticks(successLifetime, time);
        _sweptAt = time.GetTimestamp();
    }

    /// <summary>How long a failed check answers for by default: short, as the cache's bulk under attack is failures.</summary>
    public static TimeSpan FailureLifetime { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a successful check answers for by default.</summary>
    public static TimeSpan SuccessLifetime { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether <paramref name="given"/> matches <paramref name="stored"/>, the secret stored for
    /// <paramref name="credential"/> (its id): a kept verdict, the run of an identical check already queued,
    /// or <paramref name="check"/>(given, stored) on the pool; <see cref="VerificationOutcome.Busy"/> when
    /// the pool's queue is full.
    /// </summary>
    public ValueTask<VerificationOutcome> VerifyAsync(string credential, string stored, string given, Func<string, string, bool> check)
    {
        var key = KeyOf(credential, stored, given);
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && IsExpired(entry, now))
        {
            Remove(key, entry);
            entry = null;
        }

        if (entry is null)
        {
            SweepIfDue(now);
            entry = Add(key, Queued(check, given, stored, now));
        }

        return OutcomeAsync(key, entry);
    }

    /// <summary>An entry whose check is queued on first look (its closure, the only holder of the given secret, goes with the run).</summary>
    private Entry Queued(Func<string, string, bool> check, string given, string stored, long now) =>
        new(new Lazy<Task<bool>?>(() => _pool.TryRun(() => check(given, stored))), now);

    private async ValueTask<VerificationOutcome> OutcomeAsync((UInt128, UInt128) key, Entry entry)
    {
        if (entry.Verdict.Value is not { } verdict)
        {
            Remove(key, entry);
            return VerificationOutcome.Busy;
        }

        return await verdict ? VerificationOutcome.Valid : VerificationOutcome.Invalid;
    }

    /// <summary>The entry kept for <paramref name="key"/>: <paramref name="fresh"/>, or one added meanwhile; fresh alone when full.</summary>
    private Entry Add((UInt128, UInt128) key, Entry fresh)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            return fresh;
        }

        var kept = _entries.GetOrAdd(key, fresh);
        if (kept == fresh)
        {
            Interlocked.Increment(ref _count);
        }

        return kept;
    }

    private void Remove((UInt128, UInt128) key, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Expired when its verdict's lifetime has passed, or when it has none (refused, or the check threw); never while queued.</summary>
    private bool IsExpired(Entry entry, long now)
    {
        if (!entry.Verdict.IsValueCreated)
        {
            return false;
        }

        return entry.Verdict.Value switch
        {
            null => true,
            { IsCompletedSuccessfully: true } verdict => now - entry.QueuedAt >= (verdict.Result ? _successTicks : _failureTicks),
            { IsCompleted: true } => true,
            _ => false,
        };
    }

    /// <summary>Drops expired entries once per failure lifetime, so the cache's memory follows its lifetimes.</summary>
    private void SweepIfDue(long now)
    {
        var sweptAt = Volatile.Read(ref _sweptAt);
        if (now - sweptAt < _failureTicks || Interlocked.CompareExchange(ref _sweptAt, now, sweptAt) != sweptAt)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            if (IsExpired(entry, now))
            {
                Remove(key, entry);
            }
        }
    }

    private static long Ticks(TimeSpan lifetime, TimeProvider time) =>
        (long)(Math.Min(lifetime.TotalSeconds, TimeSpan.FromDays(365).TotalSeconds) * time.TimestampFrequency);

    private (UInt128, UInt128) KeyOf(string credential, string stored, string given)
    {
        var length = Encoding.UTF8.GetMaxByteCount(credential.Length + stored.Length + given.Length + 2);
        byte[]? rented = null;
        var input = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(credential, input);
        input[written++] = 0;
        written += Encoding.UTF8.GetBytes(stored, input[written..]);
        input[written++] = 0;
        written += Encoding.UTF8.GetBytes(given, input[written..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input[..written], mac);
        CryptographicOperations.ZeroMemory(input[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return (BinaryPrimitives.ReadUInt128LittleEndian(mac), BinaryPrimitives.ReadUInt128LittleEndian(mac[16..]));
    }

    /// <summary>One check's verdict (null when the pool refused it), created once by whoever added the entry.</summary>
    private sealed record Entry(Lazy<Task<bool>?> Verdict, long QueuedAt);
}
