namespace Gateway.Node.Plugins.FileLog;

/// <summary>The file-log config (see <see cref="FileLogSchema"/>); <c>custom_fields_by_lua</c> is Lua and is not evaluated.</summary>
public sealed record FileLogConfig(string Path, bool Reopen);
