using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// Has HGS bind this host's attestation key to its endorsement key, once per AK: HGS sends a credential only this TPM
/// can open, the TPM opens it, the agent returns the secret. Remembered in <c>{DataFolder}/tpm/activated-ak</c> (the
/// AK's name, public) and forgotten when HGS no longer accepts the AK, so the next attestation activates again.
/// </summary>
internal sealed class AttestationKeyActivation(string dataFolder, ILogger logger)
{
    private string MarkerPath => Path.Combine(dataFolder, "tpm", "activated-ak");

    public async Task EnsureAsync(HgsClient hgs, ITpm tpm, string hostName, CancellationToken cancellationToken)
    {
        var name = TpmPublicArea.Parse(tpm.AttestationKey.Span).NameHex;
        if (File.Exists(MarkerPath) && (await File.ReadAllTextAsync(MarkerPath, cancellationToken)).Trim() == name)
        {
            return;
        }

        var challenge = await hgs.BeginActivationAsync(new ActivationRequest(hostName, tpm.EndorsementKey.ToArray(), tpm.AttestationKey.ToArray()), cancellationToken);
        var secret = await tpm.ActivateCredentialAsync(new TpmCredential(challenge.CredentialBlob, challenge.EncryptedSecret), cancellationToken);
        try
        {
            await hgs.CompleteActivationAsync(challenge.Id, new ActivationAnswer(secret), cancellationToken);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(MarkerPath)!);
        await File.WriteAllTextAsync(MarkerPath, name, cancellationToken);
        logger.LogInformation("HGS activated this host's attestation key {KeyName}", name);
    }

    public void Forget()
    {
        if (File.Exists(MarkerPath))
        {
            File.Delete(MarkerPath);
        }
    }
}
