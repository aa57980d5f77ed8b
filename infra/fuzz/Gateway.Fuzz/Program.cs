using Gateway.Fuzz;
using SharpFuzz;

// gateway-fuzz NAME: fuzzes one harness under the libFuzzer driver (run.sh starts it so).
// gateway-fuzz NAME FILE...: runs the harness once on each file, to replay a crash or check the corpus.
if (args.Length == 0 || !Harnesses.All.TryGetValue(args[0], out var harness))
{
    Console.Error.WriteLine($"usage: Gateway.Fuzz {{{string.Join('|', Harnesses.All.Keys)}}} [FILE...]");
    return 2;
}

if (args.Length == 1)
{
    Fuzzer.LibFuzzer.Run(harness);
    return 0;
}

foreach (var file in args[1..])
{
    harness(File.ReadAllBytes(file));
    Console.WriteLine($"{file}: ok");
}

return 0;
