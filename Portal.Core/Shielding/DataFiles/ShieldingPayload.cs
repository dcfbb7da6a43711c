using System.Text;

namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// The sealed secrets of a shielding data file: the administrator password and/or an answer file (at least one), an
/// optional RDP certificate (PFX bytes), SSH public keys, and other small named files. Exists in clear only on the
/// tenant's machine and inside a host that HGS released the key to. <see cref="ToString"/> never shows a value.
/// </summary>
public sealed class ShieldingPayload
{
    public const int AdministratorPasswordMaxLength = 256;

    public const int AnswerFileMaxBytes = 256 * 1024;

    public const int RdpCertificateMaxBytes = 64 * 1024;

    public const int SshPublicKeyMaxLength = 16 * 1024;

    public const int MaxSshPublicKeys = 32;

    public const int MaxFiles = 16;

    private readonly byte[] _rdpCertificate;

    private ShieldingPayload(
        string? administratorPassword, string? answerFile, byte[] rdpCertificate, IReadOnlyList<string> sshPublicKeys,
        IReadOnlyList<SecretFile> files)
    {
        AdministratorPassword = administratorPassword;
        AnswerFile = answerFile;
        _rdpCertificate = rdpCertificate;
        SshPublicKeys = sshPublicKeys;
        Files = files;
    }

    public string? AdministratorPassword { get; }

    /// <summary>Unattend XML (or any text) with substitution strings; see <see cref="AnswerFileSubstitutions"/>.</summary>
    public string? AnswerFile { get; }

    /// <summary>PFX bytes of the RDP certificate; empty when none.</summary>
    public ReadOnlyMemory<byte> RdpCertificate => _rdpCertificate;

    public IReadOnlyList<string> SshPublicKeys { get; }

    public IReadOnlyList<SecretFile> Files { get; }

    /// <summary>Validates and builds a payload; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static ShieldingPayload Create(
        string? administratorPassword,
        string? answerFile = null,
        ReadOnlySpan<byte> rdpCertificate = default,
        IEnumerable<string>? sshPublicKeys = null,
        IEnumerable<SecretFile>? files = null)
    {
        if (administratorPassword is null && answerFile is null)
        {
            throw new ArgumentException("A shielding data file needs an administrator password or an answer file.", nameof(administratorPassword));
        }

        if (administratorPassword is not null && (administratorPassword.Length is 0 or > AdministratorPasswordMaxLength || administratorPassword.Any(char.IsControl)))
        {
            throw new ArgumentException($"The administrator password must be 1 to {AdministratorPasswordMaxLength} characters without control characters.", nameof(administratorPassword));
        }

        if (answerFile is not null && (answerFile.Length == 0 || Encoding.UTF8.GetByteCount(answerFile) > AnswerFileMaxBytes))
        {
            throw new ArgumentException($"The answer file must be 1 byte to {AnswerFileMaxBytes} bytes of text.", nameof(answerFile));
        }

        if (rdpCertificate.Length > RdpCertificateMaxBytes)
        {
            throw new ArgumentException($"The RDP certificate may be at most {RdpCertificateMaxBytes} bytes.", nameof(rdpCertificate));
        }

        var keys = (sshPublicKeys ?? []).ToList();
        if (keys.Count > MaxSshPublicKeys || keys.Any(k => k.Length is 0 or > SshPublicKeyMaxLength || k.Any(char.IsControl)))
        {
            throw new ArgumentException($"At most {MaxSshPublicKeys} SSH public keys, each one line of at most {SshPublicKeyMaxLength} characters.", nameof(sshPublicKeys));
        }

        var fileList = (files ?? []).ToList();
        if (fileList.Count > MaxFiles)
        {
            throw new ArgumentException($"At most {MaxFiles} other files.", nameof(files));
        }

        if (fileList.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != fileList.Count)
        {
            throw new ArgumentException("Two sealed files have the same name.", nameof(files));
        }

        return new ShieldingPayload(administratorPassword, answerFile, rdpCertificate.ToArray(), keys, fileList);
    }

    /// <summary>One line per secret saying what it is and how big — never its value. For tools and audit.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        if (AdministratorPassword is not null)
        {
            lines.Add("administrator password");
        }

        if (AnswerFile is not null)
        {
            var substitutions = AnswerFileSubstitutions.Find(AnswerFile);
            lines.Add($"answer file ({Encoding.UTF8.GetByteCount(AnswerFile)} bytes"
                + (substitutions.Count == 0 ? ")" : $"; substitutions {string.Join(", ", substitutions)})"));
        }

        if (_rdpCertificate.Length > 0)
        {
            lines.Add($"RDP certificate ({_rdpCertificate.Length} bytes)");
        }

        lines.AddRange(SshPublicKeys.Select((_, i) => $"SSH public key {i + 1}"));
        lines.AddRange(Files.Select(f => $"file {f}"));
        return lines;
    }

    public override string ToString() => $"ShieldingPayload ({Describe().Count} secrets, values not shown)";
}
