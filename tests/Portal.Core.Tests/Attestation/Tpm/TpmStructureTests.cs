using System.Buffers.Binary;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>Structures a real TPM produced parse to what it meant, verify, and refuse to verify once changed.</summary>
public sealed class TpmStructureTests
{
    private static readonly byte[] QualifyingData = Convert.FromHexString("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");

    [Fact]
    public void PublicArea_OfRealAk_HasTheNameTpm2ToolsReported()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);

        Assert.Equal(TpmSamples.AttestationKeyName, ak.Name);
        Assert.Equal(TpmAlgorithm.Rsa, ak.Type);
        Assert.Equal(TpmAlgorithm.Sha256, ak.NameAlgorithm);
        Assert.Equal(TpmAlgorithm.RsaSsa, ak.Scheme);
        Assert.Equal(2048, ak.KeyBits);
        Assert.Equal(TpmSamples.AttestationKey, ak.Encoded);
    }

    [Fact]
    public void IsAttestationKey_TrueForTheAk_FalseForTheEk()
    {
        Assert.True(TpmPublicArea.Parse(TpmSamples.AttestationKey).IsAttestationKey);
        Assert.False(TpmPublicArea.Parse(TpmSamples.EndorsementKey).IsAttestationKey);
    }

    [Fact]
    public void IsAttestationKey_WithoutRestrictedOrWithDecrypt_IsFalse()
    {
        var ak = TpmSamples.AttestationKey;
        var attributes = (TpmObjectAttributes)BinaryPrimitives.ReadUInt32BigEndian(ak.AsSpan(6));

        Assert.False(TpmPublicArea.Parse(WithAttributes(ak, attributes & ~TpmObjectAttributes.Restricted)).IsAttestationKey);
        Assert.False(TpmPublicArea.Parse(WithAttributes(ak, attributes | TpmObjectAttributes.Decrypt)).IsAttestationKey);
        Assert.False(TpmPublicArea.Parse(WithAttributes(ak, attributes & ~TpmObjectAttributes.FixedTpm)).IsAttestationKey);
        Assert.False(TpmPublicArea.Parse(WithAttributes(ak, attributes & ~TpmObjectAttributes.SensitiveDataOrigin)).IsAttestationKey);
    }

    [Fact]
    public void PublicArea_OfRealEk_IsAnAes128CfbStorageKeyWithTheStandardPolicy()
    {
        var ek = TpmPublicArea.Parse(TpmSamples.EndorsementKey);

        Assert.Equal(TpmAlgorithm.Aes, ek.SymmetricAlgorithm);
        Assert.Equal(128, ek.SymmetricKeyBits);
        Assert.Equal(TpmAlgorithm.Cfb, ek.SymmetricMode);
        Assert.Equal("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA", Convert.ToHexString(ek.AuthPolicy));
    }

    [Fact]
    public void ToSubjectPublicKeyInfo_IsTheSameRsaKey()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(ak.ToSubjectPublicKeyInfo(), out _);

        Assert.Equal(TpmSamples.AttestationKey[^256..], rsa.ExportParameters(false).Modulus);
        Assert.Equal([1, 0, 1], rsa.ExportParameters(false).Exponent);
    }

    [Fact]
    public void Quote_OfRealTpm_ParsesToWhatWasAsked()
    {
        var quote = TpmQuoteInfo.Parse(TpmSamples.Quote);

        Assert.Equal(QualifyingData, quote.ExtraData);
        var bank = Assert.Single(quote.PcrSelection);
        Assert.Equal(TpmAlgorithm.Sha256, bank.Hash);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 12], bank.Pcrs);
        Assert.Equal(32, quote.PcrDigest.Length);
        Assert.Equal(34, quote.QualifiedSigner.Length);
        Assert.True(quote.Safe);
        Assert.Equal(TpmSamples.Quote, quote.Encoded);
    }

    [Fact]
    public void Encode_OfParsedQuote_GivesTheSameBytes()
    {
        var q = TpmQuoteInfo.Parse(TpmSamples.Quote);

        var encoded = TpmQuoteInfo.Encode(q.QualifiedSigner, q.ExtraData, q.Clock, q.ResetCount, q.RestartCount, q.Safe, q.FirmwareVersion,
            q.PcrSelection, q.PcrDigest);

        Assert.Equal(TpmSamples.Quote, encoded);
    }

    [Fact]
    public void Signature_OfRealQuote_VerifiesWithTheAk()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        var signature = TpmSignature.Parse(TpmSamples.QuoteSignature);

        Assert.Equal(TpmAlgorithm.RsaSsa, signature.Scheme);
        Assert.Equal(TpmAlgorithm.Sha256, signature.Hash);
        Assert.True(ak.Verify(TpmSamples.Quote, signature));
        Assert.Equal(TpmSamples.QuoteSignature, signature.ToBytes());
    }

    [Fact]
    public void Signature_OverQuoteWithOneBitFlipped_DoesNotVerify()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        var signature = TpmSignature.Parse(TpmSamples.QuoteSignature);

        for (var bit = 0; bit < TpmSamples.Quote.Length * 8; bit++)
        {
            var quote = TpmSamples.Quote;
            quote[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ak.Verify(quote, signature), $"bit {bit}");
        }
    }

    [Fact]
    public void Signature_WithOneBitFlipped_DoesNotVerify()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        var original = TpmSignature.Parse(TpmSamples.QuoteSignature);

        for (var bit = 0; bit < original.Signature.Length * 8; bit++)
        {
            var bytes = (byte[])original.Signature.Clone();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ak.Verify(TpmSamples.Quote, original with { Signature = bytes }), $"bit {bit}");
        }
    }

    [Theory]
    [InlineData(TpmAlgorithm.RsaPss, TpmAlgorithm.Sha256)]
    [InlineData(TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha1)]
    [InlineData(TpmAlgorithm.RsaSsa, TpmAlgorithm.Sha384)]
    [InlineData(TpmAlgorithm.Ecdsa, TpmAlgorithm.Sha256)]
    [InlineData(TpmAlgorithm.RsaSsa, TpmAlgorithm.Null)]
    public void Signature_WithASchemeOrHashTheKeyIsNotFixedTo_DoesNotVerify(TpmAlgorithm scheme, TpmAlgorithm hash)
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        var original = TpmSignature.Parse(TpmSamples.QuoteSignature);

        Assert.False(ak.Verify(TpmSamples.Quote, original with { Scheme = scheme, Hash = hash, R = original.Signature, S = original.Signature }));
    }

    [Fact]
    public void Signature_OfWrongLength_DoesNotVerifyAndDoesNotThrow()
    {
        var ak = TpmPublicArea.Parse(TpmSamples.AttestationKey);
        var original = TpmSignature.Parse(TpmSamples.QuoteSignature);

        Assert.False(ak.Verify(TpmSamples.Quote, original with { Signature = [] }));
        Assert.False(ak.Verify(TpmSamples.Quote, original with { Signature = original.Signature[1..] }));
        Assert.False(ak.Verify(TpmSamples.Quote, original with { Signature = [.. original.Signature, 0] }));
        Assert.False(ak.Verify(TpmSamples.Quote, original with { Signature = Enumerable.Repeat((byte)0xFF, 256).ToArray() }));
    }

    [Fact]
    public void Tpm2ToolsCredentialFile_ReadsAndWritesTheSameBytes()
    {
        var credential = TpmCredential.FromTpm2ToolsFile(TpmSamples.Tpm2ToolsCredential);

        Assert.Equal(68 + 2, credential.CredentialBlob.Length);
        Assert.Equal(256 + 2, credential.EncryptedSecret.Length);
        Assert.Equal(TpmSamples.Tpm2ToolsCredential, credential.ToTpm2ToolsFile());
    }

    [Fact]
    public void Make_ForRealEk_HasTheLayoutOfTpm2MakeCredential()
    {
        var ek = TpmPublicArea.Parse(TpmSamples.EndorsementKey);

        var file = CredentialActivation.Make(ek, TpmSamples.AttestationKeyName, new byte[32]).ToTpm2ToolsFile();

        Assert.Equal(TpmSamples.Tpm2ToolsCredential.Length, file.Length);
        Assert.Equal(TpmSamples.Tpm2ToolsCredential[..12], file[..12]);
        Assert.Equal(TpmSamples.Tpm2ToolsCredential[(8 + 70)..(8 + 72)], file[(8 + 70)..(8 + 72)]);
    }

    private static byte[] WithAttributes(byte[] tpm2bPublic, TpmObjectAttributes attributes)
    {
        var copy = (byte[])tpm2bPublic.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(6), (uint)attributes);
        return copy;
    }
}
