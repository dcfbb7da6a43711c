using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Attestation;

namespace Portal.Bench;

/// <summary>
/// The parsing and cryptography of HGS's TPM-trusted check without its database: the same Portal.Core and HGS calls,
/// in the same order, as <c>AttestationService.Validate</c> and <c>TpmAttestationCheck</c> make them — validate the
/// request (the transport key is imported), thumbprints of the transport key and the EK, parse EK and AK (TPM2B_PUBLIC),
/// quote (TPMS_ATTEST) and signature (TPMT_SIGNATURE), verify the signature with the AK, check extraData, hash the PCR
/// values to the quoted digest, parse the TCG event log, verify its event digests, replay it to the quoted PCRs, then
/// the firmware PCR digest and the measured code-integrity policy that policy is looked up by. Left out: the host, AK,
/// nonce, measurement, baseline and policy rows, the health certificate, and the record and audit writes.
/// <c>TpmAttestationCheck</c> is internal and reads the database between these steps, so this is a copy of its order,
/// not a call to it: a change there must be made here too.
/// </summary>
public static class EvidenceVerification
{
    /// <summary>Null when the evidence would pass these checks, else the first step that refused it.</summary>
    public static string? Verify(AttestationRequest request)
    {
        if (AttestationService.Validate(request) is { } errors)
        {
            return $"malformed: {string.Join(", ", errors.Keys)}";
        }

        var tpm = request.Tpm!;
        var transportThumbprint = Thumbprint.Of(request.TransportKey);
        var endorsementKey = TpmPublicArea.Parse(tpm.EndorsementKey);
        _ = Thumbprint.Of(endorsementKey.ToSubjectPublicKeyInfo());
        var attestationKey = TpmPublicArea.Parse(tpm.AttestationKey);
        if (!attestationKey.IsAttestationKey)
        {
            return "the AK is not a restricted signing key";
        }

        _ = attestationKey.NameHex;
        var quote = TpmQuoteInfo.Parse(tpm.Quote);
        var signature = TpmSignature.Parse(tpm.Signature);
        if (!attestationKey.Verify(tpm.Quote, signature))
        {
            return "the quote's signature does not verify";
        }

        if (!CryptographicOperations.FixedTimeEquals(quote.ExtraData, QuoteQualifyingData.For(request.Nonce, transportThumbprint)))
        {
            return "extraData is not this nonce and transport key";
        }

        if (QuotedValues(quote, tpm.Pcrs) is not { } quoted)
        {
            return "the PCR values do not hash to the quoted digest";
        }

        var log = TcgEventLog.Parse(tpm.EventLog);
        if (log.VerifyEventDigests() is { } problem)
        {
            return problem;
        }

        var replayed = log.Replay();
        foreach (var (index, value) in quoted)
        {
            var expected = replayed.TryGetValue(index, out var digest) ? digest : new byte[SHA256.HashSizeInBytes];
            if (!expected.AsSpan().SequenceEqual(value))
            {
                return $"the log does not replay to PCR {index}";
            }
        }

        var firmware = FirmwarePcrs.Select(quoted.Select(q => new PcrValue(q.Key, q.Value)))!;
        _ = FirmwarePcrs.Digest(firmware);
        return BootMeasurements.CodeIntegrityPolicy(log) is null ? "no code-integrity policy was measured" : null;
    }

    // As TpmAttestationCheck.QuotedValues: the SHA-256 bank's quoted PCRs when the values sent hash to the quoted digest.
    private static SortedDictionary<int, byte[]>? QuotedValues(TpmQuoteInfo quote, IReadOnlyList<PcrValue> sent)
    {
        if (quote.PcrSelection is not [{ Hash: TpmAlgorithm.Sha256 } bank] || !PolicyPcrs.Quoted.All(bank.Pcrs.Contains)
            || sent.Count != bank.Pcrs.Count)
        {
            return null;
        }

        var values = new SortedDictionary<int, byte[]>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < bank.Pcrs.Count; i++)
        {
            if (sent[i].Index != bank.Pcrs[i] || sent[i].Digest is not { Length: SHA256.HashSizeInBytes })
            {
                return null;
            }

            hash.AppendData(sent[i].Digest);
            values[sent[i].Index] = sent[i].Digest;
        }

        return CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), quote.PcrDigest) ? values : null;
    }
}
