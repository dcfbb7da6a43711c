using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding.DataFiles;

namespace Portal.HostAgent.Jobs;

public enum SpecializationItem : byte
{
    AdministratorPassword = 1,
    AnswerFile = 2,
    RdpCertificate = 3,
    SshPublicKey = 4,
    File = 5,
}

public sealed record SpecializationEntry(SpecializationItem Item, string Name, byte[] Content);

/// <summary>
/// The secrets a new VM is specialised with, framed as one small section that is appended after the template disk's
/// bytes and so exists only inside the encrypted VM disk; first boot finds it from the disk's end. Layout: magic "TPSP",
/// u16 version, u16 entry count, entries of (u8 item, u16 name length, UTF-8 name, u32 length, content), then a trailer
/// of u32 section length (everything before the trailer) and magic "TPSE". Integers are big-endian.
/// </summary>
public static class SpecializationSection
{
    public const ushort Version = 1;
    private const int TrailerSize = 8;
    private static readonly byte[] Magic = "TPSP"u8.ToArray();
    private static readonly byte[] EndMagic = "TPSE"u8.ToArray();

    /// <summary>
    /// The section for a VM: the answer file with its substitution strings filled in, and the payload's other secrets.
    /// Built in one exactly sized buffer so no copy of a secret is left behind; the caller zeroes it.
    /// </summary>
    public static byte[] Build(ShieldingPayload payload, IReadOnlyDictionary<string, string> substitutions)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var entries = new List<SpecializationEntry>();
        try
        {
            if (payload.AdministratorPassword is { } password)
            {
                entries.Add(new(SpecializationItem.AdministratorPassword, "", Encoding.UTF8.GetBytes(password)));
            }

            if (payload.AnswerFile is { } answerFile)
            {
                entries.Add(new(SpecializationItem.AnswerFile, "unattend.xml",
                    Encoding.UTF8.GetBytes(AnswerFileSubstitutions.Apply(answerFile, substitutions))));
            }

            if (!payload.RdpCertificate.IsEmpty)
            {
                entries.Add(new(SpecializationItem.RdpCertificate, "rdp.pfx", payload.RdpCertificate.ToArray()));
            }

            entries.AddRange(payload.SshPublicKeys.Select((k, i) => new SpecializationEntry(SpecializationItem.SshPublicKey, $"ssh-{i + 1}", Encoding.UTF8.GetBytes(k))));
            entries.AddRange(payload.Files.Select(f => new SpecializationEntry(SpecializationItem.File, f.Name, f.Content.ToArray())));
            return Write(entries);
        }
        finally
        {
            entries.ForEach(e => CryptographicOperations.ZeroMemory(e.Content));
        }
    }

    /// <summary>Finds and reads the section at the end of a VM disk (what the guest does at first boot).</summary>
    public static IReadOnlyList<SpecializationEntry> ReadFromEnd(ReadOnlySpan<byte> disk)
    {
        if (disk.Length < TrailerSize || !disk[^4..].SequenceEqual(EndMagic))
        {
            throw new InvalidDataException("The disk carries no specialisation section.");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(disk[^TrailerSize..]);
        if (length < Magic.Length + 4 || length > disk.Length - TrailerSize)
        {
            throw new InvalidDataException("The specialisation section's length is out of range.");
        }

        var section = disk[(disk.Length - TrailerSize - length)..^TrailerSize];
        if (!section[..4].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt16BigEndian(section[4..]) != Version)
        {
            throw new InvalidDataException("The specialisation section has an unknown header.");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(section[6..]);
        var position = 8;
        var entries = new List<SpecializationEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var item = (SpecializationItem)section[position];
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(section[(position + 1)..]);
            var name = Encoding.UTF8.GetString(section.Slice(position + 3, nameLength));
            position += 3 + nameLength;
            var contentLength = BinaryPrimitives.ReadInt32BigEndian(section[position..]);
            entries.Add(new(item, name, section.Slice(position + 4, contentLength).ToArray()));
            position += 4 + contentLength;
        }

        return position == section.Length ? entries : throw new InvalidDataException("The specialisation section has trailing bytes.");
    }

    private static byte[] Write(List<SpecializationEntry> entries)
    {
        var names = entries.Select(e => Encoding.UTF8.GetBytes(e.Name)).ToList();
        var sectionLength = 8 + entries.Select((e, i) => 3 + names[i].Length + 4 + e.Content.Length).Sum();
        var buffer = new byte[sectionLength + TrailerSize];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], checked((ushort)entries.Count));
        var position = 8;
        for (var i = 0; i < entries.Count; i++)
        {
            span[position] = (byte)entries[i].Item;
            BinaryPrimitives.WriteUInt16BigEndian(span[(position + 1)..], checked((ushort)names[i].Length));
            names[i].CopyTo(span[(position + 3)..]);
            position += 3 + names[i].Length;
            BinaryPrimitives.WriteInt32BigEndian(span[position..], entries[i].Content.Length);
            entries[i].Content.CopyTo(span[(position + 4)..]);
            position += 4 + entries[i].Content.Length;
        }

        BinaryPrimitives.WriteInt32BigEndian(span[position..], sectionLength);
        EndMagic.CopyTo(span[(position + 4)..]);
        return buffer;
    }
}
