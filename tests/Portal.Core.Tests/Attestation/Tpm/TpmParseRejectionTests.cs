using System.Buffers.Binary;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>
/// Hostile or broken TPM structures are refused with <see cref="TpmFormatException"/> and nothing else: truncated at
/// any byte, with bytes after the end, with a wrong magic or type, or with sizes larger than the structure allows.
/// </summary>
public sealed class TpmParseRejectionTests
{
    public static TheoryData<string> Structures => ["TPM2B_PUBLIC", "TPMS_ATTEST", "TPMT_SIGNATURE", "credential file"];

    [Theory]
    [MemberData(nameof(Structures))]
    public void Parse_TruncatedAtAnyByte_ThrowsTpmFormatException(string structure)
    {
        var sample = Sample(structure);
        for (var length = 0; length < sample.Length; length++)
        {
            var truncated = sample[..length];
            Assert.Throws<TpmFormatException>(() => Parse(structure, truncated));
        }
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void Parse_WithTrailingBytes_ThrowsTpmFormatException(string structure)
    {
        Assert.Throws<TpmFormatException>(() => Parse(structure, [.. Sample(structure), 0]));
        Assert.Throws<TpmFormatException>(() => Parse(structure, [.. Sample(structure), .. new byte[64]]));
    }

    [Theory]
    [MemberData(nameof(Structures))]
    public void Parse_WithAnyByteChanged_ParsesOrThrowsOnlyTpmFormatException(string structure)
    {
        var sample = Sample(structure);
        for (var i = 0; i < sample.Length; i++)
        {
            foreach (var value in new byte[] { 0x00, 0xFF, (byte)(sample[i] ^ 0x80) })
            {
                var changed = (byte[])sample.Clone();
                changed[i] = value;
                var exception = Record.Exception(() => Parse(structure, changed));
                Assert.True(exception is null or TpmFormatException, $"byte {i} = {value:X2}: {exception}");
            }
        }
    }

    [Fact]
    public void Quote_WithWrongMagic_IsRefused()
    {
        var quote = TpmSamples.Quote;
        quote[0] = 0xFE;

        var exception = Assert.Throws<TpmFormatException>(() => TpmQuoteInfo.Parse(quote));
        Assert.Contains("magic", exception.Message);
    }

    [Theory]
    [InlineData(0x8014)]
    [InlineData(0x8017)]
    [InlineData(0x8019)]
    public void Attestation_OfAnotherType_IsRefused(ushort type)
    {
        var quote = TpmSamples.Quote;
        BinaryPrimitives.WriteUInt16BigEndian(quote.AsSpan(4), type);

        var exception = Assert.Throws<TpmFormatException>(() => TpmQuoteInfo.Parse(quote));
        Assert.Contains("type", exception.Message);
    }

    [Theory]
    [InlineData(6)] // qualifiedSigner
    [InlineData(6 + 2 + 34)] // extraData
    public void Quote_WithHugeSize_IsRefused(int offset)
    {
        var quote = TpmSamples.Quote;
        BinaryPrimitives.WriteUInt16BigEndian(quote.AsSpan(offset), 0xFFFF);

        Assert.Throws<TpmFormatException>(() => TpmQuoteInfo.Parse(quote));
    }

    [Fact]
    public void Quote_WithHugeBankCountOrSelection_IsRefused()
    {
        var countOffset = 6 + 2 + 34 + 2 + 32 + 17 + 8;
        var quote = TpmSamples.Quote;
        BinaryPrimitives.WriteUInt32BigEndian(quote.AsSpan(countOffset), uint.MaxValue);
        Assert.Throws<TpmFormatException>(() => TpmQuoteInfo.Parse(quote));

        quote = TpmSamples.Quote;
        quote[countOffset + 4 + 2] = 0xFF;
        Assert.Throws<TpmFormatException>(() => TpmQuoteInfo.Parse(quote));
    }

    [Fact]
    public void PublicArea_WithSizeFieldNotMatchingTheBytes_IsRefused()
    {
        var ak = TpmSamples.AttestationKey;
        BinaryPrimitives.WriteUInt16BigEndian(ak, (ushort)(ak.Length - 3));
        Assert.Throws<TpmFormatException>(() => TpmPublicArea.Parse(ak));

        BinaryPrimitives.WriteUInt16BigEndian(ak, 0xFFFF);
        Assert.Throws<TpmFormatException>(() => TpmPublicArea.Parse(ak));
    }

    [Theory]
    [InlineData(2, 0x0008)] // a keyed-hash object, not RSA or ECC
    [InlineData(4, 0x0012)] // a name algorithm that is no hash (SM3 is not supported either)
    public void PublicArea_OfUnsupportedAlgorithm_IsRefused(int offset, ushort algorithm)
    {
        var ak = TpmSamples.AttestationKey;
        BinaryPrimitives.WriteUInt16BigEndian(ak.AsSpan(offset), algorithm);

        Assert.Throws<TpmFormatException>(() => TpmPublicArea.Parse(ak));
    }

    [Fact]
    public void Signature_WithUnknownSchemeOrHugeSize_IsRefused()
    {
        var signature = TpmSamples.QuoteSignature;
        BinaryPrimitives.WriteUInt16BigEndian(signature, 0x001C); // SM2
        Assert.Throws<TpmFormatException>(() => TpmSignature.Parse(signature));

        signature = TpmSamples.QuoteSignature;
        BinaryPrimitives.WriteUInt16BigEndian(signature.AsSpan(4), 0xFFFF);
        Assert.Throws<TpmFormatException>(() => TpmSignature.Parse(signature));
    }

    [Fact]
    public void CredentialFile_WithWrongMagic_IsRefused()
    {
        var file = TpmSamples.Tpm2ToolsCredential;
        file[3] ^= 1;

        Assert.Throws<TpmFormatException>(() => TpmCredential.FromTpm2ToolsFile(file));
    }

    private static byte[] Sample(string structure) => structure switch
    {
        "TPM2B_PUBLIC" => TpmSamples.AttestationKey,
        "TPMS_ATTEST" => TpmSamples.Quote,
        "TPMT_SIGNATURE" => TpmSamples.QuoteSignature,
        _ => TpmSamples.Tpm2ToolsCredential,
    };

    private static object Parse(string structure, byte[] bytes) => structure switch
    {
        "TPM2B_PUBLIC" => TpmPublicArea.Parse(bytes),
        "TPMS_ATTEST" => TpmQuoteInfo.Parse(bytes),
        "TPMT_SIGNATURE" => TpmSignature.Parse(bytes),
        _ => TpmCredential.FromTpm2ToolsFile(bytes),
    };
}
