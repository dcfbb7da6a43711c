using Portal.Core.Shielding.Binary;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Shielding.KeyProtectors;

/// <summary>A 256-bit key wrapped (RSA-OAEP-SHA256) for one recipient, named by its encryption key thumbprint.</summary>
public sealed class WrappedKey
{
    internal const int MaxBytes = GuardianAlgorithms.RsaKeySizeMax / 8;

    private readonly byte[] _bytes;

    internal WrappedKey(string recipientThumbprint, byte[] bytes)
    {
        RecipientThumbprint = recipientThumbprint;
        _bytes = bytes;
    }

    /// <summary>Upper-case hex SHA-256 of the recipient's encryption key SPKI.</summary>
    public string RecipientThumbprint { get; }

    public ReadOnlyMemory<byte> Bytes => _bytes;

    internal void WriteTo(FormatWriter writer)
    {
        writer.WriteFixed(Convert.FromHexString(RecipientThumbprint));
        writer.WriteBytes16(_bytes);
    }

    internal static WrappedKey ReadFrom(ref FormatReader reader, string field)
    {
        var thumbprint = Convert.ToHexString(reader.ReadFixed(Thumbprint.ByteLength, $"{field} recipient"));
        return new WrappedKey(thumbprint, reader.ReadBytes16(field, 1, MaxBytes).ToArray());
    }
}
