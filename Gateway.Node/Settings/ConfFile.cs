using System.Text.RegularExpressions;

namespace Gateway.Node.Settings;

/// <summary>
/// Reads kong.conf syntax: <c>name = value</c> lines, blank lines, and <c>#</c> comments either on their
/// own line or after a value (<c>\#</c> is a literal <c>#</c>). As in Kong, quotes are not special: a
/// quoted value keeps its quotes. A later line for the same name overrides an earlier one.
/// </summary>
public static partial class ConfFile
{
    /// <summary>Parses conf text; <paramref name="path"/> is only used in messages.</summary>
    /// <exception cref="SettingsException">A line is not <c>name = value</c>.</exception>
    public static IReadOnlyList<ConfFileEntry> Parse(string text, string path)
    {
        var entries = new List<ConfFileEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? "" : line[..equals].Trim();
            if (equals <= 0 || !SettingName().IsMatch(name))
            {
                throw new SettingsException($"invalid line in conf file {path} line {i + 1}: expected 'name = value', got '{line}'");
            }

            var value = TrailingComment().Replace(line[(equals + 1)..], "");
            value = value.Replace("\\#", "#", StringComparison.Ordinal).Trim();
            entries.Add(new ConfFileEntry(name.ToLowerInvariant(), value, i + 1));
        }

        return entries;
    }

    /// <summary>Reads and parses a conf file.</summary>
    /// <exception cref="SettingsException">The file cannot be read or a line is malformed.</exception>
    public static IReadOnlyList<ConfFileEntry> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException($"cannot read conf file {path}: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    // A '#' not preceded by a backslash starts a comment, which runs to the end of the line.
    [GeneratedRegex(@"\s*(?<!\\)#.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex SettingName();
}
