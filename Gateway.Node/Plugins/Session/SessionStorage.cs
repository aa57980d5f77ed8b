using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Node.Plugins.Session;

/// <summary>
/// Where sessions live (Kong's session storage): in their cookie (storage <c>cookie</c>), or in a
/// <see cref="SessionRows"/> row whose <c>session_id</c> is all the cookie carries (storage <c>kong</c>,
/// kong/plugins/session/storage/kong.lua). Rows are the SDK's run-time rows, so a session begun on one node is
/// valid on every node at once, DB-less too, and a row past its ttl is never found.
/// </summary>
internal sealed class SessionStorage(PluginServices services)
{
    /// <summary>
    /// The row writes of this node still in flight, by session id. A login's row is written from the header filter,
    /// which cannot wait (Kong writes it from a timer); a request with that id on this node waits for it instead.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task> _writing = new(StringComparer.Ordinal);

    private ILogger? _logger;

    // Resolved per call: the node may replace its control host (and so its grain factory).
    private IRuntimeRowStore Rows => services.Get<IRuntimeRowStore>();

    private ILogger Logger => _logger ??= services.Find<ILoggerFactory>()?.CreateLogger<SessionPlugin>() ?? NullLogger<SessionPlugin>.Instance;

    /// <summary>The session the cookie <paramref name="value"/> holds or names, when it is valid at <paramref name="now"/>.</summary>
    public async Task<StoredSession?> OpenAsync(SessionConfig config, SessionSlot slot, string? value, long now)
    {
        if (value is null)
        {
            return null;
        }

        if (!config.InDatabase)
        {
            return SessionCookie.Open(value, config.Key, slot) is { } inCookie && slot.IsValid(inCookie, now) ? new StoredSession(inCookie, null) : null;
        }

        // Anything but an id of ours names no row: no lookup for garbage.
        if (value.Length != SessionCookie.IdLength || !Base64Url.IsValid(value))
        {
            return null;
        }

        if (_writing.TryGetValue(value, out var writing))
        {
            await writing;
        }

        var row = await Rows.FindAsync(SessionRows.Entity, "session_id", value);
        return row?["data"] is JsonValue data && data.TryGetValue<string>(out var sealedData)
            && SessionCookie.Open(sealedData, config.Key, slot) is { } session && session.Id == value && slot.IsValid(session, now)
            ? new StoredSession(session, row)
            : null;
    }

    /// <summary>
    /// Stores a new or renewed session and answers its Set-Cookie. In the database, the session it was renewed from
    /// (<paramref name="previous"/>) is kept for stale_ttl, as Kong does, so that requests already sent with the old
    /// cookie still pass; a persistent one is deleted.
    /// </summary>
    public (StoredSession Stored, string SetCookie) Save(SessionConfig config, SessionSlot slot, SessionCookie session, StoredSession? previous, long now)
    {
        if (!config.InDatabase)
        {
            return (new StoredSession(session, null), slot.SetCookie(session.Seal(config.Key, slot), now));
        }

        var row = Row(config, slot, session, null, now);
        Track(session.Id, WriteAsync(row, previous?.Row, slot.Remember, now, config.StaleTtl));
        return (new StoredSession(session, row), slot.SetCookie(session.Id, now));
    }

    /// <summary>
    /// Records that the session was used (lua-resty-session's touch): a new cookie with storage cookie; with storage
    /// kong the row is updated (its idling clock and ttl) and the cookie, only the id, stays.
    /// </summary>
    public (StoredSession Stored, string? SetCookie) Touch(SessionConfig config, SessionSlot slot, SessionCookie touched, StoredSession opened, long now)
    {
        if (!config.InDatabase)
        {
            return (new StoredSession(touched, null), slot.SetCookie(touched.Seal(config.Key, slot), now));
        }

        var row = Row(config, slot, touched, opened.Row, now);
        Track(touched.Id, WriteAsync(row, null, false, now, 0));
        return (new StoredSession(touched, row), null);
    }

    /// <summary>Deletes the session's row, if it has one (logout, a deleted consumer).</summary>
    public async Task DeleteAsync(StoredSession stored)
    {
        if (stored.Row is not { } row)
        {
            return;
        }

        if (_writing.TryGetValue(stored.Session.Id, out var writing))
        {
            await writing;
        }

        await Rows.DeleteAsync(SessionRows.Entity, row);
    }

    /// <summary>The row of <paramref name="session"/>: its ttl is the session's remaining lifetime, counted from the row's creation.</summary>
    private static JsonObject Row(SessionConfig config, SessionSlot slot, SessionCookie session, JsonObject? existing, long now)
    {
        var ttl = (long)Math.Ceiling(Math.Clamp(slot.Lifetime(session, now), 1, SessionRows.MaxTtl));
        var created = existing?["created_at"]?.GetValue<long>() ?? now;
        return new JsonObject
        {
            ["id"] = existing?["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
            ["session_id"] = session.Id,
            ["expires"] = now + ttl,
            ["data"] = session.Seal(config.Key, slot),
            ["created_at"] = created,
            ["ttl"] = now - created + ttl,
        };
    }

    private async Task WriteAsync(JsonObject row, JsonObject? previous, bool remember, long now, double staleTtl)
    {
        try
        {
            if (!await Rows.SaveAsync(SessionRows.Entity, row))
            {
                Logger.LogWarning("session: the store refused session row {Id}", row["id"]);
            }

            if (previous is null)
            {
                return;
            }

            if (remember)
            {
                await Rows.DeleteAsync(SessionRows.Entity, previous);
                return;
            }

            // Stale: expires within stale_ttl, never later than it would have.
            var stale = (JsonObject)previous.DeepClone();
            var expires = Math.Min(previous["expires"]!.GetValue<long>(), now + (long)staleTtl);
            stale["expires"] = expires;
            stale["ttl"] = expires - previous["created_at"]!.GetValue<long>();
            await Rows.SaveAsync(SessionRows.Entity, stale);
        }
        catch (Exception e)
        {
            // Written off the request (the header filter cannot wait): the session is then simply not found.
            Logger.LogWarning(e, "session: writing session row {Id} failed", row["id"]);
        }
    }

    private void Track(string id, Task write)
    {
        _writing[id] = write;
        _ = write.ContinueWith(_ => _writing.TryRemove(new KeyValuePair<string, Task>(id, write)), TaskScheduler.Default);
    }
}

/// <summary>A session opened or stored, with its row when it is in the database.</summary>
/// <param name="Session">The session.</param>
/// <param name="Row">Its <see cref="SessionRows"/> row (storage kong), or null.</param>
internal sealed record StoredSession(SessionCookie Session, JsonObject? Row);
