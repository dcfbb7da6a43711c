using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Attestation;

/// <summary>
/// HGS's signed, short-lived statement that a host passed attestation, bound to the host's transport RSA public key
/// so a released key can only be unwrapped by that host. Binary layout (magic "THCT", version 1) in
/// docs/formats/health-certificate.md; signed with HGS's attestation signing key (ECDSA P-384, SHA-384, IEEE P1363).
/// </summary>
public sealed class HealthCertificate
{
    public const ushort FormatVersion = 1;

    /// <summary>Largest encoded certificate accepted (an 8192-bit transport key and the longest host name fit).</summary>
    public const int MaxBytes = 4096;

    public const int HostNameMaxLength = 128;

    /// <summary>How far in the future an issue time may lie before the certificate is refused as not yet valid.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(2);

    private const int SignatureLength = GuardianAlgorithms.SignatureLength;
    private const int MinTransportKeyBits = 2048;
    private const int MaxTransportKeyBits = 8192;
    private static readonly byte[] Magic = "THCT"u8.ToArray();

    private readonly byte[] _bytes;
    private readonly byte[] _transportKey;

    private HealthCertificate(
        byte[] bytes, Guid serial, Guid hostId, string hostName, byte[] transportKey, AttestationMode mode,
        DateTimeOffset issuedAt, DateTimeOffset expiresAt, string signerThumbprint)
    {
        _bytes = bytes;
        _transportKey = transportKey;
        Serial = serial;
        HostId = hostId;
        HostName = hostName;
        Mode = mode;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
        SignerThumbprint = signerThumbprint;
        TransportKeyThumbprint = Thumbprint.Of(transportKey);
    }

    /// <summary>Unique per certificate; what HGS revokes.</summary>
    public Guid Serial { get; }

    /// <summary>HGS's id of the registered host.</summary>
    public Guid HostId { get; }

    public string HostName { get; }

    /// <summary>DER SubjectPublicKeyInfo of the host's transport RSA key.</summary>
    public ReadOnlyMemory<byte> TransportKey => _transportKey;

    /// <summary>Thumbprint (SHA-256 of the SPKI, upper-case hex) of the transport key.</summary>
    public string TransportKeyThumbprint { get; }

    public AttestationMode Mode { get; }

    public DateTimeOffset IssuedAt { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Thumbprint of the attestation signing key (P-384 SPKI) that signed it.</summary>
    public string SignerThumbprint { get; }

    /// <summary>The encoded certificate, exactly as signed.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>Issues a certificate signed with HGS's attestation signing key (ECDSA P-384).</summary>
    public static HealthCertificate Issue(
        Guid serial, Guid hostId, string hostName, ReadOnlySpan<byte> transportKeySpki, AttestationMode mode,
        DateTimeOffset issuedAt, DateTimeOffset expiresAt, ECDsa signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentException.ThrowIfNullOrEmpty(hostName);
        if (hostName.Length > HostNameMaxLength)
        {
            throw new ArgumentException($"The host name is longer than {HostNameMaxLength} characters.", nameof(hostName));
        }

        if (expiresAt <= issuedAt)
        {
            throw new ArgumentException("A certificate must expire after it is issued.", nameof(expiresAt));
        }

        if (signingKey.KeySize != 384)
        {
            throw new ArgumentException("The attestation signing key must be ECDSA P-384.", nameof(signingKey));
        }

        if (CheckTransportKey(transportKeySpki) is { } problem)
        {
            throw new ArgumentException(problem.Message, nameof(transportKeySpki));
        }

        var signerSpki = signingKey.ExportSubjectPublicKeyInfo();
        var nameBytes = Encoding.UTF8.GetBytes(hostName);

        using var body = new MemoryStream();
        body.Write(Magic);
        WriteUInt16(body, FormatVersion);
        body.Write(serial.ToByteArray(bigEndian: true));
        body.Write(hostId.ToByteArray(bigEndian: true));
        WriteBytes16(body, nameBytes);
        WriteBytes16(body, transportKeySpki);
        body.WriteByte((byte)mode);
        WriteInt64(body, issuedAt.ToUnixTimeMilliseconds());
        WriteInt64(body, expiresAt.ToUnixTimeMilliseconds());
        body.Write(SHA256.HashData(signerSpki));
        var signature = signingKey.SignData(body.GetBuffer().AsSpan(0, (int)body.Length), HashAlgorithmName.SHA384);
        body.Write(signature);
        return Read(body.ToArray());
    }

    /// <summary>
    /// Parses and checks a certificate: signed by <paramref name="signerPublicKeySpki"/> (HGS's attestation signer),
    /// signature valid, issued no later than <paramref name="now"/> plus <see cref="AllowedClockSkew"/>, not expired.
    /// Throws <see cref="HealthCertificateException"/> naming the first check that failed. Revocation and host
    /// registration are HGS's checks, not the format's.
    /// </summary>
    public static HealthCertificate Verify(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> signerPublicKeySpki, DateTimeOffset now)
    {
        var certificate = Read(bytes);
        if (!Thumbprint.AreEqual(certificate.SignerThumbprint, Thumbprint.Of(signerPublicKeySpki)))
        {
            throw new HealthCertificateException(HealthCertificateError.WrongSigner, "it was signed by another key than this HGS's attestation signer.");
        }

        using (var signer = ECDsa.Create())
        {
            try
            {
                signer.ImportSubjectPublicKeyInfo(signerPublicKeySpki, out _);
            }
            catch (CryptographicException)
            {
                throw new ArgumentException("The attestation signer key is not an ECDSA public key.", nameof(signerPublicKeySpki));
            }

            var signed = certificate._bytes.AsSpan(0, certificate._bytes.Length - SignatureLength);
            var signature = certificate._bytes.AsSpan(certificate._bytes.Length - SignatureLength);
            if (!signer.VerifyData(signed, signature, HashAlgorithmName.SHA384))
            {
                throw new HealthCertificateException(HealthCertificateError.BadSignature, "the signature does not verify; it was altered or forged.");
            }
        }

        if (certificate.IssuedAt > now + AllowedClockSkew)
        {
            throw new HealthCertificateException(HealthCertificateError.NotYetValid, $"it is issued at {certificate.IssuedAt:O}, in the future.");
        }

        if (now >= certificate.ExpiresAt)
        {
            throw new HealthCertificateException(HealthCertificateError.Expired, $"it expired at {certificate.ExpiresAt:O}; the host must attest again.");
        }

        return certificate;
    }

    /// <summary>
    /// Parses a certificate WITHOUT checking its signature or lifetime — for showing it or finding its serial. Never
    /// trust what it says; use <see cref="Verify"/>.
    /// </summary>
    public static HealthCertificate Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw Malformed($"it is larger than {MaxBytes} bytes.");
        }

