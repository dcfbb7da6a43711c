using System.Security.Cryptography;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;

namespace Portal.HostAgent.Tpm.Tpm2;

public sealed partial class Tpm2ToolsTpm
{
    private const int MaxQualifyingData = 64;
    private const int MaxPcr = 23;

    /// <summary>
    /// TPM2_ActivateCredential with the AK and the EK (whose use needs a PolicySecret session on the endorsement
    /// hierarchy): the secret HGS encrypted for them. Throws <see cref="TpmException"/> when the credential does not open.
    /// </summary>
    public Task<byte[]> ActivateCredentialAsync(TpmCredential credential, CancellationToken cancellationToken) =>
        ActivateCredentialFileAsync(credential.ToTpm2ToolsFile(), cancellationToken);

    /// <summary>The same, from the file <c>tpm2_makecredential -o</c> writes.</summary>
    public Task<byte[]> ActivateCredentialFileAsync(byte[] credentialFile, CancellationToken ct)
    {
        _ = Ready;
        return Tool.ExclusiveAsync(async () =>
        {
            using var work = Tool.NewWorkFolder();
            await File.WriteAllBytesAsync(work.PathOf("credential"), credentialFile, ct);
            var session = work.PathOf("session.ctx");
            try
            {
                await Tool.RunAsync("tpm2_startauthsession", ["--policy-session", "-S", session], ct);
                await Tool.RunAsync("tpm2_policysecret", ["-S", session, "-c", "e"], ct);
                try
                {
                    // Its standard output repeats the secret: it is never logged.
                    await Tool.RunAsync("tpm2_activatecredential",
                        ["-c", AttestationKeyHandle, "-C", EndorsementKeyHandle, "-i", work.PathOf("credential"), "-o", work.PathOf("secret"), "-P", $"session:{session}"], ct);
                }
                catch (TpmException e)
                {
                    throw new TpmException($"{WhyActivationFailed(e.Message)} ({e.Message})", e);
                }

                return work.ReadAndDelete("secret");
            }
            finally
            {
                if (File.Exists(session))
                {
                    await FlushQuietlyAsync(["-c", session]);
                }

                await Tool.FlushAfterAsync();
            }
        }, ct);
    }

    // The TPM's answers, in words: a wrong object name fails the credential's HMAC; a seed encrypted to another EK does
    // not decrypt (libtpms answers TPM_RC_FAILURE for that, and stays usable).
    private static string WhyActivationFailed(string toolError) =>
        toolError.Contains("integrity check failed", StringComparison.Ordinal)
            ? $"The credential does not open on this TPM: it was made for another attestation key than the one at {AttestationKeyHandle} (or for another TPM)."
            : toolError.Contains("(0x101)", StringComparison.Ordinal) || toolError.Contains("value is out of range", StringComparison.Ordinal)
                ? "The credential does not open on this TPM: its seed was encrypted to another TPM's endorsement key."
                : "Activating the credential failed.";

    /// <summary>TPM2_Quote with the AK over the SHA-256 bank's <paramref name="pcrs"/>, <paramref name="qualifyingData"/> as extraData.</summary>
    public Task<TpmQuote> QuoteAsync(ReadOnlyMemory<byte> qualifyingData, IReadOnlyList<int> pcrs, CancellationToken cancellationToken)
    {
        _ = Ready;
        if (qualifyingData.Length > MaxQualifyingData)
        {
            throw new ArgumentException($"Qualifying data is at most {MaxQualifyingData} bytes; got {qualifyingData.Length}.", nameof(qualifyingData));
        }

        var selection = pcrs.Distinct().Order().ToList();
        if (selection.Count == 0 || selection[0] < 0 || selection[^1] > MaxPcr)
        {
            throw new ArgumentException($"Quote at least one PCR, each 0–{MaxPcr}.", nameof(pcrs));
        }

        var list = $"sha256:{string.Join(",", selection)}";
        return Tool.ExclusiveAsync(async () =>
        {
            using var work = Tool.NewWorkFolder();
            List<string> arguments = ["-c", AttestationKeyHandle, "-l", list, "-m", work.PathOf("quote.msg"), "-s", work.PathOf("quote.sig"), "-o", work.PathOf("quote.pcrs"), "-g", "sha256"];
            if (qualifyingData.Length > 0)
            {
                arguments.AddRange(["-q", Convert.ToHexString(qualifyingData.Span)]);
            }

            try
            {
                await Tool.RunAsync("tpm2_quote", arguments, cancellationToken);
            }
            finally
            {
                await Tool.FlushAfterAsync();
            }

            var attestation = work.ReadAndDelete("quote.msg");
            var signature = work.ReadAndDelete("quote.sig");
            var values = await ReadPcrsAsync(selection, cancellationToken);
            CheckDigest(attestation, values.Values);
            return new TpmQuote(attestation, signature, values.Select(v => new PcrValue(v.Key, v.Value)).ToList());
        }, cancellationToken);
    }

    // TPMS_ATTEST of a quote ends with the TPM2B_DIGEST of the quoted PCRs: the values read must be the values quoted.
    private static void CheckDigest(byte[] attestation, IEnumerable<byte[]> values)
    {
        var digest = SHA256.HashData(values.SelectMany(v => v).ToArray());
        var tail = attestation.AsSpan(Math.Max(0, attestation.Length - digest.Length));
        var size = attestation.Length >= digest.Length + 2 ? (attestation[^(digest.Length + 2)] << 8) | attestation[^(digest.Length + 1)] : -1;
        if (size != digest.Length || !tail.SequenceEqual(digest))
        {
            throw new TpmException("The PCRs read after the quote are not the ones it covers (a PCR changed meanwhile); quote again.");
        }
    }

    private async Task FlushQuietlyAsync(IReadOnlyList<string> arguments)
    {
        try
        {
            await Tool.RunAsync("tpm2_flushcontext", arguments, CancellationToken.None);
        }
        catch (TpmException e)
        {
            _logger.LogDebug("Flushing {Arguments} failed: {Message}", string.Join(" ", arguments), e.Message);
        }
    }
}
