namespace Portal.Cli;

/// <summary>What the tool's exit status means; scripts can tell a typo from a forged file.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An input file is malformed or fails verification (bad signature, disk does not match its catalog).</summary>
    public const int InvalidInput = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or repeated option, bad value.</summary>
    public const int Usage = 2;

    /// <summary>A file cannot be read or written (missing, no permission, output exists without --force).</summary>
    public const int FileError = 3;

    /// <summary>A key was refused: wrong or missing passphrase, or the guardian is not listed in the file.</summary>
    public const int AccessDenied = 4;
}
