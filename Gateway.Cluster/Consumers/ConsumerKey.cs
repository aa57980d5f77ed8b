namespace Gateway.Cluster.Consumers;

/// <summary>
/// The key of an <see cref="IConsumerGrain"/>: entity, field and value, separated by '/'. A field
/// written <c>@consumer</c> asks for every row whose foreign field <c>consumer</c> references the value
/// (a consumer's acls), answered as <c>{"data":[...]}</c>.
/// </summary>
public static class ConsumerKey
{
    /// <summary>Whether the field asks for a list of rows by a foreign key (<c>@consumer</c>).</summary>
    public static bool IsListField(string field) => field.Length > 1 && field[0] == '@';

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
