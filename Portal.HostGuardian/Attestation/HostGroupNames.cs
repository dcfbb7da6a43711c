namespace Portal.HostGuardian.Attestation;

/// <summary>What HGS accepts as a host group name: 1–128 characters, no control characters (so none reaches a log or the audit).</summary>
public static class HostGroupNames
{
    public const string Rule = "A host group name is 1–128 characters, without line breaks or other control characters.";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Length <= 128 && !name.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');
}
