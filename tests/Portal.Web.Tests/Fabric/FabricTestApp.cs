using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.Web.Features.Account;
using Portal.Web.Features.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Fabric;

/// <summary>
/// The portal on a fresh PostgreSQL database with HGS's attestation signer pinned to a key the tests hold, so they can
/// issue real health certificates (and forge others).
/// </summary>
public sealed class FabricTestApp : IAsyncLifetime
{
    public ECDsa Signer { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    /// <summary>A fabric test portal with extra settings (both instances get them), e.g. short job leases.</summary>
    public static FabricTestApp With(IReadOnlyDictionary<string, string?> settings)
    {
        var app = new FabricTestApp();
        foreach (var (key, value) in settings)
        {
            app.WithoutHgs.Settings[key] = value;
        }

        return app;
    }

    /// <summary>Same database, no pinned signer and no reachable HGS.</summary>
    public PortalWebFactory WithoutHgs { get; } = new();

    public WebApplicationFactory<Program> App { get; private set; } = default!;

    public Task InitializeAsync()
    {
        var signer = Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo());
        App = WithoutHgs.WithWebHostBuilder(b => b.UseSetting("Fabric:AttestationSignerKey", signer));
        _ = App.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await ((IAsyncLifetime)WithoutHgs).DisposeAsync();
        Signer.Dispose();
    }

    public HttpClient Anonymous() => App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    public async Task<HttpClient> AdminAsync() =>
        await BearerAsync(PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

    public async Task<HttpClient> TenantAsync()
    {
        var tenant = await PortalSession.SignUpAsync(WithoutHgs);
        return await BearerAsync(tenant.Email, tenant.Password);
    }

    public async Task<string> JoinTokenAsync(HttpClient admin)
    {
        var created = await OffersApi.CreatedAsync<IssuedJoinToken>(
            await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1)));
        return created.Token;
    }

    public async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public Task<GuardedHost> HostAsync(Guid id) => WithDbAsync(db => db.GuardedHosts.AsNoTracking().SingleAsync(h => h.Id == id));

    /// <summary>A real health certificate for <paramref name="agent"/>, signed by <paramref name="signer"/> (HGS's by default).</summary>
    public byte[] Certificate(TestAgent agent, ECDsa? signer = null, TimeSpan? validFor = null, DateTimeOffset? issuedAt = null)
    {
        var issued = issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        return HealthCertificate.Issue(Guid.NewGuid(), Guid.NewGuid(), agent.Name, agent.TransportKey, AttestationMode.TpmTrusted,
            issued, issued + (validFor ?? TimeSpan.FromHours(1)), signer ?? Signer).ToArray();
    }

    private async Task<HttpClient> BearerAsync(string email, string password)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(email, password));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>())!;
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }
}
