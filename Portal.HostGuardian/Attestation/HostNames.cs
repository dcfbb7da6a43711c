namespace Portal.HostGuardian.Attestation;

/// <summary>
/// What HGS accepts as a host name: the host agent's own rule (letters, digits, '-', '.', '_'), 1–128 characters. Checked
/// at the API boundary, so a name can never carry a line break or control character into a log, the audit or a report.
/// </summary>
public static class HostNames
{
    public const int MaxLength = 128;

    public const string Rule = "A host name is 1–128 characters: letters, digits, '-', '.' and '_' only.";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
