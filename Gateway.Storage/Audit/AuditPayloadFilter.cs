using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>A payload or entity with audit_log_payload_exclude applied, and the configured names that removed something.</summary>
/// <param name="Value">A filtered copy (the input is never changed); null when the input was.</param>
/// <param name="Removed">The names, in configured order, that matched at least once.</param>
public readonly record struct AuditFiltered(JsonNode? Value, IReadOnlyList<string> Removed);

/// <summary>
/// audit_log_payload_exclude, as Kong Enterprise reads it: a plain key (<c>password</c>) is removed from objects at any
/// depth, arrays included; a dotted path (<c>config.redis.password</c>) removes that one path from the top, through
/// arrays on the way. Keys compare exactly, as in Kong.
/// </summary>
public sealed class AuditPayloadFilter
{
    private readonly string[][] _paths;

    private AuditPayloadFilter(IReadOnlyList<string> names)
    {
        Names = names;
        _paths = [.. names.Select(n => n.Split('.'))];
    }

    /// <summary>Kong's default: <c>token, secret, password</c>.</summary>
    public static AuditPayloadFilter Default { get; } = new(["token", "secret", "password"]);

    /// <summary>The configured names, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Reads the setting's comma-separated list; throws <see cref="FormatException"/> for a name with an empty segment.</summary>
    public static AuditPayloadFilter Parse(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var name in names)
        {
            if (name.Split('.').Any(segment => segment.Length == 0))
            {
                throw new FormatException($"'{name}' is not a key or a dotted path (a segment is empty)");
            }
        }

        return new AuditPayloadFilter(names);
    }

    /// <summary>Filters a copy of <paramref name="node"/>.</summary>
    public AuditFiltered Apply(JsonNode? node)
    {
        if (node is null || _paths.Length == 0)
        {
            return new AuditFiltered(node?.DeepClone(), []);
        }

        var copy = node.DeepClone();
        var removed = new List<string>();
        for (var i = 0; i < _paths.Length; i++)
        {
            var path = _paths[i];
            if (path.Length == 1 ? RemoveEverywhere(copy, path[0]) : RemovePath(copy, path, 0))
            {
                removed.Add(Names[i]);
            }
        }

        return new AuditFiltered(copy, removed);
    }

    private static bool RemoveEverywhere(JsonNode? node, string key)
    {
        var hit = false;
        switch (node)
        {
            case JsonObject obj:
                hit = obj.Remove(key);
                foreach (var (_, child) in obj)
                {
                    hit |= RemoveEverywhere(child, key);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    hit |= RemoveEverywhere(item, key);
                }

                break;
        }

        return hit;
    }

    private static bool RemovePath(JsonNode? node, string[] path, int depth)
    {
        switch (node)
        {
            case JsonObject obj when depth == path.Length - 1:
                return obj.Remove(path[depth]);
            case JsonObject obj:
                return obj.TryGetPropertyValue(path[depth], out var child) && RemovePath(child, path, depth + 1);
            case JsonArray array:
                var hit = false;
                foreach (var item in array)
                {
                    hit |= RemovePath(item, path, depth);
                }

                return hit;
            default:
                return false;
        }
    }
}
