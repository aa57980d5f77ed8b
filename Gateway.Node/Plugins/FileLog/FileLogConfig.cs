namespace Gateway.Node.Plugins.FileLog;

/// <summary>The file-log config (see <see cref="FileLogSchema"/>); <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record FileLogConfig(string Path, bool Reopen)
{
    /// <summary>The names of Kong's Lua-computed log fields, which this gateway does not evaluate.</summary>
    public Dictionary<string, string>? CustomFieldsByLua { get; init; }
}
