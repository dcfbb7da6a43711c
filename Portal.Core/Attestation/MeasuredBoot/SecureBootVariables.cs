using System.Text;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// The Secure Boot variables of the simulated firmware: SecureBoot, and PK, KEK, db, dbx as EFI_SIGNATURE_LISTs whose
/// "certificates" are bytes naming their subject (the log only needs them to be fixed, not to be valid X.509).
/// </summary>
internal static class SecureBootVariables
{
    private static readonly Guid CertX509 = new("A5C059A1-94E4-4AA7-87B5-AB155C2BF072");
    private static readonly Guid CertSha256 = new("C1C41626-504C-4092-ACA9-41F936934328");
    private static readonly Guid Owner = new("7E7A1E70-5054-4C0D-9A11-54656E616E74");

    private static readonly byte[] PlatformKey = Encoding.UTF8.GetBytes("CN=TenantPortal Simulated Platform Key");
    private static readonly byte[] KeyExchangeKey = Encoding.UTF8.GetBytes("CN=TenantPortal Simulated Key Exchange Key");
    private static readonly byte[] BootLoaderCa = Encoding.UTF8.GetBytes("CN=TenantPortal Simulated UEFI CA");

    /// <summary>SecureBoot, PK, KEK, db, dbx, in the order firmware measures them.</summary>
    public static IEnumerable<UefiVariableData> For(bool secureBoot)
    {
        yield return new UefiVariableData(UefiVariableData.GlobalVariable, "SecureBoot", [secureBoot ? (byte)1 : (byte)0]);
        yield return new UefiVariableData(UefiVariableData.GlobalVariable, "PK", SignatureList(CertX509, PlatformKey));
        yield return new UefiVariableData(UefiVariableData.GlobalVariable, "KEK", SignatureList(CertX509, KeyExchangeKey));
        yield return new UefiVariableData(UefiVariableData.ImageSecurityDatabase, "db", SignatureList(CertX509, BootLoaderCa));
        var revoked = SimulatedFirmware.DeterministicBytes("revoked boot loader", 32);
        yield return new UefiVariableData(UefiVariableData.ImageSecurityDatabase, "dbx", SignatureList(CertSha256, revoked));
    }

    /// <summary>The db entry (EFI_SIGNATURE_DATA) that verified the boot loader, as EV_EFI_VARIABLE_AUTHORITY carries it.</summary>
    public static UefiVariableData LoaderAuthority() =>
        new(UefiVariableData.ImageSecurityDatabase, "db", SignatureData(BootLoaderCa));

    private static byte[] SignatureList(Guid type, byte[] signature)
    {
        var entry = SignatureData(signature);
        var list = new EventLogWriter();
        list.WriteBytes(type.ToByteArray());
        list.WriteUInt32((uint)(16 + 4 + 4 + 4 + entry.Length));
        list.WriteUInt32(0); // no signature header
        list.WriteUInt32((uint)entry.Length);
        list.WriteBytes(entry);
        return list.ToArray();
    }

    private static byte[] SignatureData(byte[] signature) => [.. Owner.ToByteArray(), .. signature];
}
