namespace Gateway.Tests.Node.Streams.Preread;

/// <summary>Seeded random edits of a valid input for the parsers' fuzz runs: bit flips, byte changes, inserts,
/// deletes, truncations and trailing bytes, one to three of them per input.</summary>
internal static class ByteMutator
{
    public static byte[] Mutate(byte[] seed, Random random)
    {
        var data = seed.ToList();
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits; i++)
        {
            switch (random.Next(6))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 4:
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
                default:
                    // Trailing bytes, as the client's payload after a valid structure.
                    data.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => (byte)random.Next(256)));
                    break;
            }
        }
        return [.. data];
    }
}
