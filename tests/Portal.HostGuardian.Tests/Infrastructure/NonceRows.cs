using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>Reads HGS's nonce table directly, to prove what is stored.</summary>
internal static class NonceRows
{
    public static async Task<int> CountAsync(HgsTestHost hgs)
    {
        await using var scope = hgs.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HgsDbContext>().Nonces.CountAsync();
    }
}
