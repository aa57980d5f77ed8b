using System.IO.Hashing;
using System.Text;

namespace Gateway.Node.Upstreams;

/// <summary>
/// Kong's consistent hashing (consistent_hashing.lua, Ketama-like): a continuum of <c>slots</c> points
/// (1,000 when slots is below that), each target owning points in proportion to its weight, placed
/// by xxHash32 of "ip::port n" exactly as Kong names them, so a value lands on the same target as in
/// Kong. A request hashes to a point and walks counter-clockwise to the first available target.
/// </summary>
internal sealed class ConsistentHashingAlgorithm : IBalancingAlgorithm
{
    private const int MinPoints = 1000;

    /// <summary>Points per target when all weigh the same (Kong's SERVER_POINTS).</summary>
    private const int ServerPoints = 160;

    private readonly UpstreamConfig _upstream;
    private readonly UpstreamTarget?[] _continuum;

    public ConsistentHashingAlgorithm(UpstreamConfig upstream, IReadOnlyList<UpstreamTarget> targets)
    {
        _upstream = upstream;
        var points = upstream.Slots >= MinPoints ? upstream.Slots : MinPoints;
        _continuum = new UpstreamTarget?[points];

        // Sorted so that collisions resolve the same way whatever order the rows came in.
        var sorted = targets.OrderBy(t => t.Host, StringComparer.Ordinal).ThenBy(t => t.Port).ToArray();
        var totalWeight = sorted.Sum(t => (double)t.Weight);
        foreach (var target in sorted)
        {
            if (target.Weight == 0)
            {
                continue;
            }

            var entries = (long)Math.Floor(target.Weight / totalWeight * sorted.Length * ServerPoints);
            entries = Math.Max(entries, 1);
            for (long i = 1; i <= entries; i++)
            {
                if (i > points)
                {
                    // Kong gives up here too: too many targets for the ring; slots must grow.
                    return;
                }

                // Kong's key has a doubled colon (ip .. ":" .. ":port"): kept, so points match Kong's.
                var index = Index($"{target.Host}::{target.Port} {i}", points);
                if (_continuum[index] is null)
                {
                    _continuum[index] = target;
                }
                else
                {
                    entries++;
                }
            }
        }
    }

    /// <summary>The ring position of a hashed value: xxHash32 (seed 0) of its UTF-8 bytes, modulo the ring size.</summary>
    public static int Index(string value, int points) =>
        (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(value)) % (uint)points);

    public UpstreamTarget? Pick(BalancerRequest request)
    {
        request.HashValue ??= HashInput.Compute(_upstream, request);
        var continuum = _continuum;
        var index = Index(request.HashValue, continuum.Length);
        UpstreamTarget? fallback = null;
        for (var step = 0; step < continuum.Length; step++)
        {
            if (continuum[index] is { IsAvailable: true } target)
            {
                if (!request.HasTried(target))
                {
                    return target;
                }

                fallback ??= target;
            }

            index = index == 0 ? continuum.Length - 1 : index - 1;
        }

        return fallback;
    }
}
