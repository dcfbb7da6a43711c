using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Tests.Attestation.Tpm;

/// <summary>One manufactured swtpm per test class, with an RSA and an ECC attestation key persisted under the RSA EK.</summary>
public sealed class SwtpmFixture : IDisposable
{
    public const string RsaAk = "0x81010010";
    public const string EccAk = "0x81010011";

    public SwtpmFixture()
    {
        Tpm = Swtpm.Start();
        try
        {
            RsaEndorsementKey = ReadPublic(Swtpm.RsaEk, "ek-rsa.pub");
            EccEndorsementKey = ReadPublic(Swtpm.EccEk, "ek-ecc.pub");
            RsaAttestationKey = CreateAk(RsaAk, "rsa", "rsassa", "ak-rsa");
            EccAttestationKey = CreateAk(EccAk, "ecc", "ecdsa", "ak-ecc");

            // Give the quoted PCRs values of their own, as a measured boot would.
            Tpm.Tool("tpm2_pcrextend", "7:sha256=" + new string('a', 64), "12:sha256=" + new string('c', 64));
            Tpm.Flush();
        }
        catch
        {
            Tpm.Dispose();
            throw;
        }
    }

    public Swtpm Tpm { get; }

    public TpmPublicArea RsaEndorsementKey { get; }

    public TpmPublicArea EccEndorsementKey { get; }

    public TpmPublicArea RsaAttestationKey { get; }

    public TpmPublicArea EccAttestationKey { get; }

    /// <summary>The name tpm2-tools reported when it created the key (to compare with ours).</summary>
    public byte[] ToolsName(string key) => File.ReadAllBytes(Tpm.PathOf(key + ".name"));

    public void Dispose() => Tpm.Dispose();

    private TpmPublicArea ReadPublic(string handle, string file)
    {
        Tpm.Tool("tpm2_readpublic", "-c", handle, "-o", file);
        Tpm.Flush();
        return TpmPublicArea.Parse(File.ReadAllBytes(Tpm.PathOf(file)));
    }

    private TpmPublicArea CreateAk(string handle, string type, string scheme, string name)
    {
        Tpm.Tool("tpm2_createak", "-C", Swtpm.RsaEk, "-c", name + ".ctx", "-G", type, "-g", "sha256", "-s", scheme,
            "-u", name + ".pub", "-n", name + ".name");
        Tpm.Flush();
        Tpm.Tool("tpm2_evictcontrol", "-C", "o", "-c", name + ".ctx", handle);
        Tpm.Flush();
        return TpmPublicArea.Parse(File.ReadAllBytes(Tpm.PathOf(name + ".pub")));
    }
}
