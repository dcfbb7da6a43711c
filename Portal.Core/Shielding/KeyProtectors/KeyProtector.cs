using System.Security.Cryptography;
using Portal.Core.Shielding.Binary;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Shielding.KeyProtectors;

/// <summary>
/// A key protector (KP, magic "TPKP", version 1): a VM's 256-bit key (disk / vTPM) wrapped with RSA-OAEP-SHA256 for the
/// owner guardian and each fabric guardian, with an id and a commitment — HMAC-SHA256 under a key derived from the VM
/// key — over every byte before it. Whoever unwraps can tell whether the protector (its id, guardian list or any
/// wrapped key) was altered. It is not signed: the fabric creates it for a new VM, the owner is offline.
/// See docs/formats/key-protector.md.
/// </summary>
public sealed class KeyProtector
{
    public const ushort FormatVersion = 1;

    public const int MaxGuardians = ShieldingDataFile.MaxGuardians;

    public const int MaxBytes = 128 * 1024;

    private const int CommitmentLength = 32;

    private const ShieldingFormat Format = ShieldingFormat.KeyProtector;

    private static readonly byte[] Magic = "TPKP"u8.ToArray();

    private static readonly byte[] CommitmentInfo = "TenantPortal key protector v1 commitment"u8.ToArray();

    private readonly byte[] _bytes;
    private readonly IReadOnlyList<WrappedKey> _wrappedKeys;

    private KeyProtector(byte[] bytes, Guid id, GuardianPublicKeys owner, IReadOnlyList<GuardianPublicKeys> guardians, IReadOnlyList<WrappedKey> wrappedKeys)
    {
        _bytes = bytes;
        Id = id;
        Owner = owner;
        Guardians = guardians;
        _wrappedKeys = wrappedKeys;
    }

    public Guid Id { get; }

    public GuardianPublicKeys Owner { get; }

    public IReadOnlyList<GuardianPublicKeys> Guardians { get; }

    /// <summary>A fresh random 256-bit VM key.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(KeyWrap.KeyLength);

    /// <summary>Wraps a 32-byte VM key for the owner and each guardian (1 to 32 distinct guardians).</summary>
    public static KeyProtector Create(GuardianPublicKeys owner, IEnumerable<GuardianPublicKeys> guardians, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var guardianList = guardians?.ToList() ?? throw new ArgumentNullException(nameof(guardians));
        if (key.Length != KeyWrap.KeyLength)
        {
            throw new ArgumentException($"A VM key is {KeyWrap.KeyLength} bytes.", nameof(key));
        }

        if (guardianList.Count is 0 or > MaxGuardians || ShieldingDataFile.FindDuplicate(owner, guardianList) is not null)
        {
            throw new ArgumentException($"Give 1 to {MaxGuardians} guardians, none listed twice nor equal to the owner.", nameof(guardians));
        }

        var writer = new FormatWriter();
        writer.WriteHeader(Magic, FormatVersion);
        writer.WriteFixed(Guid.NewGuid().ToByteArray(bigEndian: true));
        owner.WriteTo(writer);
        writer.WriteCount(guardianList.Count);
        guardianList.ForEach(g => g.WriteTo(writer));
        var recipients = guardianList.Prepend(owner).ToList();
        writer.WriteCount(recipients.Count);
        foreach (var recipient in recipients)
        {
            new WrappedKey(recipient.EncryptionThumbprint, KeyWrap.Wrap(key, recipient)).WriteTo(writer);
        }

        writer.WriteFixed(Commitment(key, writer.Written));
        return Read(writer.ToArray());
    }

