using System.Net;
using Gateway.Node.Settings;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// The RBAC check in front of every Admin API endpoint (enforce_rbac other than off): the token in
/// rbac_auth_header authenticates a user from the node's snapshot, the endpoint check (on, both) decides on
/// the path and the method's action, and the entity check (entity, both) is left on the request for the
/// entity endpoints. Answers Kong Enterprise's 401 and 403; a client address past its failures gets 429.
/// </summary>
public sealed partial class RbacGuard
{
    private readonly RbacMode _mode;
    private readonly string _header;
    private readonly RbacFailureLimiter _limiter;
    private readonly RbacTokenCache _tokens;
    private readonly Func<ConfigData> _config;
    private readonly int _limit;
    private readonly ILogger<RbacGuard> _logger;
    private Compiled? _compiled;

    /// <summary>A guard for the node's settings, reading RBAC rows from <paramref name="config"/> (the current snapshot's rows).</summary>
    public RbacGuard(GatewaySettings settings, Func<ConfigData> config, TimeProvider time, ILogger<RbacGuard> logger)
    {
        _mode = settings.EnforceRbac;
        _header = settings.RbacAuthHeader;
        _limit = settings.RbacAuthFailuresPerMinute;
        _limiter = new RbacFailureLimiter(_limit, time);
        _tokens = new RbacTokenCache(time);
        _config = config;
        _logger = logger;
    }

    /// <summary>Kong's message for a missing, repeated, empty or unknown token, or a disabled user.</summary>
    public const string InvalidCredentials = "Invalid RBAC credentials";

    /// <summary>The message of the 429 an address gets past its failed checks.</summary>
    public const string TooManyFailures = "Too many invalid RBAC credentials from this address: try again in a minute";

    /// <summary>Whether any check is made.</summary>
    public bool Enabled => _mode != RbacMode.Off;

    /// <summary>The header the token is read from.</summary>
    public string Header => _header;

    /// <summary>
    /// Checks one Admin API request on <paramref name="path"/> (split on '/'); on success the request carries its
    /// <see cref="RbacUser"/> and, with entity checks, its <see cref="RbacEntityAccess"/>.
    /// </summary>
    /// <exception cref="AdminException">401, 403 or 429 with Kong's body.</exception>
    public void Check(HttpContext context, IReadOnlyList<string> path)
    {
        if (!Enabled)
        {
            return;
        }

        var values = context.Request.Headers[_header];
        var account = Authenticate(context.Connection.RemoteIpAddress ?? IPAddress.None, values.Count == 1 ? values[0] : null);
        var action = RbacActionNames.ForMethod(context.Request.Method) is var a and not RbacActions.None ? a : RbacActions.Read;
        var segments = path is [RbacEndpointForms.Workspace, ..] ? path.Skip(1).ToArray() : path;

        // Known before the permission check, so that the audit log names who was refused.
        context.Features.Set(account.User);
        if (_mode is RbacMode.On or RbacMode.Both && !account.Permissions.AllowsEndpoint(segments, action))
        {
            throw Forbidden(account.User, action);
        }

        if (_mode is RbacMode.Entity or RbacMode.Both)
        {
            context.Features.Set(new RbacEntityAccess(account));
        }
    }

    /// <summary>The enabled user <paramref name="token"/> belongs to, counting a failure against <paramref name="client"/> when it belongs to none.</summary>
    /// <exception cref="AdminException">401 for no such user (or a disabled one), 429 past the address's failures.</exception>
    public RbacAccount Authenticate(IPAddress client, string? token)
    {
        if (_limiter.IsLimited(client, out var firstRefusal, out var failures))
        {
            if (firstRefusal)
            {
                LogLimited(_logger, failures, client.ToString(), _limit);
            }

            throw AdminException.WithMessage(429, TooManyFailures);
        }

        var normalized = token is null ? "" : RbacToken.Normalize(token);
        if (normalized.Length == 0)
        {
            throw AdminException.WithMessage(401, InvalidCredentials);
        }

        var directory = Directory();
        var account = _tokens.Find(normalized, directory) ?? Verify(normalized, directory);
        if (account is null)
        {
            _limiter.Fail(client);
            throw AdminException.WithMessage(401, InvalidCredentials);
        }

        return account.Enabled ? account : throw AdminException.WithMessage(401, InvalidCredentials);
    }

    /// <summary>Kong's 403 for <paramref name="user"/> lacking <paramref name="action"/>.</summary>
    public static AdminException Forbidden(RbacUser user, RbacActions action) =>
        AdminException.WithMessage(403, $"{user.Name}, you do not have permissions to {RbacActionNames.Name(action)} this resource");

    private RbacAccount? Verify(string token, RbacDirectory directory)
    {
        foreach (var candidate in directory.Candidates(RbacToken.Ident(token)))
        {
            if (RbacToken.Verify(token, candidate.TokenHash))
            {
                _tokens.Add(token, candidate);
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The directory of the current snapshot, compiled once per snapshot.</summary>
    private RbacDirectory Directory()
    {
        var data = _config();
        if (Volatile.Read(ref _compiled) is { } compiled && ReferenceEquals(compiled.Data, data))
        {
            return compiled.Directory;
        }

        var directory = RbacDirectory.Build(data);
        Volatile.Write(ref _compiled, new Compiled(data, directory));
        return directory;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failures} failed RBAC token checks from {Address} this minute, past the limit of {Limit}: answering 429 until the minute ends")]
    private static partial void LogLimited(ILogger logger, int failures, string address, int limit);

    private sealed record Compiled(ConfigData Data, RbacDirectory Directory);
}
