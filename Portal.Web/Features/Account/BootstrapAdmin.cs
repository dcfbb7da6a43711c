using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Operations;

namespace Portal.Web.Features.Account;

/// <summary>
/// Creates the ProviderAdmin role and, on a database without any admin, the first provider admin from
/// configuration. Without a configured password a strong one is generated and shown once in the first-start banner.
/// </summary>
internal sealed class BootstrapAdmin(
    UserManager<PortalUser> users,
    RoleManager<PortalRole> roles,
    PortalDbContext db,
    IOptions<PortalOptions> options,
    TimeProvider time,
    FirstStartBanner banner,
    ILogger<BootstrapAdmin> logger)
{
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (!await roles.RoleExistsAsync(Roles.ProviderAdmin))
        {
            await roles.CreateAsync(new PortalRole(Roles.ProviderAdmin));
        }

        if ((await users.GetUsersInRoleAsync(Roles.ProviderAdmin)).Count > 0)
        {
            return;
        }

        var settings = options.Value.Bootstrap;
        var generated = string.IsNullOrEmpty(settings.AdminPassword);
        var password = generated ? GeneratePassword() : settings.AdminPassword!;
        var now = time.GetUtcNow();
        var admin = new PortalUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = settings.AdminEmail,
            Email = settings.AdminEmail,
            EmailConfirmed = true,
            DisplayName = "Provider administrator",
            CreatedAt = now,
        };

        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                "Portal:Bootstrap could not create the first provider admin: "
                + string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        await users.AddToRoleAsync(admin, Roles.ProviderAdmin);
        db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "admin.bootstrapped", $"user:{admin.Id} ({admin.Email})", null, now));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created the first provider admin {Email}", admin.Email);

        // The banner goes to the console, never the logger: the password must not reach log sinks.
        banner.Add(
            generated ? "First provider admin created. This password is shown once:" : "First provider admin created:",
            $"email:    {admin.Email}",
            generated ? $"password: {password}" : "password: as configured (Portal:Bootstrap:AdminPassword)");
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var body = RandomNumberGenerator.GetString(alphabet, 20);

        // Guarantee each class the password rules ask for, whatever the draw.
        return $"{body}A7a";
    }
}
