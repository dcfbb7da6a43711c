using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>The software TPM produces real TPM 2.0 structures that HGS's .NET verification accepts, and refuses what a TPM refuses.</summary>
public sealed class SoftwareTpmTests : IDisposable
{
    private readonly List<string> _folders = [];
    private readonly string _folder;
    private readonly FakeTimeProvider _time = new();

    public SoftwareTpmTests()
    {
        _folder = NewFolder();
    }

    [Fact]
    public async Task EndorsementKey_IsAnEccP256KeyWithTheStandardEkTemplate()
    {
        using var tpm = await StartAsync();

        var ek = TpmPublicArea.Parse(tpm.EndorsementKey.Span);

        Assert.Equal(TpmAlgorithm.Ecc, ek.Type);
        Assert.Equal(256, ek.KeyBits);
        Assert.Equal(TpmAlgorithm.Sha256, ek.NameAlgorithm);
        Assert.Equal(
            TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
            | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt,
            ek.Attributes);
        Assert.Equal("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA", Convert.ToHexString(ek.AuthPolicy));
        Assert.Equal((TpmAlgorithm.Aes, 128, TpmAlgorithm.Cfb), (ek.SymmetricAlgorithm, ek.SymmetricKeyBits, ek.SymmetricMode));
        Assert.False(ek.IsAttestationKey);
        Assert.Null(tpm.EndorsementKeyCertificate);
    }

    [Fact]
    public async Task AttestationKey_IsARestrictedEcdsaSigningKey()
    {
        using var tpm = await StartAsync();

        var ak = TpmPublicArea.Parse(tpm.AttestationKey.Span);

        Assert.True(ak.IsAttestationKey);
        Assert.Equal((TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256), (ak.Scheme, ak.SchemeHash));
    }

    [Fact]
    public async Task Keys_PersistAcrossRestarts()
    {
        byte[] ek, ak;
        using (var first = await StartAsync())
        {
            (ek, ak) = (first.EndorsementKey.ToArray(), first.AttestationKey.ToArray());
        }

        using var second = await StartAsync();
        using var otherHost = await StartAsync(folder: NewFolder());

        Assert.Equal(ek, second.EndorsementKey.ToArray());
        Assert.Equal(ak, second.AttestationKey.ToArray());
        Assert.NotEqual(ek, otherHost.EndorsementKey.ToArray());
    }

    [Fact]
    public async Task Quote_ParsesVerifiesWithTheAkAndCarriesTheQualifyingDataAndThePcrs()
    {
        using var tpm = await StartAsync();
        var qualifyingData = RandomNumberGenerator.GetBytes(32);

        var quote = await tpm.QuoteAsync(qualifyingData, PolicyPcrs.Quoted, CancellationToken.None);

        var ak = TpmPublicArea.Parse(tpm.AttestationKey.Span);
        var info = TpmQuoteInfo.Parse(quote.Attestation);
        Assert.True(ak.Verify(quote.Attestation, TpmSignature.Parse(quote.Signature)));
        Assert.Equal(qualifyingData, info.ExtraData);
        Assert.Equal(ak.Name, info.QualifiedSigner);
        Assert.Equal(PolicyPcrs.Quoted, Assert.Single(info.PcrSelection).Pcrs);
        Assert.Equal(PolicyPcrs.Quoted, quote.Pcrs.Select(p => p.Index));
        Assert.Equal(SHA256.HashData(quote.Pcrs.SelectMany(p => p.Digest).ToArray()), info.PcrDigest);
    }

    [Fact]
    public async Task Quote_PcrsAreTheMeasuredBootExtendedFromZero()
    {
        var boot = SimulatedBoot.From(new SimulationOptions());
        using var tpm = await StartAsync();

        var quote = await tpm.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None);

        foreach (var pcr in quote.Pcrs)
        {
            var expected = new byte[32];
            foreach (var e in boot.Measured.Events.Where(e => e.Pcr == pcr.Index))
            {
                expected = SHA256.HashData([.. expected, .. e.Sha256Digest]);
            }

            Assert.Equal(expected, pcr.Digest);
        }

