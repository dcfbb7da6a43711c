using System.Security.Cryptography;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>Quotes a real TPM 2.0 (swtpm) made with tpm2_quote parse, match the PCRs, and verify with the AK's public area.</summary>
public sealed class QuoteInteropTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private static readonly int[] QuotedPcrs = [0, 1, 2, 3, 4, 5, 6, 7, 12];
    private const string Selection = "sha256:0,1,2,3,4,5,6,7,12";

    private readonly Swtpm _tpm = fixture.Tpm;

    [Theory]
    [InlineData(SwtpmFixture.RsaAk)]
    [InlineData(SwtpmFixture.EccAk)]
    public void Quote_FromTpm2Quote_ParsesCarriesTheQualifyingDataAndPcrDigestAndVerifies(string akHandle)
    {
        var ak = AkOf(akHandle);
        var qualifyingData = RandomNumberGenerator.GetBytes(32);

        var (message, signature, pcrValues) = Quote(akHandle, qualifyingData);
        var quote = TpmQuoteInfo.Parse(message);

        Assert.Equal(qualifyingData, quote.ExtraData);
        var bank = Assert.Single(quote.PcrSelection);
        Assert.Equal(TpmAlgorithm.Sha256, bank.Hash);
        Assert.Equal(QuotedPcrs, bank.Pcrs);
        Assert.Equal(SHA256.HashData(pcrValues), quote.PcrDigest);
        Assert.NotEqual(new byte[32], pcrValues.AsSpan(7 * 32, 32).ToArray());
        Assert.True(ak.Verify(message, TpmSignature.Parse(signature)));
        Assert.Equal(message, TpmQuoteInfo.Encode(quote.QualifiedSigner, quote.ExtraData, quote.Clock, quote.ResetCount,
            quote.RestartCount, quote.Safe, quote.FirmwareVersion, quote.PcrSelection, quote.PcrDigest));
    }

    [Theory]
    [InlineData(SwtpmFixture.RsaAk)]
    [InlineData(SwtpmFixture.EccAk)]
    public void Quote_WithAnyBitFlipped_DoesNotVerify(string akHandle)
    {
        var ak = AkOf(akHandle);
        var (message, signature, _) = Quote(akHandle, RandomNumberGenerator.GetBytes(32));
        var parsed = TpmSignature.Parse(signature);

        for (var bit = 0; bit < message.Length * 8; bit += 7)
        {
            var flipped = (byte[])message.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(ak.Verify(flipped, parsed), $"bit {bit} of the quote");
        }
    }

    [Theory]
    [InlineData(SwtpmFixture.RsaAk)]
    [InlineData(SwtpmFixture.EccAk)]
    public void Signature_WithAnyBitFlipped_DoesNotVerify(string akHandle)
    {
        var ak = AkOf(akHandle);
        var (message, signature, _) = Quote(akHandle, RandomNumberGenerator.GetBytes(32));

        // Past the scheme and hash: those are refused as a wrong scheme, tested on their own.
        for (var bit = 4 * 8; bit < signature.Length * 8; bit += 3)
        {
            var flipped = (byte[])signature.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var verified = TryParse(flipped) is { } parsed && ak.Verify(message, parsed);
            Assert.False(verified, $"bit {bit} of the signature");
        }
    }

    [Fact]
    public void Signature_ByTheOtherAk_DoesNotVerify()
    {
        var (message, signature, _) = Quote(SwtpmFixture.RsaAk, RandomNumberGenerator.GetBytes(32));
        var (eccMessage, eccSignature, _) = Quote(SwtpmFixture.EccAk, RandomNumberGenerator.GetBytes(32));

        Assert.False(fixture.EccAttestationKey.Verify(message, TpmSignature.Parse(signature)));
        Assert.False(fixture.RsaAttestationKey.Verify(eccMessage, TpmSignature.Parse(eccSignature)));
    }

    private TpmPublicArea AkOf(string handle) => handle == SwtpmFixture.RsaAk ? fixture.RsaAttestationKey : fixture.EccAttestationKey;

    private static TpmSignature? TryParse(byte[] signature)
    {
        try
        {
            return TpmSignature.Parse(signature);
        }
        catch (TpmFormatException)
        {
            return null;
        }
    }

    private (byte[] Message, byte[] Signature, byte[] PcrValues) Quote(string akHandle, byte[] qualifyingData)
    {
        var tag = akHandle[^2..];
        try
        {
            _tpm.Tool("tpm2_quote", "-c", akHandle, "-l", Selection, "-q", Convert.ToHexString(qualifyingData),
                "-m", $"quote-{tag}.msg", "-s", $"quote-{tag}.sig", "-g", "sha256");
            _tpm.Flush();
            _tpm.Tool("tpm2_pcrread", Selection, "-o", $"pcrs-{tag}.bin");
            return (File.ReadAllBytes(_tpm.PathOf($"quote-{tag}.msg")), File.ReadAllBytes(_tpm.PathOf($"quote-{tag}.sig")),
                File.ReadAllBytes(_tpm.PathOf($"pcrs-{tag}.bin")));
        }
        finally
        {
            _tpm.Flush();
        }
    }
}
