namespace Portal.Cli.Tests;

/// <summary>
/// Guardians, metadata, a signed disk and a valid shielding data file made once through the tool itself
/// (RSA key generation is slow); tests that need fresh files copy from here.
/// </summary>
public sealed class CliFixture : IDisposable
{
    public const string PasswordMarker = "Pw-Marker-51f0c8d2-do-not-leak";

    public const string Passphrase = "tenant passphrase 1";

    public CliFixture()
    {
        var w = Workspace;
        PassphraseFile = w.Write("passphrase.txt", Passphrase + "\n");
        PasswordFile = w.Write("admin-password.txt", PasswordMarker + "\n");
        Disk = w.Write("ws2025.vhdx", Enumerable.Range(0, 200_000).Select(i => (byte)(i % 253)).ToArray());

        w.RunOk("guardian", "new", "--name", "Tenant owner", "--out", Owner = w.PathOf("owner.guardian.json"));
        w.RunOk("guardian", "new", "--name", "Contoso fabric", "--out", Fabric = w.PathOf("fabric.guardian.json"), "--passphrase-file", PassphraseFile);
        w.RunOk("guardian", "new", "--name", "Stranger", "--out", Stranger = w.PathOf("stranger.guardian.json"));
        w.RunOk("guardian", "new", "--name", "Contoso signing", "--out", Signer = w.PathOf("signer.guardian.json"));
        w.RunOk("guardian", "export", "--guardian", Fabric, "--passphrase-file", PassphraseFile, "--out", FabricMetadata = w.PathOf("fabric.metadata.json"));
        w.RunOk("vsc", "sign", "--disk", Disk, "--name", "WS2025-DC", "--version", "1.0.0.0", "--signer", Signer, "--out", Catalog = w.PathOf("ws2025.vsc"));
        w.RunOk("pdk", "new", "--owner", Owner, "--guardian", FabricMetadata, "--qualifier", Catalog + ":Equals",
            "--policy", "Shielded", "--admin-password-file", PasswordFile, "--out", Pdk = w.PathOf("tenant.pdk"));
    }

    public CliWorkspace Workspace { get; } = new();

    public string PassphraseFile { get; }

    public string PasswordFile { get; }

    public string Disk { get; }

    public string Owner { get; }

    public string Fabric { get; }

    public string Stranger { get; }

    public string Signer { get; }

    public string FabricMetadata { get; }

    public string Catalog { get; }

    public string Pdk { get; }

    public void Dispose() => Workspace.Dispose();
}