        Assert.Equal(boot.Measured.ToBytes(), tpm.EventLog.ToArray());
    }

    [Fact]
    public async Task Quote_WithAnyBitFlipped_DoesNotVerify()
    {
        using var tpm = await StartAsync();
        var quote = await tpm.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None);
        var ak = TpmPublicArea.Parse(tpm.AttestationKey.Span);
        var signature = TpmSignature.Parse(quote.Signature);

        for (var bit = 0; bit < quote.Attestation.Length * 8; bit += 5)
        {
            var flipped = (byte[])quote.Attestation.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ak.Verify(flipped, signature), $"bit {bit}");
        }
    }

    [Fact]
    public async Task Quote_ClockAdvancesWithTime()
    {
        using var tpm = await StartAsync();
        var first = TpmQuoteInfo.Parse((await tpm.QuoteAsync(new byte[32], [0], CancellationToken.None)).Attestation);

        _time.Advance(TimeSpan.FromSeconds(5));
        var second = TpmQuoteInfo.Parse((await tpm.QuoteAsync(new byte[32], [0], CancellationToken.None)).Attestation);

        Assert.Equal(5000UL, second.Clock - first.Clock);
    }

    [Fact]
    public async Task SecureBootOff_ChangesPcr7Only()
    {
        using var healthy = await StartAsync();
        using var insecure = await StartAsync(new SimulationOptions { SecureBootOff = true }, NewFolder());

        var a = (await healthy.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None)).Pcrs;
        var b = (await insecure.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None)).Pcrs;

        Assert.Equal([7], a.Zip(b).Where(p => !p.First.Digest.SequenceEqual(p.Second.Digest)).Select(p => p.First.Index));
    }

    [Fact]
    public async Task TamperBootLog_ReportsALogThatNoLongerReplaysToThePcrs()
    {
        using var honest = await StartAsync();
        using var tampered = await StartAsync(new SimulationOptions { TamperBootLog = true }, NewFolder());

        var honestPcrs = (await honest.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None)).Pcrs;
        var tamperedPcrs = (await tampered.QuoteAsync(new byte[32], PolicyPcrs.Quoted, CancellationToken.None)).Pcrs;
        var replayed = TcgEventLog.Parse(tampered.EventLog.Span).Replay();

        Assert.Equal(honestPcrs.Select(p => p.Digest), tamperedPcrs.Select(p => p.Digest));
        Assert.NotEqual(honest.EventLog.ToArray(), tampered.EventLog.ToArray());
        Assert.NotEqual(tamperedPcrs.Single(p => p.Index == 4).Digest, replayed[4]);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 24 })]
    [InlineData(new[] { -1 })]
    [InlineData(new[] { 7, 7 })]
    public async Task Quote_OfPcrsATpmDoesNotHave_Throws(int[] pcrs)
    {
        using var tpm = await StartAsync();

        await Assert.ThrowsAsync<TpmException>(() => tpm.QuoteAsync(new byte[32], pcrs, CancellationToken.None));
    }

    [Fact]
    public async Task ActivateCredential_MadeForThisEkAndAk_ReturnsTheSecret()
    {
        using var tpm = await StartAsync();
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        var credential = CredentialActivation.Make(
            TpmPublicArea.Parse(tpm.EndorsementKey.Span), TpmPublicArea.Parse(tpm.AttestationKey.Span).Name, secret);

        Assert.Equal(secret, await tpm.ActivateCredentialAsync(credential, CancellationToken.None));
    }

    [Fact]
    public async Task ActivateCredential_MadeForAnotherAkOrAnotherTpm_Throws()
    {
        using var tpm = await StartAsync();
        using var other = await StartAsync(folder: NewFolder());
        var ek = TpmPublicArea.Parse(tpm.EndorsementKey.Span);
        var otherAk = TpmPublicArea.Parse(other.AttestationKey.Span);
        var forOtherAk = CredentialActivation.Make(ek, otherAk.Name, new byte[32]);
        var forOtherEk = CredentialActivation.Make(
            TpmPublicArea.Parse(other.EndorsementKey.Span), TpmPublicArea.Parse(tpm.AttestationKey.Span).Name, new byte[32]);

        await Assert.ThrowsAsync<TpmException>(() => tpm.ActivateCredentialAsync(forOtherAk, CancellationToken.None));
        await Assert.ThrowsAsync<TpmException>(() => tpm.ActivateCredentialAsync(forOtherEk, CancellationToken.None));
    }

    [Fact]
    public async Task Members_BeforeInitialize_Throw()
    {
        using var tpm = new SoftwareTpm(Options(new SimulationOptions(), _folder), _time);

        Assert.Throws<InvalidOperationException>(() => tpm.EndorsementKey);
        await Assert.ThrowsAsync<InvalidOperationException>(() => tpm.QuoteAsync(new byte[32], [0], CancellationToken.None));
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Another host's data folder: a TPM of its own.</summary>
    private string NewFolder()
    {
        var folder = Directory.CreateTempSubdirectory("software-tpm-").FullName;
        _folders.Add(folder);
        return folder;
    }

    private async Task<SoftwareTpm> StartAsync(SimulationOptions? simulate = null, string? folder = null)
    {
        var tpm = new SoftwareTpm(Options(simulate ?? new SimulationOptions(), folder ?? _folder), _time);
        await tpm.InitializeAsync(CancellationToken.None);
        return tpm;
    }

    private static IOptions<HostAttestationOptions> Options(SimulationOptions simulate, string folder) =>
        Microsoft.Extensions.Options.Options.Create(new HostAttestationOptions { DataFolder = folder, Simulate = simulate });
}
