using System.Security.Cryptography;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>MakeCredential and the software ActivateCredential agree, and activation refuses anything not made for its key and name.</summary>
public sealed class CredentialActivationTests : IDisposable
{
    private const TpmObjectAttributes EkAttributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;

    private readonly ECDiffieHellman _ek = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    private readonly TpmPublicArea _ekPublic;
    private readonly byte[] _akName = [0x00, 0x0B, .. RandomNumberGenerator.GetBytes(32)];

    public CredentialActivationTests()
    {
        _ekPublic = EkPublic(_ek);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(CredentialActivation.SecretLength)]
    public void Activate_OfCredentialMadeForThisEkAndName_ReturnsTheSecret(int length)
    {
        var secret = RandomNumberGenerator.GetBytes(length);

        var credential = CredentialActivation.Make(_ekPublic, _akName, secret);

        Assert.Equal(secret, CredentialActivation.Activate(_ek, _ekPublic, _akName, credential));
    }

    [Fact]
    public void Activate_ForAnotherName_ReturnsNull()
    {
        var credential = CredentialActivation.Make(_ekPublic, _akName, RandomNumberGenerator.GetBytes(32));
        byte[] otherName = [.. _akName];
        otherName[^1] ^= 1;

        Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, otherName, credential));
    }

    [Fact]
    public void Activate_WithAnotherEk_ReturnsNull()
    {
        using var otherEk = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var credential = CredentialActivation.Make(EkPublic(otherEk), _akName, RandomNumberGenerator.GetBytes(32));

        Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, _akName, credential));
    }

    [Fact]
    public void Activate_WithAnyBitOfTheCredentialFlipped_ReturnsNull()
    {
        var credential = CredentialActivation.Make(_ekPublic, _akName, RandomNumberGenerator.GetBytes(32));

        for (var bit = 0; bit < credential.CredentialBlob.Length * 8; bit++)
        {
            var blob = (byte[])credential.CredentialBlob.Clone();
            blob[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, _akName, credential with { CredentialBlob = blob }));
        }

        for (var bit = 0; bit < credential.EncryptedSecret.Length * 8; bit++)
        {
            var encrypted = (byte[])credential.EncryptedSecret.Clone();
            encrypted[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, _akName, credential with { EncryptedSecret = encrypted }));
        }
    }

    [Fact]
    public void Activate_OfGarbage_ReturnsNull()
    {
        Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, _akName, new TpmCredential([], [])));
        Assert.Null(CredentialActivation.Activate(_ek, _ekPublic, _akName, new TpmCredential(new byte[70], new byte[70])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(CredentialActivation.SecretLength + 1)]
    public void Make_WithSecretOfWrongLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => CredentialActivation.Make(_ekPublic, _akName, new byte[length]));
    }

    [Fact]
    public void Make_ForASigningKeyOrABadName_Throws()
    {
        var signingKey = TpmPublicArea.CreateEcc(TpmAlgorithm.Sha256, TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign, [], 0,
            TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256, _ek.ExportParameters(false));

        Assert.Throws<ArgumentException>(() => CredentialActivation.Make(signingKey, _akName, new byte[32]));
        Assert.Throws<ArgumentException>(() => CredentialActivation.Make(_ekPublic, _akName[..^1], new byte[32]));
        Assert.Throws<ArgumentException>(() => CredentialActivation.Make(_ekPublic, [], new byte[32]));
    }

    [Fact]
    public void PublicArea_WithAPointOffTheCurve_IsRefused()
    {
        var encoded = _ekPublic.Encoded;
        encoded[^1] ^= 1;

        Assert.Throws<TpmFormatException>(() => TpmPublicArea.Parse(encoded));
    }

    [Fact]
    public void CreateEcc_ParsesBackToTheSameKey()
    {
        var parameters = _ek.ExportParameters(false);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_ekPublic.ToSubjectPublicKeyInfo(), out _);

        Assert.Equal(parameters.Q.X, ecdsa.ExportParameters(false).Q.X);
        Assert.Equal(parameters.Q.Y, ecdsa.ExportParameters(false).Q.Y);
        Assert.Equal(TpmAlgorithm.Ecc, _ekPublic.Type);
        Assert.Equal(256, _ekPublic.KeyBits);
    }

    [Fact]
    public void RsaOaep_WithEmptyLabel_DecryptsWithDotNetOaep()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        var message = RandomNumberGenerator.GetBytes(32);

        var encrypted = RsaOaep.Encrypt(parameters.Modulus, parameters.Exponent, TpmAlgorithm.Sha256, [], message);

        Assert.Equal(message, rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA256));
    }

    public void Dispose() => _ek.Dispose();

    private static TpmPublicArea EkPublic(ECDiffieHellman key) =>
        TpmPublicArea.CreateEcc(TpmAlgorithm.Sha256, EkAttributes, new byte[32], 128, TpmAlgorithm.Null, TpmAlgorithm.Null, key.ExportParameters(false));
}
