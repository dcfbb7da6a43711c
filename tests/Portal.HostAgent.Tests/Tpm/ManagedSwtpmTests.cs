using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

public sealed class ManagedSwtpmTests : IAsyncLifetime
{
    private readonly SwtpmHosts _hosts = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _hosts.DisposeAsync().AsTask();

    [Fact]
    public async Task FirstStart_ManufacturesTheSwtpm_WithAnRsaEk_AndAnEkCertificateIssuedByTheLocalCa()
    {
        var tpm = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());

        await tpm.InitializeAsync(_ct);

        Assert.Matches(@"^swtpm \d+\.\d+\.\d+ at 127\.0\.0\.1:\d+ \(managed\)$", tpm.Description);
        Assert.Equal($"swtpm {tpm.Description.Split(' ')[1]} at {tpm.SwtpmAddress} (managed)", tpm.Description);
        Assert.True(File.Exists(Path.Combine(_hosts.DataFolder("host-a"), "tpm", "swtpm", "tpm2-00.permall")));
        var ek = RsaPublicArea.Parse(tpm.EndorsementKey.ToArray());
        Assert.Equal(256, ek.Key.Modulus!.Length);
        Assert.Equal(RsaPublicArea.Restricted | RsaPublicArea.Decrypt, ek.Attributes & (RsaPublicArea.Restricted | RsaPublicArea.Decrypt | RsaPublicArea.Sign));

