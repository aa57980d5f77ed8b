namespace Gateway.Tests.Support;

/// <summary>The test classes sharing one <see cref="PluginNode"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PluginNodeCollection : ICollectionFixture<PluginNode>
{
    public const string Name = "plugins";
}
