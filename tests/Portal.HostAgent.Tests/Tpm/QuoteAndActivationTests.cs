using System.Buffers.Binary;
using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Tpm;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QuoteAndActivationTests : IAsyncLifetime
{
    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;
    private Tpm2ToolsTpm _tpm = null!;

    public async Task InitializeAsync()
    {
        _tpm = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        await _tpm.InitializeAsync(_ct);
    }

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public async Task Quotes_OverTheFirmwareAndPolicyPcrs_Work50TimesInARow_SignedByTheAk_OverTheQualifyingData()
    {
        var ak = RsaPublicArea.Parse(_tpm.AttestationKey.ToArray());
        using var akKey = RSA.Create(ak.Key);
        var expected = SwtpmHosts.HandReplay(SwtpmHosts.HandBoot().Measured);

        for (var i = 0; i < 50; i++)
        {
            var qualifyingData = RandomNumberGenerator.GetBytes(32);

            var quote = await _tpm.QuoteAsync(qualifyingData, PolicyPcrs.Quoted, _ct);

            Assert.Equal(0xFF544347u, BinaryPrimitives.ReadUInt32BigEndian(quote.Attestation)); // TPM_GENERATED_VALUE
            Assert.Equal((ushort)0x8018, BinaryPrimitives.ReadUInt16BigEndian(quote.Attestation.AsSpan(4))); // TPM_ST_ATTEST_QUOTE
            Assert.True(quote.Attestation.AsSpan().IndexOf(qualifyingData) > 0, "the quote does not carry the qualifying data");
            Assert.Equal((ushort)0x0014, BinaryPrimitives.ReadUInt16BigEndian(quote.Signature)); // RSASSA
            var signature = quote.Signature.AsSpan(6, BinaryPrimitives.ReadUInt16BigEndian(quote.Signature.AsSpan(4)));
            Assert.True(akKey.VerifyData(quote.Attestation, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), $"quote {i}: bad AK signature");
            Assert.Equal(PolicyPcrs.Quoted, quote.Pcrs.Select(p => p.Index));
            Assert.All(quote.Pcrs, p => Assert.Equal(Convert.ToHexString(expected[p.Index]), Convert.ToHexString(p.Digest)));
        }

        var transient = await SwtpmHosts.Tpm2Async(_tpm.SwtpmAddress, "tpm2_getcap", "handles-transient");
        Assert.Equal("", transient.Trim());
    }

    [Fact]
    public async Task AQuoteThatDoesNotFitTheTpm_IsRefusedBeforeItRuns()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _tpm.QuoteAsync(new byte[65], PolicyPcrs.Quoted, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _tpm.QuoteAsync(new byte[32], [24], _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _tpm.QuoteAsync(new byte[32], [], _ct));
    }

    [Fact]
    public async Task ACredentialMadeForThisEkAndAk_IsActivated_AndTheSecretLeavesNoFileBehind()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var credential = await MakeCredentialAsync(_tpm.EndorsementKey.ToArray(), RsaPublicArea.Parse(_tpm.AttestationKey.ToArray()).Name, secret);

        var recovered = await _tpm.ActivateCredentialFileAsync(credential, _ct);

        Assert.Equal(secret, recovered);
        var work = Path.Combine(_hosts.DataFolder("host-a"), "tpm", "work");
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(work));
        var sessions = await SwtpmHosts.Tpm2Async(_tpm.SwtpmAddress, "tpm2_getcap", "handles-loaded-session");
        Assert.Equal("", sessions.Trim());
    }

    [Fact]
    public async Task ACredentialMadeForAnotherAkName_DoesNotOpen_AndSaysSo()
    {
        var otherName = new byte[] { 0x00, 0x0B }.Concat(SHA256.HashData("another key"u8.ToArray())).ToArray();
        var credential = await MakeCredentialAsync(_tpm.EndorsementKey.ToArray(), otherName, RandomNumberGenerator.GetBytes(32));

        var refused = await Assert.ThrowsAsync<TpmException>(() => _tpm.ActivateCredentialFileAsync(credential, _ct));

        Assert.StartsWith("The credential does not open on this TPM: it was made for another attestation key than the one at 0x81010010", refused.Message, StringComparison.Ordinal);
        Assert.Contains("tpm2_activatecredential failed", refused.Message, StringComparison.Ordinal);
        // The TPM is still usable: the failed attempt left no session behind.
        var quote = await _tpm.QuoteAsync(new byte[32], PolicyPcrs.Quoted, _ct);
        Assert.NotEmpty(quote.Signature);
    }

    [Fact]
    public async Task ACredentialMadeForAnotherTpmsEk_DoesNotOpen()
    {
        var other = _hosts.Tpm("host-b", boot: SwtpmHosts.HandBoot());
        await other.InitializeAsync(_ct);
        var credential = await MakeCredentialAsync(other.EndorsementKey.ToArray(), RsaPublicArea.Parse(_tpm.AttestationKey.ToArray()).Name, RandomNumberGenerator.GetBytes(32));

        var refused = await Assert.ThrowsAsync<TpmException>(() => _tpm.ActivateCredentialFileAsync(credential, _ct));

        Assert.StartsWith("The credential does not open on this TPM: its seed was encrypted to another TPM's endorsement key.", refused.Message, StringComparison.Ordinal);
        var quote = await _tpm.QuoteAsync(new byte[32], PolicyPcrs.Quoted, _ct);
        Assert.NotEmpty(quote.Signature);
    }

    /// <summary>TPM2_MakeCredential in software by tpm2-tools (no TPM involved), as a verifier would.</summary>
    private async Task<byte[]> MakeCredentialAsync(byte[] endorsementKey, byte[] name, byte[] secret)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_hosts.Folder, "make-" + Guid.NewGuid().ToString("N"))).FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "ek.pub"), endorsementKey, _ct);
        await File.WriteAllBytesAsync(Path.Combine(folder, "secret"), secret, _ct);
        await SwtpmHosts.Tpm2Async(null, "tpm2_makecredential", "-T", "none", "-e", Path.Combine(folder, "ek.pub"), "-s", Path.Combine(folder, "secret"),
            "-n", Convert.ToHexString(name), "-o", Path.Combine(folder, "credential"));
        var credential = await File.ReadAllBytesAsync(Path.Combine(folder, "credential"), _ct);
        Directory.Delete(folder, recursive: true);
        return credential;
    }
}
