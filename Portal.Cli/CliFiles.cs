using System.Text;
using Portal.Core.Shielding;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;

namespace Portal.Cli;

/// <summary>Reading and writing the tool's files, turning every I/O or format problem into one clear line.</summary>
internal static class CliFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] ReadBytes(string path, string what, long maxBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliException(ExitCodes.FileError, $"{what} '{path}' does not exist.");
            }

            if (info.Length > maxBytes)
            {
                throw new CliException(ExitCodes.InvalidInput, $"{what} '{path}' is larger than {maxBytes} bytes.");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException(ExitCodes.FileError, $"cannot read {what} '{path}': {e.Message}");
        }
    }

    public static string ReadText(string path, string what, long maxBytes)
    {
        var bytes = ReadBytes(path, what, maxBytes);
        try
        {
            return StrictUtf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{what} '{path}' is not UTF-8 text.");
        }
    }

    /// <summary>A one-line secret (passphrase, password) from a file, without its trailing newline; never echoed.</summary>
    public static string ReadSecretLine(string path, string what)
    {
        var text = ReadText(path, what, 4096).TrimEnd('\r', '\n');
        return text.Length == 0 || text.Contains('\n', StringComparison.Ordinal)
            ? throw new CliException(ExitCodes.InvalidInput, $"{what} '{path}' must hold exactly one non-empty line.")
            : text;
    }

    /// <summary>Writes an output file; refuses to replace one unless forced. Private files are readable by the owner only.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, bool force, bool isPrivate = false)
    {
        try
        {
            if (File.Exists(path) && !force)
            {
                throw new CliException(ExitCodes.FileError, $"'{path}' already exists; use --force to replace it.");
            }

            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (isPrivate && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException(ExitCodes.FileError, $"cannot write '{path}': {e.Message}");
        }
    }

    public static Guardian LoadGuardian(string path, string? passphraseFile)
    {
        var passphrase = passphraseFile is null ? null : ReadSecretLine(passphraseFile, "passphrase file");
        var text = ReadText(path, "guardian key file", GuardianKeyFile.MaxBytes);
        return Parse(path, () => GuardianKeyFile.Read(text, passphrase));
    }

    public static GuardianPublicKeys LoadMetadata(string path) =>
        Parse(path, () => GuardianMetadata.Parse(ReadBytes(path, "guardian metadata", GuardianMetadata.MaxBytes)));

    public static VolumeSignatureCatalog LoadCatalog(string path) =>
        Parse(path, () => VolumeSignatureCatalog.Read(ReadBytes(path, "catalog", VolumeSignatureCatalog.MaxBytes)));

    public static ShieldingDataFile LoadShieldingData(string path) =>
        Parse(path, () => ShieldingDataFile.Read(ReadBytes(path, "shielding data file", ShieldingDataFile.DefaultMaxBytes)));

    private static T Parse<T>(string path, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ShieldingFormatException e)
        {
            var code = e.Error is ShieldingFormatError.PassphraseRequired or ShieldingFormatError.WrongPassphrase
                ? ExitCodes.AccessDenied
                : ExitCodes.InvalidInput;
            var hint = e.Error == ShieldingFormatError.PassphraseRequired ? " Use --passphrase-file." : "";
            throw new CliException(code, $"{path}: {e.Message}{hint}");
        }
    }
}
