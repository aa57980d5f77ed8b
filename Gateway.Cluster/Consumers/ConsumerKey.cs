namespace Gateway.Cluster.Consumers;

/// <summary>The key of an <see cref="IConsumerGrain"/>: entity, field and value, separated by '/'.</summary>
public static class ConsumerKey
{
    /// <summary>"entity/field/value"; the value may itself hold '/'.</summary>
    public static string Format(string entity, string field, string value) => $"{entity}/{field}/{value}";

    /// <summary>The parts of a key made by <see cref="Format"/>.</summary>
    public static (string Entity, string Field, string Value) Parse(string key)
    {
        var first = key.IndexOf('/', StringComparison.Ordinal);
        var second = key.IndexOf('/', first + 1);
        return (key[..first], key[(first + 1)..second], key[(second + 1)..]);
    }
}
