using Portal.Core.Gallery;
using Portal.Core.Shielding.Binary;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Shielding.Catalogs;

/// <summary>
/// A volume signature catalog (VSC, <c>.vsc</c>): a signer's statement "the template disk named N, version V, is these
/// exact bytes" — name, version, disk file name, size, SHA-384 of the content, signing time, and the signer's name and
/// P-384 public key, signed (ECDSA-P384-SHA384) over every byte before the signature. The catalog proves integrity and
/// who signed; whom to trust is the shielding data file's qualifiers' business. See docs/formats/vsc.md.
/// </summary>
public sealed class VolumeSignatureCatalog
{
    public const ushort FormatVersion = 1;

    public const int NameMaxLength = VolumeSignatureCatalogInfo.VscNameMaxLength;

    public const int DiskFileNameMaxLength = VmTemplate.DiskFileNameMaxLength;

    /// <summary>A catalog is a few hundred bytes; anything past this is refused before parsing.</summary>
    public const int MaxBytes = 8 * 1024;

    public const string HashAlgorithm = "SHA-384";

    private const byte HashAlgorithmSha384 = 1;

    private const ShieldingFormat Format = ShieldingFormat.VolumeSignatureCatalog;

    private static readonly byte[] Magic = "TPVC"u8.ToArray();

    private static readonly char[] ForbiddenFileNameChars = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    private readonly byte[] _bytes;
    private readonly byte[] _diskHash;
    private readonly byte[] _signerKey;

    private VolumeSignatureCatalog(
        byte[] bytes, string name, Version version, string diskFileName, long diskSize, byte[] diskHash,
        DateTimeOffset signedAt, string signerName, byte[] signerKey)
    {
        _bytes = bytes;
        Name = name;
        Version = version;
        DiskFileName = diskFileName;
        DiskSize = diskSize;
        _diskHash = diskHash;
        SignedAt = signedAt;
        SignerName = signerName;
        _signerKey = signerKey;
        SignerThumbprint = Thumbprint.Of(signerKey);
    }

    public string Name { get; }

    /// <summary>Always four parts.</summary>
    public Version Version { get; }

    public string DiskFileName { get; }

    public long DiskSize { get; }

    public ReadOnlyMemory<byte> DiskHash => _diskHash;

    public string DiskHashHex => Convert.ToHexString(_diskHash);

    public DateTimeOffset SignedAt { get; }

    public string SignerName { get; }

    /// <summary>DER SPKI of the signer's P-384 key.</summary>
    public ReadOnlyMemory<byte> SignerKey => _signerKey;

    /// <summary>SHA-256 of <see cref="SignerKey"/>; what shielding data qualifiers name.</summary>
    public string SignerThumbprint { get; }

    /// <summary>Signs a disk read as a stream (never loaded whole). The disk's file name is stored, not its path.</summary>
    public static async Task<VolumeSignatureCatalog> SignAsync(
        Stream disk, string name, Version version, string diskFileName, Guardian signer, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(time);
        TextRules.Require(name, nameof(name), 1, NameMaxLength);
        TextRules.Require(diskFileName, nameof(diskFileName), 1, DiskFileNameMaxLength);
        if (diskFileName.IndexOfAny(ForbiddenFileNameChars) >= 0)
        {
            throw new ArgumentException("The disk file name must be a file name, not a path.", nameof(diskFileName));
        }

        version = CatalogVersion.Normalize(version);
        var (hash, size) = await DiskHasher.HashAsync(disk, long.MaxValue, cancellationToken).ConfigureAwait(false);
        var signedAt = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

        var writer = new FormatWriter();
        writer.WriteHeader(Magic, FormatVersion);
        writer.WriteString(name);
        writer.WriteVersion(version);
        writer.WriteString(diskFileName);
        writer.WriteInt64(size);
        writer.WriteByte(HashAlgorithmSha384);
        writer.WriteFixed(hash);
        writer.WriteTimestamp(signedAt);
        writer.WriteString(signer.Name);
        writer.WriteBytes16(signer.PublicKeys.SigningKey.Span);
        writer.WriteFixed(Convert.FromHexString(signer.PublicKeys.SigningThumbprint));
        writer.WriteBytes16(signer.Sign(writer.Written));

        return new VolumeSignatureCatalog(
            writer.ToArray(), name, version, diskFileName, size, hash!, signedAt, signer.Name, signer.PublicKeys.SigningKey.ToArray());
    }

