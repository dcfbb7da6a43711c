using System.Buffers.Binary;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding.DataFiles;

namespace Portal.HostAgent.Hypervisor;

/// <summary>
/// What a new VM's guest specialises itself with at first boot: a POSIX ustar archive handed to the guest over a
/// host-local channel (see <c>guest/README.md</c>). Entries: <c>computer-name</c> (always), and from the shielding data
/// <c>administrator-password</c>, <c>ssh/authorized_keys</c>, <c>answer-file</c> (substitutions applied), <c>rdp.pfx</c>
/// and <c>files/NAME</c>. Built in one exactly sized buffer so no copy of a secret is left behind; the caller zeroes it.
/// </summary>
public static class GuestSpecialization
{
    public const string ComputerNameEntry = "computer-name";
    public const string AdministratorPasswordEntry = "administrator-password";
    public const string AuthorizedKeysEntry = "ssh/authorized_keys";
    public const string AnswerFileEntry = "answer-file";
    public const string RdpCertificateEntry = "rdp.pfx";
    public const string FilesFolder = "files/";

    private const int Block = 512;
    private const int MaxHostNameLength = 63;

    /// <summary>Only the computer name: what a regular VM, which has no shielding data, is specialised with.</summary>
    public static byte[] Build(string computerName) => Write([(ComputerNameEntry, Encoding.UTF8.GetBytes(HostName(computerName)))]);

    /// <summary>The computer name, the answer file with its substitution strings filled in, and the payload's other secrets.</summary>
    public static byte[] Build(string computerName, ShieldingPayload payload, IReadOnlyDictionary<string, string> substitutions)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var entries = new List<(string Name, byte[] Content)> { (ComputerNameEntry, Encoding.UTF8.GetBytes(HostName(computerName))) };
        try
        {
            if (payload.AdministratorPassword is { } password)
            {
                entries.Add((AdministratorPasswordEntry, Encoding.UTF8.GetBytes(password)));
            }

            if (payload.SshPublicKeys.Count > 0)
            {
                entries.Add((AuthorizedKeysEntry, Encoding.UTF8.GetBytes(string.Concat(payload.SshPublicKeys.Select(k => k.Trim() + "\n")))));
            }

            if (payload.AnswerFile is { } answerFile)
            {
                entries.Add((AnswerFileEntry, Encoding.UTF8.GetBytes(AnswerFileSubstitutions.Apply(answerFile, substitutions))));
            }

            if (!payload.RdpCertificate.IsEmpty)
            {
                entries.Add((RdpCertificateEntry, payload.RdpCertificate.ToArray()));
            }

            entries.AddRange(payload.Files.Select(f => (FilesFolder + FileName(f.Name), f.Content.ToArray())));
            return Write(entries);
        }
        finally
        {
            entries.ForEach(e => CryptographicOperations.ZeroMemory(e.Content));
        }
    }

    /// <summary>Reads an archive back (what the guest does); anything but plain files with safe relative names is refused.</summary>
    public static IReadOnlyDictionary<string, byte[]> Read(ReadOnlyMemory<byte> archive)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(archive.ToArray(), writable: false));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !IsSafeName(entry.Name))
            {
                throw new InvalidDataException($"The specialisation archive holds an entry that is not a plain file with a safe name ({entry.EntryType}).");
            }

            var content = new byte[entry.Length];
            entry.DataStream?.ReadExactly(content);
            entries[entry.Name] = content;
        }

        return entries.ContainsKey(ComputerNameEntry) ? entries : throw new InvalidDataException("The specialisation archive names no computer.");
    }

    /// <summary>The computer name a guest takes from a VM's name: letters, digits and hyphens, at most 63 characters.</summary>
    public static string HostName(string vmName)
    {
        ArgumentNullException.ThrowIfNull(vmName);
        var name = new string([.. vmName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        name = name.Length > MaxHostNameLength ? name[..MaxHostNameLength].TrimEnd('-') : name;
        return name.Length == 0 ? "vm" : name;
    }

    /// <summary>
    /// The disk of a VM whose guest applied its specialisation, as the simulated hypervisor keeps it: the template's bytes,
    /// the archive, then a trailer of u32 archive length (big-endian) and "TPSA".
    /// </summary>
    public static void AppendToDisk(Stream disk, ReadOnlySpan<byte> archive)
    {
        ArgumentNullException.ThrowIfNull(disk);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(trailer, archive.Length);
        "TPSA"u8.CopyTo(trailer[4..]);
        disk.Write(archive);
        disk.Write(trailer);
    }

    /// <summary>Finds the archive at the end of such a disk.</summary>
    public static IReadOnlyDictionary<string, byte[]> ReadFromDisk(ReadOnlySpan<byte> disk)
    {
        if (disk.Length < 8 || !disk[^4..].SequenceEqual("TPSA"u8))
        {
            throw new InvalidDataException("The disk carries no specialisation.");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(disk[^8..]);
        return length < 0 || length > disk.Length - 8
            ? throw new InvalidDataException("The disk's specialisation length is out of range.")
            : Read(disk[(disk.Length - 8 - length)..^8].ToArray());
    }

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 100 && !name.StartsWith('/') && name.Split('/').All(p => p is not ("" or "." or ".."));

    private static string FileName(string name)
    {
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
        return safe.Trim('.') is { Length: > 0 } trimmed ? trimmed : "file";
    }

    private static byte[] Write(List<(string Name, byte[] Content)> entries)
    {
        var size = entries.Sum(e => Block + Padded(e.Content.Length)) + 2 * Block;
        var buffer = new byte[size];
        using (var stream = new MemoryStream(buffer, writable: true))
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    DataStream = new MemoryStream(content, writable: false),
                };
                writer.WriteEntry(entry);
            }
        }

        return buffer;
    }

    private static int Padded(int length) => (length + Block - 1) / Block * Block;
}
