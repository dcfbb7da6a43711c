using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Tpm;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>What the swtpm produces through the agent, read and checked with the .NET TPM structures HGS uses.</summary>
public sealed class CoreStructuresOnSwtpmTests : IAsyncLifetime
{
    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;
    private Tpm2ToolsTpm _tpm = null!;

    public async Task InitializeAsync()
    {
        _tpm = _hosts.Tpm("host-a");
        await _tpm.InitializeAsync(_ct);
    }

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public async Task ACredentialMadeByCoresMakeCredential_IsActivated()
    {
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        var credential = CredentialActivation.Make(TpmPublicArea.Parse(_tpm.EndorsementKey.Span), TpmPublicArea.Parse(_tpm.AttestationKey.Span).Name, secret);

        Assert.Equal(secret, await _tpm.ActivateCredentialAsync(credential, _ct));
    }

    [Fact]
    public async Task ACredentialMadeByCoreForAnotherName_IsRefused()
    {
        var otherName = new byte[] { 0x00, 0x0B }.Concat(SHA256.HashData("another key"u8.ToArray())).ToArray();
        var credential = CredentialActivation.Make(TpmPublicArea.Parse(_tpm.EndorsementKey.Span), otherName, RandomNumberGenerator.GetBytes(32));

        var refused = await Assert.ThrowsAsync<TpmException>(() => _tpm.ActivateCredentialAsync(credential, _ct));

        Assert.StartsWith("The credential does not open on this TPM", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuote_ParsesAndVerifies_WithTheAttestationKey_OverTheQualifyingDataAndPcrValues()
    {
        var qualifyingData = RandomNumberGenerator.GetBytes(32);

        var quote = await _tpm.QuoteAsync(qualifyingData, PolicyPcrs.Quoted, _ct);

        var ak = TpmPublicArea.Parse(_tpm.AttestationKey.Span);
        Assert.True(ak.IsAttestationKey);
        var info = TpmQuoteInfo.Parse(quote.Attestation);
        Assert.Equal(qualifyingData, info.ExtraData);
        Assert.Equal([new TpmPcrSelection(TpmAlgorithm.Sha256, PolicyPcrs.Quoted)], info.PcrSelection, new SelectionComparer());
        Assert.Equal(SHA256.HashData(quote.Pcrs.SelectMany(p => p.Digest).ToArray()), info.PcrDigest);
        Assert.True(ak.Verify(quote.Attestation, TpmSignature.Parse(quote.Signature)));
        var flipped = (byte[])quote.Attestation.Clone();
        flipped[^1] ^= 1;
        Assert.False(ak.Verify(flipped, TpmSignature.Parse(quote.Signature)));
        var replay = TcgEventLog.Parse(_tpm.EventLog.Span).Replay();
        Assert.All(quote.Pcrs, p => Assert.Equal(replay[p.Index], p.Digest));
    }

    [Fact]
    public void TheEkCertificate_CertifiesTheEndorsementKey()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(_tpm.EndorsementKeyCertificate!.Value.Span);

        Assert.Equal(TpmPublicArea.Parse(_tpm.EndorsementKey.Span).ToSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    private sealed class SelectionComparer : IEqualityComparer<TpmPcrSelection>
    {
        public bool Equals(TpmPcrSelection? x, TpmPcrSelection? y) => x!.Hash == y!.Hash && x.Pcrs.SequenceEqual(y.Pcrs);

        public int GetHashCode(TpmPcrSelection obj) => (int)obj.Hash;
    }
}
