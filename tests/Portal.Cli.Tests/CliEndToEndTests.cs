using System.Text;

namespace Portal.Cli.Tests;

public class CliEndToEndTests
{
    [Fact]
    public void FullFlow_GuardianNewExportVscSignPdkNewShowOpen_Works()
    {
        using var w = new CliWorkspace();
        var password = w.Write("pw.txt", "Marker-e2e-93a1!\n");
        var answer = w.Write("unattend.xml", "<unattend><ComputerName>@ComputerName@</ComputerName><TimeZone>@TimeZone@</TimeZone></unattend>");
        var ssh = w.Write("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI tenant@laptop\n");
        var rdp = w.Write("rdp.pfx", new byte[] { 0x30, 0x82, 0x01, 0x02 });
        var disk = w.Write("disk.vhdx", Encoding.ASCII.GetBytes(new string('d', 50_000)));

        w.RunOk("guardian", "new", "--name", "Owner", "--out", w.PathOf("owner.json"));
        w.RunOk("guardian", "new", "--name", "Fabric", "--out", w.PathOf("fabric.json"));
        var export = w.RunOk("guardian", "export", "--guardian", w.PathOf("fabric.json"), "--out", w.PathOf("fabric.meta.json"));
        w.RunOk("vsc", "sign", "--disk", disk, "--name", "Linux-24.04", "--version", "2.1", "--signer", w.PathOf("owner.json"), "--out", w.PathOf("disk.vsc"));
        var vscShow = w.RunOk("vsc", "show", w.PathOf("disk.vsc"), "--disk", disk);
        var created = w.RunOk("pdk", "new", "--owner", w.PathOf("owner.json"), "--guardian", w.PathOf("fabric.meta.json"),
            "--qualifier", w.PathOf("disk.vsc") + ":GreaterThanOrEquals", "--policy", "EncryptionSupported",
            "--admin-password-file", password, "--answer-file", answer, "--ssh-key", ssh, "--rdp-cert", rdp, "--out", w.PathOf("vm.pdk"));
        var show = w.RunOk("pdk", "show", w.PathOf("vm.pdk"));
        var open = w.RunOk("pdk", "open", w.PathOf("vm.pdk"), "--guardian", w.PathOf("fabric.json"));
        var reveal = w.RunOk("pdk", "open", w.PathOf("vm.pdk"), "--guardian", w.PathOf("owner.json"), "--reveal");

        Assert.Contains("Encryption key thumbprint:", export.Output);
        Assert.Contains("Version:         2.1.0.0", vscShow.Output);
        Assert.Contains("matches", vscShow.Output);
        Assert.Contains("Policy:          EncryptionSupported", show.Output);
        Assert.Contains("- Fabric", show.Output);
        Assert.Contains("\"Linux-24.04\" >= 2.1.0.0", show.Output);
        Assert.Contains("Owner signature: valid", show.Output);
        Assert.Contains("administrator password", open.Output);
        Assert.Contains("answer file", open.Output);
        Assert.Contains("@ComputerName@, @TimeZone@", open.Output);
        Assert.Contains("RDP certificate (4 bytes)", open.Output);
        Assert.Contains("SSH public key 1", open.Output);
        Assert.Contains("Administrator password: Marker-e2e-93a1!", reveal.Output);

        foreach (var output in new[] { created.Output, show.Output, open.Output })
        {
            Assert.DoesNotContain("Marker-e2e-93a1!", output);
            Assert.DoesNotContain("AAAAC3NzaC1lZDI1NTE5AAAAI", output);
        }

        var bytes = File.ReadAllBytes(w.PathOf("vm.pdk"));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Marker-e2e-93a1!"u8));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("@ComputerName@"u8));
        Assert.All(new[] { export, vscShow, created, show, open, reveal }, r => Assert.Equal("", r.Error));
    }

    [Fact]
    public void Help_ListsEveryCommandAndExitsZero()
    {
        using var w = new CliWorkspace();

        var help = w.RunOk("--help");
        var pdkNewHelp = w.RunOk("pdk", "new", "--help");

        foreach (var command in new[] { "guardian new", "guardian export", "vsc sign", "vsc show", "pdk new", "pdk show", "pdk open", "audit verify" })
        {
            Assert.Contains(command, help.Output);
        }

        Assert.Contains("--admin-password-file", pdkNewHelp.Output);
        Assert.Contains("Exit codes", help.Output);
    }
}
