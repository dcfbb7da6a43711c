using Microsoft.EntityFrameworkCore;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>Host group credentials, sealed under the master key; opened only to check a proof.</summary>
public sealed class HostGroupCredentials(HgsDbContext db, MasterKey masterKey)
{
    public static string Purpose(string group) => $"host-group:{group}";

    public async Task<byte[]?> OpenAsync(string group, CancellationToken cancellationToken)
    {
        var row = await db.HostGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Name == group, cancellationToken);
        return row is null ? null : masterKey.Open(row.SealedCredential, Purpose(group));
    }

    public byte[] Seal(string group, byte[] credential) => masterKey.Seal(credential, Purpose(group));
}
