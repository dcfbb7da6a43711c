namespace Portal.Cli;

/// <summary>Stops a command with one line for stderr and an exit code from <see cref="ExitCodes"/>.</summary>
internal sealed class CliException(int exitCode, string message, string? command = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The command whose --help the error message points to, when known.</summary>
    public string? Command { get; } = command;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
