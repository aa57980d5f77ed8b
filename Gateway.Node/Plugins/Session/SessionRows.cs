using Gateway.Schema;

namespace Gateway.Node.Plugins.Session;

/// <summary>
/// Kong 3.9's <c>sessions</c> entity (kong/plugins/session/daos.lua): the sessions of <c>storage = kong</c>, one row
/// per session id, with the sealed session in <c>data</c> and the session's remaining lifetime as its ttl. Run-time
/// rows (<see cref="Plugins.Sdk.IRuntimeRowStore"/>): no config version moves, every node finds them, DB-less too.
/// </summary>
public static class SessionRows
{
    /// <summary>The entity's name.</summary>
    public const string Entity = "sessions";

    /// <summary>lua-resty-session's MAX_TTL: 400 days, the longest a browser keeps a cookie.</summary>
    public const long MaxTtl = 34_560_000;

    /// <summary>sessions: no Admin API, not exported (Kong's <c>db_export = false</c>).</summary>
    public static EntitySchema Schema { get; } = new(Entity, [
        Typedefs.Id(),
        new Field("session_id", FieldType.String) { Unique = true, Required = true, Description = "The session id the cookie carries." },
        new Field("expires", FieldType.Integer) { Description = "When the session expires, Unix seconds." },
        new Field("data", FieldType.String) { Description = "The session, sealed with the plugin's secret." },
        Typedefs.CreatedAt(),
    ])
    {
        Ttl = true,
        EndpointKey = "session_id",
        CacheKey = ["session_id"],
        AdminApi = false,
        TopLevel = false,
        DbExport = false,
    };
}