        var reader = new Reader(bytes);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic))
        {
            throw Malformed("it does not start with the THCT magic.");
        }

        var version = reader.UInt16();
        if (version != FormatVersion)
        {
            throw new HealthCertificateException(HealthCertificateError.UnsupportedVersion, $"format version {version} is not supported (only {FormatVersion}).");
        }

        var serial = new Guid(reader.Take(16), bigEndian: true);
        var hostId = new Guid(reader.Take(16), bigEndian: true);
        var hostName = reader.Utf8(HostNameMaxLength);
        var transportKey = reader.Bytes16().ToArray();
        var mode = (AttestationMode)reader.Take(1)[0];
        if (!Enum.IsDefined(mode))
        {
            throw Malformed("the attestation mode is unknown.");
        }

        var issuedAt = reader.Timestamp();
        var expiresAt = reader.Timestamp();
        var signerThumbprint = Convert.ToHexString(reader.Take(Thumbprint.ByteLength));
        reader.Take(SignatureLength);
        if (reader.Remaining != 0)
        {
            throw Malformed("bytes follow the signature.");
        }

        if (expiresAt <= issuedAt)
        {
            throw Malformed("it expires before it is issued.");
        }

        if (CheckTransportKey(transportKey) is { } transportProblem)
        {
            throw transportProblem;
        }

        return new HealthCertificate(bytes.ToArray(), serial, hostId, hostName, transportKey, mode, issuedAt, expiresAt, signerThumbprint);
    }

    /// <summary>Imports the bound transport key, to re-wrap a released key for this host alone.</summary>
    public RSA CreateTransportKey()
    {
        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_transportKey, out _);
        return rsa;
    }

    private static HealthCertificateException? CheckTransportKey(ReadOnlySpan<byte> spki)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length || rsa.KeySize is < MinTransportKeyBits or > MaxTransportKeyBits)
            {
                return Malformed($"the transport key must be one RSA key of {MinTransportKeyBits}–{MaxTransportKeyBits} bits.");
            }

            return null;
        }
        catch (CryptographicException)
        {
            return Malformed("the transport key is not an RSA public key.");
        }
    }

    private static HealthCertificateException Malformed(string detail) => new(HealthCertificateError.Malformed, detail);

    private static void WriteUInt16(Stream stream, ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteInt64(Stream stream, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteBytes16(Stream stream, ReadOnlySpan<byte> bytes)
    {
        WriteUInt16(stream, checked((ushort)bytes.Length));
        stream.Write(bytes);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly int Remaining => _data.Length - _position;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count > Remaining)
            {
                throw Malformed("it is truncated.");
            }

            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }

        public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

        public ReadOnlySpan<byte> Bytes16() => Take(UInt16());

        public string Utf8(int maxChars)
        {
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Bytes16());
            }
            catch (DecoderFallbackException)
            {
                throw Malformed("the host name is not valid UTF-8.");
            }

            return text.Length is >= 1 and var length && length <= maxChars && !text.Any(char.IsControl)
                ? text
                : throw Malformed($"the host name must be 1–{maxChars} printable characters.");
        }

        public DateTimeOffset Timestamp()
        {
            var ms = BinaryPrimitives.ReadInt64BigEndian(Take(8));
            return ms is >= 946_684_800_000 and <= 253_402_300_799_999
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : throw Malformed("a timestamp is out of range.");
        }
    }
}
