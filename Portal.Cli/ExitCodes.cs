namespace Portal.Cli;

/// <summary>What the tool's exit status means; scripts can tell a typo from a forged file.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An input is malformed or fails verification (bad signature, disk does not match its catalog, broken audit chain).</summary>
    public const int InvalidInput = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or repeated option, bad value.</summary>
    public const int Usage = 2;

    /// <summary>A file cannot be read or written (missing, no permission, output exists without --force).</summary>
    public const int FileError = 3;

    /// <summary>A key was refused: wrong or missing passphrase, the guardian is not listed in the file, or the portal refused the token.</summary>
    public const int AccessDenied = 4;

    /// <summary>The portal could not be reached, or answered with an error or something that is not what was asked for.</summary>
    public const int PortalError = 5;
}