    /// <summary>Async twin of <see cref="Read(Stream, int)"/>, for upload streams that refuse synchronous reads.</summary>
    public static async Task<VolumeSignatureCatalog> ReadAsync(Stream stream, int maxBytes = MaxBytes, CancellationToken cancellationToken = default) =>
        Read(await BoundedStream.ReadAllAsync(stream, maxBytes, Format, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads at most <paramref name="maxBytes"/> from a stream, then <see cref="Read(ReadOnlySpan{byte})"/>.</summary>
    public static VolumeSignatureCatalog Read(Stream stream, int maxBytes = MaxBytes) =>
        Read(BoundedStream.ReadAll(stream, maxBytes, Format));

    /// <summary>
    /// Parses a catalog and verifies its signature; throws <see cref="VolumeSignatureCatalogFormatException"/> with the
    /// reason. A catalog returned here is exactly what its signer signed.
    /// </summary>
    public static VolumeSignatureCatalog Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw ShieldingFormatException.Create(Format, ShieldingFormatError.TooLarge, $"the file is larger than {MaxBytes} bytes.");
        }

        var reader = new FormatReader(bytes, Format);
        reader.ReadHeader(Magic, FormatVersion);
        var name = reader.ReadString("catalog name", 1, NameMaxLength);
        var version = reader.ReadVersion("catalog version");
        var diskFileName = reader.ReadString("disk file name", 1, DiskFileNameMaxLength);
        var diskSize = reader.ReadInt64("disk size");
        if (diskSize < 0)
        {
            throw reader.Fail(ShieldingFormatError.Malformed, "the disk size is negative.");
        }

        var algorithm = reader.ReadByte("hash algorithm");
        if (algorithm != HashAlgorithmSha384)
        {
            throw reader.Fail(ShieldingFormatError.Malformed, $"hash algorithm {algorithm} is not known (1 = SHA-384).");
        }

        var hash = reader.ReadFixed(DiskHasher.HashLength, "disk hash").ToArray();
        var signedAt = reader.ReadTimestamp("signing time");
        var signerName = reader.ReadString("signer name", 1, GuardianPublicKeys.NameMaxLength);
        var signerKey = reader.ReadBytes16("signer key", 1, GuardianAlgorithms.SigningKeyMaxBytes).ToArray();
        var statedThumbprint = Convert.ToHexString(reader.ReadFixed(Thumbprint.ByteLength, "signer thumbprint"));
        var signedLength = reader.Position;
        var signature = reader.ReadBytes16("signature", 0, GuardianAlgorithms.SignatureLength);
        reader.ExpectEnd();

        using var verifier = GuardianAlgorithms.ImportSigningKey(signerKey, Format, "signer key");
        if (statedThumbprint != Thumbprint.Of(signerKey))
        {
            throw reader.Fail(ShieldingFormatError.ThumbprintMismatch, "the signer thumbprint is not the SHA-256 of the signer key.");
        }

        if (signature.IsEmpty)
        {
            throw reader.Fail(ShieldingFormatError.Unsigned, "the catalog is not signed.");
        }

        if (signature.Length != GuardianAlgorithms.SignatureLength
            || !verifier.VerifyData(bytes[..signedLength], signature, GuardianAlgorithms.SignatureHash))
        {
            throw reader.Fail(ShieldingFormatError.SignatureInvalid,
                "the signature does not verify with the signer key: the catalog was changed after it was signed.");
        }

        return new VolumeSignatureCatalog(bytes.ToArray(), name, version, diskFileName, diskSize, hash, signedAt, signerName, signerKey);
    }

    /// <summary>Checks a catalog (format and signature) and then a disk against it.</summary>
    public static async Task<DiskVerificationResult> VerifyAsync(
        ReadOnlyMemory<byte> catalogBytes, Stream disk, CancellationToken cancellationToken = default)
    {
        VolumeSignatureCatalog catalog;
        try
        {
            catalog = Read(catalogBytes.Span);
        }
        catch (VolumeSignatureCatalogFormatException e)
        {
            return new DiskVerificationResult(DiskVerificationFailure.CatalogInvalid, e.Message);
        }

        return await catalog.VerifyDiskAsync(disk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hashes the disk as a stream and compares size and SHA-384 with this catalog.</summary>
    public async Task<DiskVerificationResult> VerifyDiskAsync(Stream disk, CancellationToken cancellationToken = default)
    {
        var (hash, size) = await DiskHasher.HashAsync(disk, DiskSize, cancellationToken).ConfigureAwait(false);
        if (hash is null || size != DiskSize)
        {
            return new DiskVerificationResult(DiskVerificationFailure.SizeMismatch,
                hash is null
                    ? $"The disk is larger than the {DiskSize} bytes the catalog states."
                    : $"The disk has {size} bytes; the catalog states {DiskSize}.");
        }

        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(hash, _diskHash)
            ? DiskVerificationResult.Valid(this)
            : new DiskVerificationResult(DiskVerificationFailure.HashMismatch,
                $"The disk's SHA-384 is {Convert.ToHexString(hash)}; the catalog states {DiskHashHex}: the disk was changed.");
    }

    /// <summary>The exact signed bytes, e.g. to store or to serve as a download.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The public facts the gallery stores for a template; the signer is the signer's key thumbprint.</summary>
    public VolumeSignatureCatalogInfo ToInfo() =>
        VolumeSignatureCatalogInfo.Create(Name, Version.ToString(), SignerThumbprint, DiskHashHex);
}