    /// <summary>Parses a key protector (bounded; no key needed). Throws <see cref="KeyProtectorFormatException"/>.</summary>
    public static KeyProtector Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw ShieldingFormatException.Create(Format, ShieldingFormatError.TooLarge, $"the file is larger than {MaxBytes} bytes.");
        }

        var reader = new FormatReader(bytes, Format);
        reader.ReadHeader(Magic, FormatVersion);
        var id = new Guid(reader.ReadFixed(16, "id"), bigEndian: true);
        var owner = GuardianPublicKeys.ReadFrom(ref reader, Format, "owner guardian");
        var count = reader.ReadByte("guardian count");
        if (count == 0)
        {
            throw reader.Fail(ShieldingFormatError.NoGuardians, "it lists no guardian.");
        }

        if (count > MaxGuardians)
        {
            throw reader.Fail(ShieldingFormatError.LengthOutOfBounds, $"guardian count is {count}; at most {MaxGuardians} are allowed.");
        }

        var guardians = new List<GuardianPublicKeys>(count);
        for (var i = 0; i < count; i++)
        {
            guardians.Add(GuardianPublicKeys.ReadFrom(ref reader, Format, $"guardian {i + 1}"));
        }

        if (ShieldingDataFile.FindDuplicate(owner, guardians) is { } duplicate)
        {
            throw reader.Fail(ShieldingFormatError.DuplicateGuardian, $"guardian \"{duplicate.Name}\" is listed twice.");
        }

        var recipients = guardians.Prepend(owner).ToList();
        var wrapCount = reader.ReadByte("wrapped key count");
        if (wrapCount != recipients.Count)
        {
            throw reader.Fail(ShieldingFormatError.WrappedKeysMismatch, $"it has {wrapCount} wrapped keys for {recipients.Count} guardians (owner included).");
        }

        var wrappedKeys = new List<WrappedKey>(wrapCount);
        for (var i = 0; i < wrapCount; i++)
        {
            var wrapped = WrappedKey.ReadFrom(ref reader, $"wrapped key {i + 1}");
            if (wrapped.RecipientThumbprint != recipients[i].EncryptionThumbprint || wrapped.Bytes.Length != recipients[i].WrappedKeyLength)
            {
                throw reader.Fail(ShieldingFormatError.WrappedKeysMismatch, $"wrapped key {i + 1} is not for \"{recipients[i].Name}\" or has the wrong length.");
            }

            wrappedKeys.Add(wrapped);
        }

        reader.ReadFixed(CommitmentLength, "commitment");
        reader.ExpectEnd();
        return new KeyProtector(bytes.ToArray(), id, owner, guardians, wrappedKeys);
    }

    /// <summary>True when the key was wrapped for this guardian (owner or listed guardian).</summary>
    public bool IsWrappedFor(GuardianPublicKeys guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        return _wrappedKeys.Any(w => w.RecipientThumbprint == guardian.EncryptionThumbprint);
    }

    /// <summary>
    /// Unwraps the VM key with a listed guardian's private key and checks the commitment. Throws
    /// <see cref="GuardianNotListedException"/> for an unlisted guardian and <see cref="KeyProtectorFormatException"/>
    /// (UnwrapFailed, CommitmentMismatch) when the protector was altered. The caller zeroes the returned key.
    /// </summary>
    public byte[] Unwrap(Guardian guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        var wrapped = _wrappedKeys.FirstOrDefault(w => w.RecipientThumbprint == guardian.PublicKeys.EncryptionThumbprint)
            ?? throw new GuardianNotListedException(guardian.PublicKeys.EncryptionThumbprint, Format);
        var key = guardian.TryUnwrap(wrapped.Bytes.Span)
            ?? throw ShieldingFormatException.Create(Format, ShieldingFormatError.UnwrapFailed, "the key wrapped for this guardian cannot be unwrapped with its private key.");

        var signedLength = _bytes.Length - CommitmentLength;
        if (!CryptographicOperations.FixedTimeEquals(Commitment(key, _bytes.AsSpan(0, signedLength)), _bytes.AsSpan(signedLength)))
        {
            CryptographicOperations.ZeroMemory(key);
            throw ShieldingFormatException.Create(Format, ShieldingFormatError.CommitmentMismatch,
                "the commitment does not match the unwrapped key: the protector or a wrapped key was altered.");
        }

        return key;
    }

    /// <summary>
    /// HGS's key release: unwraps with the fabric guardian's private key (checking the commitment) and wraps the VM key
    /// (RSA-OAEP-SHA256) for <paramref name="recipientPublicKey"/> — a healthy host's transport key — alone.
    /// </summary>
    public byte[] RewrapFor(Guardian guardian, RSA recipientPublicKey)
    {
        ArgumentNullException.ThrowIfNull(recipientPublicKey);
        var key = Unwrap(guardian);
        try
        {
            return KeyWrap.Wrap(key, recipientPublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public byte[] ToArray() => (byte[])_bytes.Clone();

    private static byte[] Commitment(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Span<byte> macKey = stackalloc byte[CommitmentLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, macKey, salt: [], info: CommitmentInfo);
        try
        {
            return HMACSHA256.HashData(macKey, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(macKey);
        }
    }
}
