using System.Text;
using Portal.Core.Shielding.Binary;

namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// The plaintext inside the AES-GCM envelope: a count byte, then entries of (kind byte, name, 32-bit-length data).
/// Decoding is as strict as the outer format: a malicious owner could still seal garbage.
/// </summary>
internal static class PayloadCodec
{
    private const byte AdministratorPassword = 1;
    private const byte AnswerFile = 2;
    private const byte RdpCertificate = 3;
    private const byte SshPublicKey = 4;
    private const byte File = 5;

    private const int MaxEntries = 2 + 1 + ShieldingPayload.MaxSshPublicKeys + ShieldingPayload.MaxFiles;

    public static byte[] Encode(ShieldingPayload payload)
    {
        var writer = new FormatWriter();
        var entries = new List<(byte Kind, string Name, byte[] Data)>();
        if (payload.AdministratorPassword is not null)
        {
            entries.Add((AdministratorPassword, "", Encoding.UTF8.GetBytes(payload.AdministratorPassword)));
        }

        if (payload.AnswerFile is not null)
        {
            entries.Add((AnswerFile, "", Encoding.UTF8.GetBytes(payload.AnswerFile)));
        }

        if (!payload.RdpCertificate.IsEmpty)
        {
            entries.Add((RdpCertificate, "", payload.RdpCertificate.ToArray()));
        }

        entries.AddRange(payload.SshPublicKeys.Select(k => (SshPublicKey, "", Encoding.UTF8.GetBytes(k))));
        entries.AddRange(payload.Files.Select(f => (File, f.Name, f.Content.ToArray())));

        writer.WriteCount(entries.Count);
        foreach (var (kind, name, data) in entries)
        {
            writer.WriteByte(kind);
            writer.WriteString(name);
            writer.WriteBytes32(data);
        }

        return writer.ToArray();
    }

    public static ShieldingPayload Decode(ReadOnlySpan<byte> plaintext)
    {
        var reader = new FormatReader(plaintext, ShieldingFormat.ShieldingData);
        var count = reader.ReadCount("sealed entry count", 1, MaxEntries);
        string? password = null;
        string? answerFile = null;
        byte[]? rdp = null;
        var sshKeys = new List<string>();
        var files = new List<SecretFile>();
        var utf8 = new UTF8Encoding(false, true);

        for (var i = 0; i < count; i++)
        {
            var kind = reader.ReadByte("sealed entry kind");
            var name = reader.ReadString("sealed entry name", 0, SecretFile.NameMaxLength);
            var data = reader.ReadBytes32("sealed entry", 0, ShieldingDataFile.DefaultMaxBytes);
            try
            {
                switch (kind)
                {
                    case AdministratorPassword when password is null:
                        password = utf8.GetString(data);
                        break;
                    case AnswerFile when answerFile is null:
                        answerFile = utf8.GetString(data);
                        break;
                    case RdpCertificate when rdp is null:
                        rdp = data.ToArray();
                        break;
                    case SshPublicKey:
                        sshKeys.Add(utf8.GetString(data));
                        break;
                    case File:
                        files.Add(new SecretFile(name, data));
                        break;
                    default:
                        throw reader.Fail(ShieldingFormatError.Malformed, $"sealed entry kind {kind} is unknown or repeated.");
                }
            }
            catch (Exception e) when (e is DecoderFallbackException or ArgumentException)
            {
                throw reader.Fail(ShieldingFormatError.Malformed, "a sealed entry is not valid.");
            }
        }

        reader.ExpectEnd();
        try
        {
            return ShieldingPayload.Create(password, answerFile, rdp, sshKeys, files);
        }
        catch (ArgumentException)
        {
            throw reader.Fail(ShieldingFormatError.Malformed, "the sealed secrets break the payload rules.");
        }
    }
}
