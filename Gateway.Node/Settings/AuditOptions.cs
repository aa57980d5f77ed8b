using System.Globalization;
using Gateway.Storage.Audit;

namespace Gateway.Node.Settings;

/// <summary>The options of <c>gateway audit verify|export</c>, which are not settings, gathered while the command line is read.</summary>
internal sealed class AuditOptions
{
    private readonly List<string> _given = [];

    public string? PublicKey { get; private set; }

    public long? Since { get; private set; }

    public long? Until { get; private set; }

    public long AfterSequence { get; private set; }

    /// <summary>Takes <paramref name="option"/> when it is one of audit's; false for any other option.</summary>
    public bool TryTake(string option, string value)
    {
        switch (option.Replace('_', '-'))
        {
            case "public-key":
                PublicKey = value;
                break;
            case "since":
                Since = Time(option, value);
                break;
            case "until":
                Until = Time(option, value);
                break;
            case "after-sequence":
                AfterSequence = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                    ? sequence
                    : throw new SettingsException($"invalid --after-sequence '{value}' (expected a record's sequence, 0 or more)");
                break;
            default:
                return false;
        }

        _given.Add("--" + option.Replace('_', '-'));
        return true;
    }

    /// <summary>Refuses audit options on another command, and export's options on verify (and the reverse).</summary>
    public void CheckFor(CommandLine commandLine)
    {
        string[] allowed = commandLine switch
        {
            { Command: GatewayCommand.Audit, Subcommand: "verify" } => ["--public-key"],
            { Command: GatewayCommand.Audit, Subcommand: "export" } => ["--since", "--until", "--after-sequence"],
            _ => [],
        };
        if (_given.FirstOrDefault(o => !allowed.Contains(o)) is { } wrong)
        {
            throw new SettingsException($"{wrong} is only for 'audit {(wrong == "--public-key" ? "verify" : "export")}'");
        }
    }

    private static long Time(string option, string value) =>
        AuditTime.TryParse(value, out var seconds)
            ? seconds
            : throw new SettingsException($"invalid --{option} '{value}' (expected epoch seconds or an RFC 3339 date)");
}
