using System.Diagnostics;
using System.Security.Cryptography;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Attestation;

namespace Portal.Bench;

/// <summary>One step of <see cref="EvidenceVerification"/> and its mean time on one thread.</summary>
public sealed record EvidenceStepTime(string Step, double MeanMicroseconds);

/// <summary>
/// Where <see cref="EvidenceVerification"/>'s time goes: each step run on its own, on one thread, over the same
/// evidence, from inputs the earlier steps made before timing. The steps' sum is close to one whole check.
/// </summary>
public static class EvidenceStepTimes
{
    public static IReadOnlyList<EvidenceStepTime> Measure(AttestationRequest request, TimeSpan perStep)
    {
        var tpm = request.Tpm!;
        var transportThumbprint = Thumbprint.Of(request.TransportKey);
        var attestationKey = TpmPublicArea.Parse(tpm.AttestationKey);
        var quote = TpmQuoteInfo.Parse(tpm.Quote);
        var signature = TpmSignature.Parse(tpm.Signature);
        var log = TcgEventLog.Parse(tpm.EventLog);
        var firmware = FirmwarePcrs.Select(tpm.Pcrs)!;
        var sink = 0L;
        var steps = new (string Step, Func<object?> Run)[]
        {
            ("validate the request (imports the RSA transport key)", () => AttestationService.Validate(request)),
            ("thumbprint of the transport key (SHA-256)", () => Thumbprint.Of(request.TransportKey)),
            ("parse the EK (TPM2B_PUBLIC, ECC point check) and its SPKI thumbprint",
                () => Thumbprint.Of(TpmPublicArea.Parse(tpm.EndorsementKey).ToSubjectPublicKeyInfo())),
            ("parse the AK (TPM2B_PUBLIC, ECC point check)", () => TpmPublicArea.Parse(tpm.AttestationKey).NameHex),
            ("parse the quote (TPMS_ATTEST) and signature (TPMT_SIGNATURE)",
                () => (TpmQuoteInfo.Parse(tpm.Quote), TpmSignature.Parse(tpm.Signature))),
            ("verify the quote's signature with the AK (ECDSA P-256)", () => attestationKey.Verify(tpm.Quote, signature)),
            ("extraData and the PCR values' digest", () =>
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                foreach (var pcr in tpm.Pcrs)
                {
                    hash.AppendData(pcr.Digest);
                }

                return CryptographicOperations.FixedTimeEquals(quote.ExtraData, QuoteQualifyingData.For(request.Nonce, transportThumbprint))
                    && CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), quote.PcrDigest);
            }),
            (Invariant($"parse the TCG event log ({tpm.EventLog.Length:N0} bytes, {log.Events.Count} events)"), () => TcgEventLog.Parse(tpm.EventLog)),
            ("verify the log's event digests", () => log.VerifyEventDigests()),
            ("replay the log to the PCRs", () => log.Replay()),
            ("firmware PCR digest and the measured code-integrity policy",
                () => (FirmwarePcrs.Digest(firmware), BootMeasurements.CodeIntegrityPolicy(log))),
        };

        var times = new List<EvidenceStepTime>();
        foreach (var (step, run) in steps)
        {
            var count = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < perStep)
            {
                for (var i = 0; i < 16; i++)
                {
                    sink += run() is null ? 0 : 1;
                }

                count += 16;
            }

            times.Add(new EvidenceStepTime(step, clock.Elapsed.TotalMicroseconds / count));
        }

        GC.KeepAlive(sink);
        return times;
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
