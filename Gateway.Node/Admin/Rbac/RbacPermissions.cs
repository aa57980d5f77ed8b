using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// One user's permissions, merged over all their roles: per (workspace, endpoint) and per entity id, the
/// actions allowed and the actions denied (<c>negative</c>). The first entry in lookup order that names the
/// action decides, and within it a deny beats an allow; an entry that does not name it (a negative delete
/// asked for a read) leaves the decision to the next; nothing found is a deny. Endpoint decisions are
/// remembered (up to <see cref="DecisionCapacity"/> paths and actions): the permissions belong to one snapshot,
/// so a decision never outlives the rows it was made from.
/// </summary>
public sealed class RbacPermissions
{
    private static readonly string[] Workspaces = [RbacEndpointForms.Workspace, "*"];

    private readonly FrozenDictionary<(string Workspace, string Endpoint), Grant> _endpoints;
    private readonly FrozenDictionary<string, Grant> _entities;
    private readonly ConcurrentDictionary<(string Path, RbacActions Action), bool> _decisions = new();

    /// <summary>How many endpoint decisions are remembered; past it the others are worked out on every request.</summary>
    public const int DecisionCapacity = 4096;

    /// <summary>Merges endpoint and entity permissions (each as the rows give them).</summary>
    public RbacPermissions(
        IEnumerable<(string Workspace, string Endpoint, RbacActions Actions, bool Negative)> endpoints,
        IEnumerable<(string EntityId, RbacActions Actions, bool Negative)> entities)
    {
        _endpoints = Merge(endpoints.Select(e => ((e.Workspace, e.Endpoint), e.Actions, e.Negative)));
        _entities = Merge(entities.Select(e => (e.EntityId, e.Actions, e.Negative)));
    }

    /// <summary>Whether <paramref name="action"/> on the Admin API path <paramref name="segments"/> is allowed.</summary>
    public bool AllowsEndpoint(IReadOnlyList<string> segments, RbacActions action)
    {
        // A segment holding '/' (a decoded %2F) would make the joined path ambiguous: it is decided afresh.
        var path = HasSlash(segments) ? null : string.Join('/', segments);
        if (path is not null && _decisions.TryGetValue((path, action), out var known))
        {
            return known;
        }

        var allowed = Decide(segments, action);
        if (path is not null && _decisions.Count < DecisionCapacity)
        {
            _decisions.TryAdd((path, action), allowed);
        }

        return allowed;
    }

    private bool Decide(IReadOnlyList<string> segments, RbacActions action)
    {
        var forms = RbacEndpointForms.Of(segments);
        foreach (var workspace in Workspaces)
        {
            foreach (var form in forms)
            {
                if (_endpoints.TryGetValue((workspace, form), out var grant) && grant.Decides(action) is { } allowed)
                {
                    return allowed;
                }
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="action"/> on the entity with <paramref name="entityId"/> is allowed (its own permission, else <c>*</c>).</summary>
    public bool AllowsEntity(string entityId, RbacActions action) =>
        (_entities.TryGetValue(entityId, out var grant) && grant.Decides(action) is { } allowed ? allowed
            : _entities.TryGetValue("*", out grant) && grant.Decides(action) == true);

    private static bool HasSlash(IReadOnlyList<string> segments)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Contains('/'))
            {
                return true;
            }
        }

        return false;
    }

    private static FrozenDictionary<TKey, Grant> Merge<TKey>(IEnumerable<(TKey Key, RbacActions Actions, bool Negative)> rows)
        where TKey : notnull
    {
        var merged = new Dictionary<TKey, Grant>();
        foreach (var (key, actions, negative) in rows)
        {
            var grant = merged.GetValueOrDefault(key);
            merged[key] = negative ? grant with { Denied = grant.Denied | actions } : grant with { Allowed = grant.Allowed | actions };
        }

        return merged.ToFrozenDictionary();
    }

    private readonly record struct Grant(RbacActions Allowed, RbacActions Denied)
    {
        /// <summary>False when the action is denied here, true when allowed, null when this entry does not name it.</summary>
        public bool? Decides(RbacActions action) =>
            (Denied & action) != 0 ? false : (Allowed & action) == action ? true : null;
    }
}
