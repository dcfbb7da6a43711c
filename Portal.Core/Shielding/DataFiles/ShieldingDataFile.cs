using System.Security.Cryptography;
using Portal.Core.Shielding.Binary;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.KeyProtectors;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// A shielding data file (<c>.pdk</c>, magic "TPDK", version 1): an owner-signed public part (id, time, policy, owner,
/// guardians, qualifiers), a fresh AES-256 content key wrapped (RSA-OAEP-SHA256) for the owner and each guardian, and
/// the secrets sealed with AES-256-GCM under that key (the header and public part are the associated data). The owner's
/// ECDSA-P384-SHA384 signature covers every byte before it, so no byte can change unnoticed. See docs/formats/pdk.md.
/// </summary>
/// <remarks>
/// The portal calls <see cref="ReadPublic(ReadOnlySpan{byte}, int)"/> and stores the bytes as uploaded. HGS calls
/// <see cref="Read(ReadOnlySpan{byte}, int)"/> then <see cref="RewrapContentKey"/>; the host then calls
/// <see cref="OpenWithContentKey"/>. The tenant's own tools call <see cref="Open"/>.
/// </remarks>
public sealed class ShieldingDataFile
{
    public const ushort FormatVersion = 1;

    /// <summary>Default and maximum size we create; uploads should be cut off at this before buffering.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    public const int MaxGuardians = 32;

    public const int MaxQualifiers = 64;

    internal const int NonceLength = 12;

    internal const int TagLength = 16;

    private const ShieldingFormat Format = ShieldingFormat.ShieldingData;

    private static readonly byte[] Magic = "TPDK"u8.ToArray();

    private readonly byte[] _bytes;
    private readonly int _associatedDataLength;
    private readonly IReadOnlyList<WrappedKey> _wrappedKeys;
    private readonly Range _nonce;
    private readonly Range _ciphertext;
    private readonly Range _tag;

    private ShieldingDataFile(
        byte[] bytes, ShieldingDataMetadata metadata, int associatedDataLength, IReadOnlyList<WrappedKey> wrappedKeys,
        Range nonce, Range ciphertext, Range tag, IReadOnlyList<FieldRegion> regions)
    {
        _bytes = bytes;
        Metadata = metadata;
        _associatedDataLength = associatedDataLength;
        _wrappedKeys = wrappedKeys;
        _nonce = nonce;
        _ciphertext = ciphertext;
        _tag = tag;
        Regions = regions;
    }

    /// <summary>The validated, owner-signed public part.</summary>
    public ShieldingDataMetadata Metadata { get; }

    /// <summary>Where each field lies in the file; lets tests flip bytes field by field.</summary>
    internal IReadOnlyList<FieldRegion> Regions { get; }

    /// <summary>
    /// Seals a payload for the owner and the given guardians, trusting the given template catalogs, and signs it with
    /// the owner's signing key. Throws <see cref="ArgumentException"/> for a bad request (no guardians, duplicates, too big).
    /// </summary>
    public static ShieldingDataFile Create(
        Guardian owner,
        IEnumerable<GuardianPublicKeys> guardians,
        IEnumerable<VolumeIdQualifier> qualifiers,
        ShieldingPolicy policy,
        ShieldingPayload payload,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(time);
        var guardianList = guardians?.ToList() ?? throw new ArgumentNullException(nameof(guardians));
        var qualifierList = qualifiers?.ToList() ?? throw new ArgumentNullException(nameof(qualifiers));
        CheckRecipients(owner.PublicKeys, guardianList);
        if (qualifierList.Count is 0 or > MaxQualifiers || qualifierList.Distinct().Count() != qualifierList.Count)
        {
            throw new ArgumentException($"Give 1 to {MaxQualifiers} distinct volume ID qualifiers.", nameof(qualifiers));
        }

        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown policy.");
        }

        var writer = new FormatWriter();
        writer.WriteHeader(Magic, FormatVersion);
        writer.WriteFixed(Guid.NewGuid().ToByteArray(bigEndian: true));
        writer.WriteTimestamp(time.GetUtcNow());
        writer.WriteByte((byte)policy);
        owner.PublicKeys.WriteTo(writer);
        writer.WriteCount(guardianList.Count);
        guardianList.ForEach(g => g.WriteTo(writer));
        writer.WriteCount(qualifierList.Count);
        qualifierList.ForEach(q => q.WriteTo(writer));
        var associatedData = writer.ToArray();

