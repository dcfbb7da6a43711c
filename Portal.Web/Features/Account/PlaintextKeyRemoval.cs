using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Web.Features.Account;

/// <summary>
/// Deletes Data Protection keys that an older portal stored unencrypted, before the key ring is loaded: anyone with a
/// copy of the database could forge sign-in cookies with them. People signed in under those keys sign in again.
/// </summary>
internal sealed class PlaintextKeyRemoval(IServiceScopeFactory scopes, ILogger<PlaintextKeyRemoval> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        // An encrypted key carries its master key inside <encryptedSecret>; only a plaintext one shows the element.
        var removed = await db.DataProtectionKeys
            .Where(k => k.Xml != null && k.Xml.Contains("<masterKey"))
            .ExecuteDeleteAsync(cancellationToken);
        if (removed > 0)
        {
            logger.LogWarning("Removed {Count} Data Protection keys that were stored unencrypted; their sign-ins end", removed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
