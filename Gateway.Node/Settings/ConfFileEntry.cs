namespace Gateway.Node.Settings;

/// <summary>One <c>name = value</c> line of a conf file.</summary>
/// <param name="Name">The setting name, lower case.</param>
/// <param name="Value">The value with any trailing comment removed and <c>\#</c> unescaped.</param>
/// <param name="Line">The 1-based line number, for error messages.</param>
public sealed record ConfFileEntry(string Name, string Value, int Line);