        var contentKey = RandomNumberGenerator.GetBytes(KeyWrap.KeyLength);
        var plaintext = PayloadCodec.Encode(payload);
        try
        {
            var recipients = guardianList.Prepend(owner.PublicKeys).ToList();
            writer.WriteCount(recipients.Count);
            foreach (var recipient in recipients)
            {
                new WrappedKey(recipient.EncryptionThumbprint, KeyWrap.Wrap(contentKey, recipient)).WriteTo(writer);
            }

            var nonce = RandomNumberGenerator.GetBytes(NonceLength);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[TagLength];
            using (var aes = new AesGcm(contentKey, TagLength))
            {
                aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
            }

            writer.WriteFixed(nonce);
            writer.WriteBytes32(ciphertext);
            writer.WriteFixed(tag);
            writer.WriteBytes16(owner.Sign(writer.Written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        if (writer.Length > DefaultMaxBytes)
        {
            throw new ArgumentException($"The shielding data file would be {writer.Length} bytes; the limit is {DefaultMaxBytes}.", nameof(payload));
        }

        // Read back what we wrote: the file we hand out has passed the same checks as any upload.
        return Read(writer.ToArray());
    }

    /// <summary>
    /// Validates an uploaded file and returns its public metadata — no key is needed and no secret is touched.
    /// Throws <see cref="ShieldingDataFormatException"/> with a one-line reason (empty, too large, truncated, wrong
    /// magic, unknown version, length out of bounds, unsigned, signature invalid, no guardians, …).
    /// </summary>
    public static ShieldingDataMetadata ReadPublic(ReadOnlySpan<byte> bytes, int maxBytes = DefaultMaxBytes) => Read(bytes, maxBytes).Metadata;

    /// <summary>As <see cref="ReadPublic(ReadOnlySpan{byte}, int)"/>, reading at most <paramref name="maxBytes"/> + 1 bytes of the stream.</summary>
    public static ShieldingDataMetadata ReadPublic(Stream stream, int maxBytes = DefaultMaxBytes) => Read(stream, maxBytes).Metadata;

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> + 1 bytes of an upload asynchronously (Blazor and request-body streams
    /// refuse synchronous reads) and validates it like <see cref="Read(ReadOnlySpan{byte}, int)"/>. Store
    /// <see cref="ToArray"/> (the bytes exactly as sent) and <see cref="Metadata"/>.
    /// </summary>
    public static async Task<ShieldingDataFile> ReadAsync(Stream stream, int maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default) =>
        Read(await BoundedStream.ReadAllAsync(stream, maxBytes, Format, cancellationToken).ConfigureAwait(false), maxBytes);

    /// <inheritdoc cref="Read(ReadOnlySpan{byte}, int)"/>
    public static ShieldingDataFile Read(Stream stream, int maxBytes = DefaultMaxBytes) =>
        Read(BoundedStream.ReadAll(stream, maxBytes, Format), maxBytes);

    /// <summary>Validates the whole file (structure, bounds, owner signature) and keeps it ready to open.</summary>
    public static ShieldingDataFile Read(ReadOnlySpan<byte> bytes, int maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (bytes.Length > maxBytes)
        {
            throw Fail(ShieldingFormatError.TooLarge, $"the file is {bytes.Length} bytes; the limit is {maxBytes}.");
        }

        var regions = new List<FieldRegion>();
        var reader = new FormatReader(bytes, Format);
        reader.ReadHeader(Magic, FormatVersion);
        regions.Add(new FieldRegion("header", 0, reader.Position));

        var start = reader.Position;
        var fileId = new Guid(reader.ReadFixed(16, "file id"), bigEndian: true);
        regions.Add(new FieldRegion("file id", start, 16));
        var createdAt = reader.ReadTimestamp("creation time");
        regions.Add(new FieldRegion("creation time", start + 16, 8));
        var policyByte = reader.ReadByte("policy");
        regions.Add(new FieldRegion("policy", start + 24, 1));
        if (!Enum.IsDefined((ShieldingPolicy)policyByte))
        {
            throw Fail(ShieldingFormatError.Malformed, $"policy {policyByte} is not known (1 = Shielded, 2 = EncryptionSupported).");
        }

        start = reader.Position;
        var owner = GuardianPublicKeys.ReadFrom(ref reader, Format, "owner guardian");
        regions.Add(new FieldRegion("owner guardian", start, reader.Position - start));

        start = reader.Position;
        var guardianCount = reader.ReadByte("guardian count");
        if (guardianCount == 0)
        {
            throw Fail(ShieldingFormatError.NoGuardians, "it lists no guardian, so no fabric could ever run a VM from it.");
        }

        if (guardianCount > MaxGuardians)
        {
            throw Fail(ShieldingFormatError.LengthOutOfBounds, $"guardian count is {guardianCount}; at most {MaxGuardians} are allowed.");
        }

        var guardians = new List<GuardianPublicKeys>(guardianCount);
        for (var i = 0; i < guardianCount; i++)
        {
            guardians.Add(GuardianPublicKeys.ReadFrom(ref reader, Format, $"guardian {i + 1}"));
        }

        regions.Add(new FieldRegion("guardians", start, reader.Position - start));
        var duplicate = FindDuplicate(owner, guardians);
        if (duplicate is not null)
        {
            throw Fail(ShieldingFormatError.DuplicateGuardian, $"guardian \"{duplicate.Name}\" ({duplicate.SigningThumbprint}) is listed twice.");
        }

        start = reader.Position;
        var qualifierCount = reader.ReadByte("qualifier count");
        if (qualifierCount == 0)
        {
            throw Fail(ShieldingFormatError.NoQualifiers, "it trusts no template disk (no volume ID qualifier).");
        }

        if (qualifierCount > MaxQualifiers)
        {
            throw Fail(ShieldingFormatError.LengthOutOfBounds, $"qualifier count is {qualifierCount}; at most {MaxQualifiers} are allowed.");
        }

        var qualifiers = new List<VolumeIdQualifier>(qualifierCount);
        for (var i = 0; i < qualifierCount; i++)
        {
            qualifiers.Add(VolumeIdQualifier.ReadFrom(ref reader, $"qualifier {i + 1}"));
        }

        regions.Add(new FieldRegion("qualifiers", start, reader.Position - start));
        var associatedDataLength = reader.Position;

        start = reader.Position;
        var recipients = guardians.Prepend(owner).ToList();
        var wrapCount = reader.ReadByte("wrapped key count");
        if (wrapCount != recipients.Count)
        {
            throw Fail(ShieldingFormatError.WrappedKeysMismatch, $"it has {wrapCount} wrapped keys for {recipients.Count} guardians (owner included).");
        }

        var wrappedKeys = new List<WrappedKey>(wrapCount);
        for (var i = 0; i < wrapCount; i++)
        {
            var wrapped = WrappedKey.ReadFrom(ref reader, $"wrapped key {i + 1}");
            if (!Thumbprint.AreEqual(wrapped.RecipientThumbprint, recipients[i].EncryptionThumbprint)
                || wrapped.Bytes.Length != recipients[i].WrappedKeyLength)
            {
                throw Fail(ShieldingFormatError.WrappedKeysMismatch,
                    $"wrapped key {i + 1} is not for \"{recipients[i].Name}\" or has the wrong length.");
            }

            wrappedKeys.Add(wrapped);
        }

        regions.Add(new FieldRegion("wrapped keys", start, reader.Position - start));

        var nonceStart = reader.Position;
        reader.ReadFixed(NonceLength, "nonce");
        regions.Add(new FieldRegion("nonce", nonceStart, NonceLength));
        var ciphertextLength = reader.ReadBytes32("ciphertext", 1, maxBytes).Length;
        var ciphertextStart = reader.Position - ciphertextLength;
        regions.Add(new FieldRegion("ciphertext length", ciphertextStart - 4, 4));
        regions.Add(new FieldRegion("ciphertext", ciphertextStart, ciphertextLength));
        var tagStart = reader.Position;
        reader.ReadFixed(TagLength, "authentication tag");
        regions.Add(new FieldRegion("authentication tag", tagStart, TagLength));

        var signedLength = reader.Position;
        var signature = reader.ReadBytes16("owner signature", 0, GuardianAlgorithms.SignatureLength);
        regions.Add(new FieldRegion("owner signature", signedLength, reader.Position - signedLength));
        reader.ExpectEnd();

        if (signature.IsEmpty)
        {
            throw Fail(ShieldingFormatError.Unsigned, "it is not signed by its owner.");
        }

        using (var verifier = owner.CreateVerifier())
        {
            if (signature.Length != GuardianAlgorithms.SignatureLength
                || !verifier.VerifyData(bytes[..signedLength], signature, GuardianAlgorithms.SignatureHash))
            {
                throw Fail(ShieldingFormatError.SignatureInvalid,
                    "the owner signature does not verify with the owner guardian's signing key: the file was changed after it was signed, or signed by another key.");
            }
        }

        var copy = bytes.ToArray();
        var metadata = new ShieldingDataMetadata(
            fileId, createdAt, (ShieldingPolicy)policyByte, owner, guardians, qualifiers, copy.Length, Convert.ToHexString(SHA256.HashData(copy)));
        return new ShieldingDataFile(
            copy, metadata, associatedDataLength, wrappedKeys,
            new Range(nonceStart, nonceStart + NonceLength),
            new Range(ciphertextStart, ciphertextStart + ciphertextLength),
            new Range(tagStart, tagStart + TagLength),
            regions);
    }

    /// <summary>
    /// Opens the sealed secrets with the private keys of the owner or a listed guardian. Throws
    /// <see cref="GuardianNotListedException"/> for any other key, and <see cref="ShieldingDataFormatException"/> when
    /// the key does not unwrap or the ciphertext fails authentication.
    /// </summary>
    public ShieldingPayload Open(Guardian guardian)
    {
        var contentKey = UnwrapContentKey(guardian);
        try
        {
            return OpenWithContentKey(contentKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>
    /// HGS's key release for a shielding data file: unwraps the content key with the fabric guardian's private key
    /// and wraps it (RSA-OAEP-SHA256) for <paramref name="recipientPublicKey"/> — a healthy host's transport key —
    /// alone. The guardian must be listed (<see cref="GuardianNotListedException"/> otherwise).
    /// </summary>
    public byte[] RewrapContentKey(Guardian guardian, RSA recipientPublicKey)
    {
        ArgumentNullException.ThrowIfNull(recipientPublicKey);
        var contentKey = UnwrapContentKey(guardian);
        try
        {
            return KeyWrap.Wrap(contentKey, recipientPublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>Decrypts the sealed secrets with a content key a host received from HGS (see <see cref="KeyWrap.Unwrap"/>).</summary>
    public ShieldingPayload OpenWithContentKey(ReadOnlySpan<byte> contentKey)
    {
        if (contentKey.Length != KeyWrap.KeyLength)
        {
            throw new ArgumentException($"A content key is {KeyWrap.KeyLength} bytes.", nameof(contentKey));
        }

        var ciphertext = _bytes.AsSpan(_ciphertext);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using (var aes = new AesGcm(contentKey, TagLength))
            {
                aes.Decrypt(_bytes.AsSpan(_nonce), ciphertext, _bytes.AsSpan(_tag), plaintext, _bytes.AsSpan(0, _associatedDataLength));
            }

            return PayloadCodec.Decode(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Fail(ShieldingFormatError.CiphertextTampered,
                "the sealed secrets fail authentication: the ciphertext, nonce, tag or public part was changed, or the key is not this file's.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>True when the file was wrapped for this guardian (as owner or listed guardian).</summary>
    public bool IsWrappedFor(GuardianPublicKeys guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        return _wrappedKeys.Any(w => Thumbprint.AreEqual(w.RecipientThumbprint, guardian.EncryptionThumbprint));
    }

    /// <summary>The exact bytes of the file.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    private byte[] UnwrapContentKey(Guardian guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        var wrapped = _wrappedKeys.FirstOrDefault(w => Thumbprint.AreEqual(w.RecipientThumbprint, guardian.PublicKeys.EncryptionThumbprint))
            ?? throw new GuardianNotListedException(guardian.PublicKeys.EncryptionThumbprint, Format);
        return guardian.TryUnwrap(wrapped.Bytes.Span)
            ?? throw Fail(ShieldingFormatError.UnwrapFailed, "the content key wrapped for this guardian cannot be unwrapped with its private key.");
    }

    private static void CheckRecipients(GuardianPublicKeys owner, List<GuardianPublicKeys> guardians)
    {
        if (guardians.Count == 0)
        {
            throw new ArgumentException("List at least one guardian: the fabric that may run the VM.", nameof(guardians));
        }

        if (guardians.Count > MaxGuardians)
        {
            throw new ArgumentException($"At most {MaxGuardians} guardians.", nameof(guardians));
        }

        var duplicate = FindDuplicate(owner, guardians);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Guardian \"{duplicate.Name}\" is listed twice (or is the owner).", nameof(guardians));
        }
    }

    /// <summary>A guardian whose signing or encryption key appears more than once across owner and guardians.</summary>
    internal static GuardianPublicKeys? FindDuplicate(GuardianPublicKeys owner, IReadOnlyList<GuardianPublicKeys> guardians)
    {
        var signing = new HashSet<string>(StringComparer.Ordinal) { owner.SigningThumbprint };
        var encryption = new HashSet<string>(StringComparer.Ordinal) { owner.EncryptionThumbprint };
        return guardians.FirstOrDefault(g => !signing.Add(g.SigningThumbprint) | !encryption.Add(g.EncryptionThumbprint));
    }

    private static ShieldingDataFormatException Fail(ShieldingFormatError error, string detail) =>
        (ShieldingDataFormatException)ShieldingFormatException.Create(Format, error, detail);
}
