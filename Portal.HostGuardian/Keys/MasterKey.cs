using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.HostGuardian.Options;

namespace Portal.HostGuardian.Keys;

/// <summary>
/// HGS's master key: AES-256-GCM sealing of the private keys HGS stores. Sealed blob = version (1) ‖ 12-byte nonce ‖
/// ciphertext ‖ 16-byte tag; the associated data names what is sealed, so one sealed key cannot stand in for another.
/// </summary>
public sealed class MasterKey : IDisposable
{
    public const int KeyLength = 32;
    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const string DevelopmentKeyFileName = "master.key";

    private readonly byte[] _key;

    private MasterKey(byte[] key) => _key = key;

    public static MasterKey Load(IOptions<HgsOptions> options, IHostEnvironment environment, ILogger<MasterKey> logger)
    {
        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.MasterKey))
        {
            return new MasterKey(TryDecode(settings.MasterKey) ?? throw new InvalidOperationException("Hgs:MasterKey is not a base64 32-byte key."));
        }

        if (!string.IsNullOrWhiteSpace(settings.MasterKeyFile))
        {
            return new MasterKey(ReadKeyFile(settings.MasterKeyFile));
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException("HGS has no master key (Hgs:MasterKey or Hgs:MasterKeyFile) and is not in Development.");
        }

        var path = Path.Combine(settings.DataFolder, DevelopmentKeyFileName);
        if (File.Exists(path))
        {
            logger.LogWarning("HGS is using the Development master key in {Path}; configure Hgs:MasterKey or Hgs:MasterKeyFile in production", path);
            return new MasterKey(ReadKeyFile(path));
        }

        Directory.CreateDirectory(settings.DataFolder);
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        logger.LogWarning("HGS generated a Development master key in {Path}; it sits next to the store it protects, which is only acceptable in Development", path);
        return new MasterKey(key);
    }

    /// <summary>Decodes a base64 32-byte key, or null.</summary>
    public static byte[]? TryDecode(string text)
    {
        var buffer = new byte[KeyLength + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == KeyLength ? buffer[..KeyLength] : null;
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var sealedBytes = new byte[1 + NonceLength + plaintext.Length + TagLength];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(1 + NonceLength, plaintext.Length), sealedBytes.AsSpan(^TagLength), AssociatedData(purpose));
        return sealedBytes;
    }

    /// <summary>Opens a sealed blob; throws when it was altered, sealed for another purpose, or under another master key.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string purpose)
    {
        if (sealedBytes.Length < 1 + NonceLength + TagLength || sealedBytes[0] != Version)
        {
            throw new CryptographicException($"The sealed '{purpose}' is not a version {Version} blob.");
        }

        var plaintext = new byte[sealedBytes.Length - 1 - NonceLength - TagLength];
        using var aes = new AesGcm(_key, TagLength);
        try
        {
            aes.Decrypt(sealedBytes.Slice(1, NonceLength), sealedBytes.Slice(1 + NonceLength, plaintext.Length), sealedBytes[^TagLength..], plaintext, AssociatedData(purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"The sealed '{purpose}' does not open with this master key: wrong master key, or the store was altered.");
        }

        return plaintext;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    private static byte[] AssociatedData(string purpose) => System.Text.Encoding.UTF8.GetBytes("tenantportal-hgs:" + purpose);

    private static byte[] ReadKeyFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == KeyLength)
        {
            return bytes;
        }

        return TryDecode(System.Text.Encoding.UTF8.GetString(bytes))
            ?? throw new InvalidOperationException($"The master key file '{path}' must hold 32 raw bytes or their base64.");
    }
}
