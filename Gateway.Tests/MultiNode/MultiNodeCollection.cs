namespace Gateway.Tests.MultiNode;

/// <summary>
/// The multi-node tests: each starts several node processes, which on a 2-core machine would starve
/// the timing-sensitive tests running beside them. xunit runs a collection with parallelisation
/// disabled on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiNodeCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "multi-node";
}