        var der = Assert.NotNull(tpm.EndorsementKeyCertificate).ToArray();
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        Assert.Equal(der.Length, certificate.RawData.Length);
        using var issuer = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_hosts.SharedCa, "issuercert.pem")));
        Assert.Equal(issuer.SubjectName.RawData, certificate.IssuerName.RawData);
        Assert.True(IsSignedBy(certificate, issuer), "the EK certificate's signature does not verify with the local CA's key");
        using var certifiedKey = certificate.PublicKey.GetRSAPublicKey()!;
        Assert.Equal(ek.Key.Modulus, certifiedKey.ExportParameters(false).Modulus);
    }

    [Fact]
    public async Task TheAttestationKey_IsCreatedOnce_AndIsTheSameAfterTheAgentRestarts()
    {
        var first = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        await first.InitializeAsync(_ct);
        var attestationKey = first.AttestationKey.ToArray();
        var endorsementKey = first.EndorsementKey.ToArray();
        await first.DisposeAsync();

        var restarted = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        await restarted.InitializeAsync(_ct);

        Assert.Equal(attestationKey, restarted.AttestationKey.ToArray());
        Assert.Equal(endorsementKey, restarted.EndorsementKey.ToArray());
        var ak = RsaPublicArea.Parse(attestationKey);
        Assert.Equal(RsaPublicArea.Restricted | RsaPublicArea.Sign | RsaPublicArea.FixedTpm,
            ak.Attributes & (RsaPublicArea.Restricted | RsaPublicArea.Sign | RsaPublicArea.Decrypt | RsaPublicArea.FixedTpm));
        var persistent = await SwtpmHosts.Tpm2Async(restarted.SwtpmAddress, "tpm2_getcap", "handles-persistent");
        Assert.Contains("0x81010010", persistent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dispose_StopsTheManagedSwtpm_ByItsPid()
    {
        var tpm = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        await tpm.InitializeAsync(_ct);
        var pid = Assert.NotNull(tpm.SwtpmPid);
        Assert.True(SwtpmHosts.IsRunning(pid));

        await tpm.DisposeAsync();

        Assert.False(SwtpmHosts.IsRunning(pid), $"swtpm (pid {pid}) still runs after Dispose");
        Assert.Null(tpm.SwtpmPid);
    }

    [Fact]
    public async Task AFailedInitialization_LeavesNoSwtpmRunning_AndAnotherAttemptSucceeds()
    {
        Tpm2ToolsTpm tpm = null!;
        int? pidDuringFailure = null;
        var fail = true;
        tpm = _hosts.Tpm("host-a", null, null, () =>
        {
            pidDuringFailure = tpm.SwtpmPid;
            return fail ? throw new InvalidOperationException("no firmware today") : SwtpmHosts.HandBoot();
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => tpm.InitializeAsync(_ct));

        var pid = Assert.NotNull(pidDuringFailure);
        Assert.False(SwtpmHosts.IsRunning(pid), $"swtpm (pid {pid}) still runs after the failed initialization");
        Assert.Null(tpm.SwtpmPid);
        fail = false;
        await tpm.InitializeAsync(_ct);
        Assert.NotNull(tpm.SwtpmPid);
        Assert.NotEqual(pid, tpm.SwtpmPid);
    }

    [Fact]
    public async Task SeveralManagedSwtpms_RunSideBySide_EachItsOwnTpm_CertifiedByTheCaTheyWereGiven()
    {
        var ownCa = Path.Combine(_hosts.Folder, "other-ca");
        var a = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        var b = _hosts.Tpm("host-b", boot: SwtpmHosts.HandBoot());
        var c = _hosts.Tpm("host-c", o => o.SwtpmCertificateAuthorityFolder = ownCa, boot: SwtpmHosts.HandBoot());

        await Task.WhenAll(a.InitializeAsync(_ct), b.InitializeAsync(_ct), c.InitializeAsync(_ct));

        Assert.Equal(3, new[] { a.SwtpmAddress, b.SwtpmAddress, c.SwtpmAddress }.Distinct().Count());
        Assert.Equal(3, new[] { a, b, c }.Select(t => Convert.ToHexString(t.EndorsementKey.Span)).Distinct().Count());
        using var certA = X509CertificateLoader.LoadCertificate(a.EndorsementKeyCertificate!.Value.Span);
        using var certB = X509CertificateLoader.LoadCertificate(b.EndorsementKeyCertificate!.Value.Span);
        using var certC = X509CertificateLoader.LoadCertificate(c.EndorsementKeyCertificate!.Value.Span);
        using var sharedIssuer = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_hosts.SharedCa, "issuercert.pem")));
        using var ownIssuer = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(ownCa, "issuercert.pem")));
        Assert.True(IsSignedBy(certA, sharedIssuer) && IsSignedBy(certB, sharedIssuer));
        Assert.True(IsSignedBy(certC, ownIssuer));
        Assert.False(IsSignedBy(certC, sharedIssuer));
    }

    [Fact]
    public async Task AnAgentPointedAtARunningSwtpm_UsesItsKeys_WithoutRunningOneOfItsOwn()
    {
        var managed = _hosts.Tpm("host-a", boot: SwtpmHosts.HandBoot());
        await managed.InitializeAsync(_ct);

        var attached = _hosts.Tpm("host-a-again", o => o.SwtpmAddress = managed.SwtpmAddress, boot: SwtpmHosts.HandBoot());
        await attached.InitializeAsync(_ct);

        Assert.Equal($"swtpm at {managed.SwtpmAddress}", attached.Description);
        Assert.Null(attached.SwtpmPid);
        Assert.Equal(managed.EndorsementKey.ToArray(), attached.EndorsementKey.ToArray());
        Assert.Equal(managed.AttestationKey.ToArray(), attached.AttestationKey.ToArray());
    }

    // X.509: SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }; swtpm's local CA signs with RSA PKCS#1 v1.5.
    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue();
        var algorithm = reader.ReadSequence().ReadObjectIdentifier();
        var signature = reader.ReadBitString(out _);
        var hash = algorithm switch
        {
            "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => throw new InvalidOperationException($"unexpected signature algorithm {algorithm}"),
        };
        using var key = issuer.GetRSAPublicKey()!;
        return key.VerifyData(tbs.Span, signature, hash, RSASignaturePadding.Pkcs1);
    }
}
