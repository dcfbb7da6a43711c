using System.Security.Cryptography;
using Portal.Core.Attestation;

namespace Portal.HostGuardian.Tests;

public sealed class HealthCertificateTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ECDsa Signer = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private static readonly RSA Transport = RSA.Create(2048);

    [Fact]
    public void Verify_AnyByteFlipped_IsRefused()
    {
        var bytes = Issue();
        for (var i = 0; i < bytes.Length; i += 7)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x40;

            Assert.Throws<HealthCertificateException>(() => HealthCertificate.Verify(altered, SignerSpki, Now));
        }
    }

    [Fact]
    public void Verify_SignedByAnotherKey_IsWrongSigner()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var refused = Assert.Throws<HealthCertificateException>(() => HealthCertificate.Verify(Issue(), other.ExportSubjectPublicKeyInfo(), Now));

        Assert.Equal(HealthCertificateError.WrongSigner, refused.Error);
    }

    [Fact]
    public void Verify_SignatureAltered_IsBadSignature()
    {
        var bytes = Issue();
        bytes[^5] ^= 0x01;

        var refused = Assert.Throws<HealthCertificateException>(() => HealthCertificate.Verify(bytes, SignerSpki, Now));

        Assert.Equal(HealthCertificateError.BadSignature, refused.Error);
    }

    [Fact]
    public void Verify_AtOrAfterExpiry_IsExpired()
    {
        var refused = Assert.Throws<HealthCertificateException>(() => HealthCertificate.Verify(Issue(), SignerSpki, Now.AddMinutes(10)));

        Assert.Equal(HealthCertificateError.Expired, refused.Error);
        Assert.Equal(Now.AddMinutes(10), HealthCertificate.Verify(Issue(), SignerSpki, Now.AddMinutes(10).AddTicks(-TimeSpan.TicksPerMillisecond)).ExpiresAt);
    }

    [Fact]
    public void Verify_IssuedInTheFuture_IsNotYetValid()
    {
        var refused = Assert.Throws<HealthCertificateException>(() => HealthCertificate.Verify(Issue(), SignerSpki, Now.AddMinutes(-3)));

        Assert.Equal(HealthCertificateError.NotYetValid, refused.Error);
    }

    [Fact]
    public void Read_TrailingBytes_IsMalformed()
    {
        var refused = Assert.Throws<HealthCertificateException>(() => HealthCertificate.Read([.. Issue(), 0]));

        Assert.Equal(HealthCertificateError.Malformed, refused.Error);
    }

    [Fact]
    public void Verify_GenuineCertificate_RoundTripsEveryField()
    {
        var serial = Guid.NewGuid();
        var hostId = Guid.NewGuid();

        var certificate = HealthCertificate.Verify(Issue(serial, hostId), SignerSpki, Now);

        Assert.Equal(serial, certificate.Serial);
        Assert.Equal(hostId, certificate.HostId);
        Assert.Equal("host-1", certificate.HostName);
        Assert.Equal(AttestationMode.HostKey, certificate.Mode);
        Assert.Equal(Transport.ExportSubjectPublicKeyInfo(), certificate.TransportKey.ToArray());
        Assert.Equal(Now, certificate.IssuedAt);
    }

    private static byte[] SignerSpki => Signer.ExportSubjectPublicKeyInfo();

    private static byte[] Issue(Guid? serial = null, Guid? hostId = null) =>
        HealthCertificate.Issue(serial ?? Guid.NewGuid(), hostId ?? Guid.NewGuid(), "host-1", Transport.ExportSubjectPublicKeyInfo(),
            AttestationMode.HostKey, Now, Now.AddMinutes(10), Signer).ToArray();
}
