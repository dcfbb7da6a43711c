using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Tpm;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Tests.Tpm;

/// <summary>A real host's firmware log with the code-integrity policy the agent measures appended, one digest per bank.</summary>
public sealed class CryptoAgileLogTests
{
    private static readonly TcgEvent Policy = SimulatedFirmware.Healthy.Log().Events.Single(e => e.Pcr == PolicyPcrs.CodeIntegrity);

    [Fact]
    public void APolicyEventAppendedToASha256Log_ParsesBack_AndReplaysIntoPcr12()
    {
        var firmware = TcgEventLog.Of(SimulatedFirmware.Healthy.Log().Events.Where(e => e.Pcr != PolicyPcrs.CodeIntegrity).ToList()).ToBytes();
        var banks = CryptoAgileLog.Banks(firmware);

        var appended = CryptoAgileLog.Append(firmware, Policy, CryptoAgileLog.Digests(banks, Policy));

        Assert.Equal([((ushort)0x000B, 32)], banks);
        var log = TcgEventLog.Parse(appended);
        Assert.Equal(SimulatedFirmware.Healthy.Log().Replay()[PolicyPcrs.CodeIntegrity], log.Replay()[PolicyPcrs.CodeIntegrity]);
        Assert.Equal(BootMeasurements.CodeIntegrityPolicy(SimulatedFirmware.Healthy.Log()), BootMeasurements.CodeIntegrityPolicy(log));
        Assert.Null(log.VerifyEventDigests());
    }

    [Fact]
    public void ALogWithSha1AndSha256Banks_GetsADigestForEach()
    {
        var firmware = Header((0x0004, 20), (0x000B, 32));

        var digests = CryptoAgileLog.Digests(CryptoAgileLog.Banks(firmware), Policy);
        var appended = CryptoAgileLog.Append(firmware, Policy, digests);

        Assert.Equal(["sha1", "sha256"], digests.Select(d => d.Name));
        Assert.Equal(SHA1.HashData(Policy.Data), digests[0].Digest);
        var parsed = TcgEventLog.Parse(appended).Events.Single();
        Assert.Equal(Policy.Sha256Digest, parsed.Sha256Digest);
        Assert.Equal(Policy.Data, parsed.Data);
    }

    [Fact]
    public void ALogThatIsNotCryptoAgile_IsRefusedInWords()
    {
        var legacy = new byte[64];
        Encoding.ASCII.GetBytes("Spec ID Event02").CopyTo(legacy, 32);
        BitConverter.GetBytes(32u).CopyTo(legacy, 28);

        var refused = Assert.Throws<TpmException>(() => CryptoAgileLog.Banks(legacy));

        Assert.Equal("The firmware's event log is not in the crypto-agile format (no Spec ID Event03 header).", refused.Message);
    }

    [Fact]
    public void ABankTheAgentCannotHash_IsRefusedInWords()
    {
        var refused = Assert.Throws<TpmException>(() => CryptoAgileLog.Digests(CryptoAgileLog.Banks(Header((0x0012, 32))), Policy));

        Assert.Contains("0x0012", refused.Message, StringComparison.Ordinal);
    }

    // TCG_PCR_EVENT (SHA-1 format) carrying TCG_EfiSpecIdEvent with the given banks, laid out by hand.
    private static byte[] Header(params (ushort Algorithm, ushort Size)[] banks)
    {
        using var specId = new MemoryStream();
        using (var w = new BinaryWriter(specId, Encoding.ASCII, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes("Spec ID Event03\0"));
            w.Write(0u); // platform class
            w.Write((byte)0);
            w.Write((byte)2);
            w.Write((byte)0);
            w.Write((byte)2); // uintnSize
            w.Write((uint)banks.Length);
            foreach (var (algorithm, size) in banks)
            {
                w.Write(algorithm);
                w.Write(size);
            }

            w.Write((byte)0); // vendor info
        }

        using var log = new MemoryStream();
        using (var w = new BinaryWriter(log, Encoding.ASCII, leaveOpen: true))
        {
            w.Write(0u);
            w.Write(TcgEventType.NoAction);
            w.Write(new byte[20]);
            w.Write((uint)specId.Length);
            w.Write(specId.ToArray());
        }

        return log.ToArray();
    }
}
