using System.Security.Cryptography;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>Credentials made in .NET open in a real TPM 2.0 (swtpm) with tpm2_activatecredential — and only for the right key.</summary>
public sealed class CredentialActivationInteropTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private readonly Swtpm _tpm = fixture.Tpm;

    [Fact]
    public void TpmPublicArea_NamesOfKeysTpm2ToolsCreated_MatchTheNamesItReported()
    {
        Assert.Equal(fixture.ToolsName("ak-rsa"), fixture.RsaAttestationKey.Name);
        Assert.Equal(fixture.ToolsName("ak-ecc"), fixture.EccAttestationKey.Name);
    }

    [Fact]
    public void TpmPublicArea_SwtpmKeys_AreTheKindsExpected()
    {
        Assert.Equal(TpmAlgorithm.Rsa, fixture.RsaEndorsementKey.Type);
        Assert.Equal(TpmAlgorithm.Ecc, fixture.EccEndorsementKey.Type);
        Assert.Equal(384, fixture.EccEndorsementKey.KeyBits);
        Assert.False(fixture.RsaEndorsementKey.IsAttestationKey);
        Assert.False(fixture.EccEndorsementKey.IsAttestationKey);
        Assert.True(fixture.RsaAttestationKey.IsAttestationKey);
        Assert.True(fixture.EccAttestationKey.IsAttestationKey);
    }

    [Fact]
    public void Make_ForRsaEk_ActivatesInTheTpmAndReturnsTheSecret()
    {
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        var credential = CredentialActivation.Make(fixture.RsaEndorsementKey, fixture.RsaAttestationKey.Name, secret);

        var (exitCode, error, recovered) = Activate(credential, SwtpmFixture.RsaAk, Swtpm.RsaEk, "rsa");

        Assert.True(exitCode == 0, error);
        Assert.Equal(secret, recovered);
    }

    [Fact]
    public void Make_ForEccEk_ActivatesInTheTpmAndReturnsTheSecret()
    {
        var secret = RandomNumberGenerator.GetBytes(20);
        var credential = CredentialActivation.Make(fixture.EccEndorsementKey, fixture.EccAttestationKey.Name, secret);

        var (exitCode, error, recovered) = Activate(credential, SwtpmFixture.EccAk, Swtpm.EccEk, "ecc");

        Assert.True(exitCode == 0, error);
        Assert.Equal(secret, recovered);
    }

    [Theory]
    [InlineData(Swtpm.RsaEk)]
    [InlineData(Swtpm.EccEk)]
    public void Make_ForAnotherAkName_DoesNotActivate(string ekHandle)
    {
        var ek = ekHandle == Swtpm.RsaEk ? fixture.RsaEndorsementKey : fixture.EccEndorsementKey;
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        var credential = CredentialActivation.Make(ek, fixture.EccAttestationKey.Name, secret);

        var (exitCode, _, recovered) = Activate(credential, SwtpmFixture.RsaAk, ekHandle, "wrong-name");

        Assert.NotEqual(0, exitCode);
        Assert.NotEqual(secret, recovered);
    }

    [Fact]
    public void Make_ForTheOtherEk_DoesNotActivate()
    {
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        var credential = CredentialActivation.Make(fixture.EccEndorsementKey, fixture.RsaAttestationKey.Name, secret);

        var (exitCode, _, recovered) = Activate(credential, SwtpmFixture.RsaAk, Swtpm.RsaEk, "wrong-ek");

        Assert.NotEqual(0, exitCode);
        Assert.NotEqual(secret, recovered);
    }

    [Fact]
    public void ToTpm2ToolsFile_HasTheLayoutOfTpm2MakeCredential()
    {
        File.WriteAllBytes(_tpm.PathOf("secret.bin"), RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength));
        _tpm.Tool("tpm2_makecredential", "-T", "none", "-u", "ek-rsa.pub", "-s", "secret.bin",
            "-n", Convert.ToHexString(fixture.RsaAttestationKey.Name).ToLowerInvariant(), "-o", "tools-cred.out");
        var toolsFile = File.ReadAllBytes(_tpm.PathOf("tools-cred.out"));

        var parsed = TpmCredential.FromTpm2ToolsFile(toolsFile);
        var ours = CredentialActivation.Make(fixture.RsaEndorsementKey, fixture.RsaAttestationKey.Name, new byte[CredentialActivation.SecretLength]);

        Assert.Equal(toolsFile, parsed.ToTpm2ToolsFile());
        Assert.Equal(toolsFile.Length, ours.ToTpm2ToolsFile().Length);
        Assert.Equal(toolsFile[..10], ours.ToTpm2ToolsFile()[..10]);
    }

    [Fact]
    public void Activate_OfCredentialTpm2MakeCredentialMadeForASoftwareEk_ReturnsTheSecret()
    {
        using var ek = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ekPublic = SoftwareEk(ek);
        File.WriteAllBytes(_tpm.PathOf("software-ek.pub"), ekPublic.Encoded);
        var secret = RandomNumberGenerator.GetBytes(CredentialActivation.SecretLength);
        File.WriteAllBytes(_tpm.PathOf("software-secret.bin"), secret);

        _tpm.Tool("tpm2_makecredential", "-T", "none", "-u", "software-ek.pub", "-s", "software-secret.bin",
            "-n", Convert.ToHexString(fixture.EccAttestationKey.Name).ToLowerInvariant(), "-o", "software-cred.out");
        var credential = TpmCredential.FromTpm2ToolsFile(File.ReadAllBytes(_tpm.PathOf("software-cred.out")));

        Assert.Equal(secret, CredentialActivation.Activate(ek, ekPublic, fixture.EccAttestationKey.Name, credential));
        Assert.Null(CredentialActivation.Activate(ek, ekPublic, fixture.RsaAttestationKey.Name, credential));
    }

    [Fact]
    public void CreateEcc_NameIsTheNameTheTpmComputes()
    {
        using var ek = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ekPublic = SoftwareEk(ek);
        File.WriteAllBytes(_tpm.PathOf("external-ek.pub"), ekPublic.Encoded);
        try
        {
            _tpm.Tool("tpm2_loadexternal", "-C", "n", "-u", "external-ek.pub", "-c", "external-ek.ctx", "-n", "external-ek.name");
        }
        finally
        {
            _tpm.Flush();
        }

        Assert.Equal(File.ReadAllBytes(_tpm.PathOf("external-ek.name")), ekPublic.Name);
    }

    private static TpmPublicArea SoftwareEk(ECDiffieHellman key) => TpmPublicArea.CreateEcc(
        TpmAlgorithm.Sha256,
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin
        | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt,
        Convert.FromHexString("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA"), 128, TpmAlgorithm.Null, TpmAlgorithm.Null,
        key.ExportParameters(false));

    private (int ExitCode, string Error, byte[]? Secret) Activate(TpmCredential credential, string akHandle, string ekHandle, string tag)
    {
        var file = $"cred-{tag}.out";
        var output = $"secret-{tag}.out";
        var session = $"session-{tag}.ctx";
        File.WriteAllBytes(_tpm.PathOf(file), credential.ToTpm2ToolsFile());
        File.Delete(_tpm.PathOf(output));
        try
        {
            // The low-range RSA EK authorises its user role by policy only (PolicySecret of the endorsement hierarchy);
            // the high-range P-384 EK has userWithAuth, so its empty password will do.
            var ek = ekHandle == Swtpm.RsaEk ? fixture.RsaEndorsementKey : fixture.EccEndorsementKey;
            var ekAuth = "";
            if (!ek.Attributes.HasFlag(TpmObjectAttributes.UserWithAuth))
            {
                _tpm.Tool("tpm2_startauthsession", "--policy-session", "-S", session);
                _tpm.Tool("tpm2_policysecret", "-S", session, "-c", "e");
                ekAuth = "session:" + session;
            }

            var (exitCode, error) = _tpm.TryTool("tpm2_activatecredential", "-c", akHandle, "-C", ekHandle, "-i", file, "-o", output,
                "-P", ekAuth);
            return (exitCode, error, File.Exists(_tpm.PathOf(output)) ? File.ReadAllBytes(_tpm.PathOf(output)) : null);
        }
        finally
        {
            if (File.Exists(_tpm.PathOf(session)))
            {
                _tpm.TryTool("tpm2_flushcontext", session);
                File.Delete(_tpm.PathOf(session));
            }

            _tpm.Flush();
        }
    }
}
