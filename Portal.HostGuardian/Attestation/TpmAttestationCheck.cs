using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// Judges TPM-trusted evidence, all in .NET, in this order: the EK is registered (and its certificate trusted where
/// required); the AK was activated for that EK; the quote parses and its AK signature verifies; its extraData carries
/// this challenge's nonce and transport key, and the nonce is consumed; the quote covers the policy's PCRs and the
/// values sent match its digest; the event log verifies and replays to those values (the measurements are then kept
/// for baseline capture); finally policy — a TPM baseline for PCRs 0–7 and an allowed code-integrity policy in PCR 12.
/// Every refusal names its reason; see docs/decisions/0010-tpm-attestation.md.
/// </summary>
internal sealed class TpmAttestationCheck(HgsDbContext db, NonceStore nonces, EndorsementKeyCertificates ekCertificates, TimeProvider time)
{
    public async Task<Verdict> CheckAsync(AttestationRequest request, TpmEvidence tpm, string transportThumbprint, CancellationToken cancellationToken)
    {
        if (!TryParse(tpm.EndorsementKey, out var endorsementKey))
        {
            return Verdict.Fail(AttestationStatus.TpmError, "The endorsement key is not a TPM2B_PUBLIC of an RSA or ECC key.");
        }

        var ekThumbprint = Thumbprint.Of(endorsementKey.ToSubjectPublicKeyInfo());
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.EndorsementKeyThumbprint == ekThumbprint, cancellationToken);
        if (host is not { Mode: AttestationMode.TpmTrusted })
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, $"The endorsement key {ekThumbprint} is not registered with HGS for TPM-trusted attestation.");
        }

        if (ekCertificates.Check(host.EndorsementKeyCertificate, endorsementKey) is { } certificateProblem)
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost, certificateProblem, host);
        }

        if (await CheckAttestationKeyAsync(tpm, host, cancellationToken) is { } keyVerdict)
        {
            return keyVerdict;
        }

        var attestationKey = TpmPublicArea.Parse(tpm.AttestationKey);
        TpmQuoteInfo quote;
        TpmSignature signature;
        try
        {
            quote = TpmQuoteInfo.Parse(tpm.Quote);
            signature = TpmSignature.Parse(tpm.Signature);
        }
        catch (TpmFormatException e)
        {
            return Verdict.Fail(AttestationStatus.TpmError, $"The quote is malformed: {e.Message}", host);
        }

        if (!attestationKey.Verify(tpm.Quote, signature))
        {
            return Verdict.Fail(AttestationStatus.TpmError, "The quote's signature does not verify with the host's attestation key; the quote was forged or altered.", host);
        }

        if (!CryptographicOperations.FixedTimeEquals(quote.ExtraData, QuoteQualifyingData.For(request.Nonce, transportThumbprint)))
        {
            return Verdict.Fail(AttestationStatus.TpmError,
                "The quote was made over another nonce or for another transport key; a replayed or redirected quote is refused.", host);
        }

        if (!await nonces.TryConsumeAsync(request.Nonce, cancellationToken))
        {
            return Verdict.Fail(AttestationStatus.TpmError, "The quote's nonce is unknown, expired or already used; a replayed quote is refused.", host);
        }

        if (QuotedValues(quote, tpm.Pcrs) is not { } quoted)
        {
            return Verdict.Fail(AttestationStatus.TpmError,
                $"The quote must cover the SHA-256 PCRs {string.Join(", ", PolicyPcrs.Quoted)}, and the PCR values sent must be the ones it quoted.", host);
        }

        TcgEventLog log;
        try
        {
            log = TcgEventLog.Parse(tpm.EventLog);
        }
        catch (TpmFormatException e)
        {
            return LogFailure($"the event log cannot be read: {e.Message}", host);
        }

        if (log.VerifyEventDigests() is { } eventProblem)
        {
            return LogFailure(eventProblem, host);
        }

        var replayed = log.Replay();
        foreach (var (index, value) in quoted)
        {
            var expected = replayed.TryGetValue(index, out var digest) ? digest : new byte[SHA256.HashSizeInBytes];
            if (!expected.AsSpan().SequenceEqual(value))
            {
                return LogFailure($"the event log does not replay to the quoted PCR {index}; it was altered or is incomplete.", host);
            }
        }

        var firmware = FirmwarePcrs.Select(quoted.Select(q => new PcrValue(q.Key, q.Value)))!;
        await RecordMeasurementAsync(host, firmware, tpm.EventLog, cancellationToken);
        return await ApplyPolicyAsync(host, firmware, log, cancellationToken);
    }

    private async Task<Verdict?> CheckAttestationKeyAsync(TpmEvidence tpm, RegisteredHost host, CancellationToken cancellationToken)
    {
        if (!TryParse(tpm.AttestationKey, out var attestationKey) || !attestationKey.IsAttestationKey)
        {
            return Verdict.Fail(AttestationStatus.TpmError, "The attestation key is not a restricted signing key fixed to its TPM.", host);
        }

        var activated = await db.AttestationKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Name == attestationKey.NameHex, cancellationToken);
        if (activated is null)
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost,
                $"The attestation key {attestationKey.NameHex} was never activated for this host's endorsement key; activate it first.", host);
        }

        if (activated.HostId != host.Id)
        {
            return Verdict.Fail(AttestationStatus.UnauthorizedHost,
                "The attestation key was activated for another host's endorsement key; a quote from another TPM is refused.", host);
        }

        return null;
    }

    // The quoted PCRs in the SHA-256 bank, by index, when they include every policy PCR and the values sent hash to
    // the quoted digest (in selection order, as the TPM hashed them).
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

    private async Task RecordMeasurementAsync(RegisteredHost host, IReadOnlyList<PcrValue> firmware, byte[] eventLog, CancellationToken cancellationToken)
    {
        var measurement = await db.Measurements.SingleOrDefaultAsync(m => m.HostId == host.Id, cancellationToken);
        if (measurement is null)
        {
            measurement = new HostMeasurement { HostId = host.Id, Pcrs = firmware, PcrDigest = "", EventLog = eventLog };
            db.Measurements.Add(measurement);
        }

        measurement.Pcrs = firmware;
        measurement.PcrDigest = FirmwarePcrs.Digest(firmware);
        measurement.EventLog = eventLog;
        measurement.MeasuredAt = time.GetUtcNow();
    }

    private async Task<Verdict> ApplyPolicyAsync(RegisteredHost host, IReadOnlyList<PcrValue> firmware, TcgEventLog log, CancellationToken cancellationToken)
    {
        var findings = AttestationSubStatus.None;
        var reasons = new List<string>();
        var digest = FirmwarePcrs.Digest(firmware);
        if (!await db.TpmBaselines.AnyAsync(b => b.PcrDigest == digest, cancellationToken))
        {
            var shown = BootMeasurements.Findings(log);
            findings |= shown == AttestationSubStatus.None ? AttestationSubStatus.SecureBootSettings : shown;
            reasons.Add(await BaselineMismatchAsync(firmware, shown, cancellationToken));
        }

        var policy = BootMeasurements.CodeIntegrityPolicy(log);
        if (policy is null || !await PolicyChecks.IsAllowedCodeIntegrityPolicyAsync(db, policy, cancellationToken))
        {
            findings |= AttestationSubStatus.CodeIntegrityPolicy;
            reasons.Add(policy is null
                ? "no code-integrity policy was measured"
                : $"the measured code-integrity policy {policy[..16]}… is not an allowed one");
        }

        return findings == AttestationSubStatus.None
            ? Verdict.Pass(host)
            : Verdict.Fail(AttestationStatus.InsecureHostConfiguration, $"The host's measured boot breaks HGS policy: {string.Join("; ", reasons)}.", host, findings);
    }

    private async Task<string> BaselineMismatchAsync(IReadOnlyList<PcrValue> firmware, AttestationSubStatus shown, CancellationToken cancellationToken)
    {
        var baselines = await db.TpmBaselines.AsNoTracking().ToListAsync(cancellationToken);
        var nearest = baselines
            .Select(b => (Baseline: b, Differences: FirmwarePcrs.Differences(b.Pcrs, firmware)))
            .OrderBy(c => c.Differences.Count)
            .FirstOrDefault();
        var settings = shown == AttestationSubStatus.None ? "" : $" ({PolicyChecks.Describe(shown)})";
        return nearest.Baseline is null
            ? $"no TPM baseline is allowed yet{settings}"
            : $"the boot measurements match no TPM baseline{settings}: PCR {string.Join(", ", nearest.Differences)} "
              + $"{(nearest.Differences.Count == 1 ? "differs" : "differ")} from '{nearest.Baseline.Name}'";
    }

    private static Verdict LogFailure(string problem, RegisteredHost host) =>
        Verdict.Fail(AttestationStatus.InsecureHostConfiguration, $"TCG log verification failed: {problem}", host, AttestationSubStatus.TcgLogVerification);

    private static bool TryParse(byte[] tpm2bPublic, out TpmPublicArea area)
    {
        try
        {
            area = TpmPublicArea.Parse(tpm2bPublic);
            return true;
        }
        catch (TpmFormatException)
        {
            area = null!;
            return false;
        }
    }
}
