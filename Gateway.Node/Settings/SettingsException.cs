namespace Gateway.Node.Settings;

/// <summary>
/// A setting or command line that stops start-up. The message is always one line naming the setting,
/// where its value came from and why it is wrong, so the executable can print it and exit non-zero.
/// </summary>
public sealed class SettingsException : Exception
{
    /// <summary>Creates the exception; any line breaks in <paramref name="message"/> are folded into spaces.</summary>
    public SettingsException(string message)
        : base(OneLine(message))
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public SettingsException(string message, Exception inner)
        : base(OneLine(message), inner)
    {
    }

    // Messages embed user input and OS errors; a stray newline would break the one-line contract.
    private static string OneLine(string message) =>
        message.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}
