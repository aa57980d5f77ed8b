using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// The RBAC rows of one config snapshot, compiled for the checks: every user with their merged permissions,
/// and the users by token ident. Built once per snapshot; never changed after.
/// </summary>
public sealed class RbacDirectory
{
    private readonly FrozenDictionary<string, RbacAccount> _byId;
    private readonly FrozenDictionary<string, RbacAccount[]> _byIdent;

    private RbacDirectory(IReadOnlyList<(RbacAccount Account, string? Ident)> accounts)
    {
        _byId = accounts.ToFrozenDictionary(a => a.Account.User.Id, a => a.Account, StringComparer.Ordinal);
        _byIdent = accounts.Where(a => a.Ident is not null)
            .GroupBy(a => a.Ident!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(a => a.Account).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Compiles the RBAC rows of <paramref name="data"/>.</summary>
    public static RbacDirectory Build(ConfigData data)
    {
        var endpointsByRole = data["rbac_role_endpoints"].ToLookup(r => ForeignId(r, "role"),
            r => (Text(r, "workspace") ?? RbacEndpointForms.Workspace, Text(r, "endpoint") ?? "", Actions(r), Negative(r)));
        var entitiesByRole = data["rbac_role_entities"].ToLookup(r => ForeignId(r, "role"), r => (Text(r, "entity_id") ?? "", Actions(r), Negative(r)));
        var rolesByUser = data["rbac_user_roles"].ToLookup(r => ForeignId(r, "user"), r => ForeignId(r, "role"));
        var accounts = new List<(RbacAccount, string?)>();
        foreach (var user in data["rbac_users"])
        {
            var id = Text(user, "id") ?? "";
            var roles = rolesByUser[id].ToArray();
            var permissions = new RbacPermissions(roles.SelectMany(r => endpointsByRole[r]), roles.SelectMany(r => entitiesByRole[r]));
            var account = new RbacAccount(new RbacUser(id, Text(user, "name") ?? ""), Text(user, "user_token") ?? "", user["enabled"]?.GetValue<bool>() != false, permissions);
            accounts.Add((account, Text(user, "user_token_ident")));
        }

        return new RbacDirectory(accounts);
    }

    /// <summary>The users whose token ident is <paramref name="ident"/>: the only ones a token can belong to.</summary>
    public IReadOnlyList<RbacAccount> Candidates(string ident) => _byIdent.GetValueOrDefault(ident) ?? [];

    /// <summary>The user with <paramref name="id"/>, or null when there is none (any more).</summary>
    public RbacAccount? Find(string id) => _byId.GetValueOrDefault(id);

    private static string? Text(JsonObject row, string field) => row[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string ForeignId(JsonObject row, string field) => row[field]?["id"]?.GetValue<string>() ?? "";

    private static RbacActions Actions(JsonObject row) => (RbacActions)RbacActionList.Stored(row) & RbacActions.All;

    private static bool Negative(JsonObject row) => row["negative"]?.GetValue<bool>() == true;
}
