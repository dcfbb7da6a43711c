using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;

namespace Portal.Bench;

/// <summary>
/// BenchmarkDotNet, one thread: raw AES-256-GCM over as many bytes as the shielding data file (the baseline) against
/// the portal's validation of the file (<see cref="ShieldingDataFile.Read(ReadOnlySpan{byte}, int)"/>, what an upload
/// runs), and that validation's parts: importing the owner's key, the owner signature (ECDSA P-384 over SHA-384 of the
/// whole file), the file's SHA-256 kept with it. Public and not sealed: BenchmarkDotNet derives from it.
/// </summary>
public class UploadValidationBenchmarks
{
    private byte[] _file = [];
    private byte[] _ownerKey = [];
    private byte[] _sealed = [];
    private byte[] _output = [];
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(12);
    private readonly byte[] _tag = new byte[16];
    private AesGcm _aes = default!;
    private ECDsa _owner = default!;

    /// <summary>What each benchmark method measures, for the results table.</summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>
    {
        [nameof(AesGcmEncrypt)] = "raw AES-256-GCM encrypt, same number of bytes",
        [nameof(AesGcmDecrypt)] = "raw AES-256-GCM decrypt (tag checked), same number of bytes",
        [nameof(Validate)] = "validation: ShieldingDataFile.Read (parse, bounds, owner signature, SHA-256, copy)",
        [nameof(VerifyOwnerSignature)] = "… of which the owner signature: ECDSA P-384 verify over SHA-384 of the file",
        [nameof(ImportOwnerKey)] = "… of which importing the owner's key (SPKI, point check)",
        [nameof(Sha256)] = "… of which the file's SHA-256 (kept with it)",
    };

    [Params(BenchShieldingFiles.Typical, BenchShieldingFiles.Largest)]
    public string File { get; set; } = BenchShieldingFiles.Typical;

    [GlobalSetup]
    public void Setup()
    {
        var file = BenchShieldingFiles.Make(File);
        _file = file.Bytes;
        _ownerKey = file.OwnerSigningKey;
        _output = new byte[_file.Length];
        _aes = new AesGcm(RandomNumberGenerator.GetBytes(32), _tag.Length);
        _sealed = new byte[_file.Length];
        _aes.Encrypt(_nonce, _file, _sealed, _tag);
        _owner = ECDsa.Create();
        _owner.ImportSubjectPublicKeyInfo(_ownerKey, out _);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _owner.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void AesGcmEncrypt() => _aes.Encrypt(_nonce, _file, _output, _tag);

    [Benchmark]
    public void AesGcmDecrypt() => _aes.Decrypt(_nonce, _sealed, _tag, _output);

    [Benchmark]
    public ShieldingDataFile Validate() => ShieldingDataFile.Read(_file);

    [Benchmark]
    public bool VerifyOwnerSignature()
    {
        var signed = _file.AsSpan(0, _file.Length - 2 - GuardianAlgorithms.SignatureLength);
        return _owner.VerifyData(signed, _file.AsSpan(_file.Length - GuardianAlgorithms.SignatureLength), HashAlgorithmName.SHA384);
    }

    [Benchmark]
    public void ImportOwnerKey()
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_ownerKey, out _);
    }

    [Benchmark]
    public byte[] Sha256() => SHA256.HashData(_file);
}
