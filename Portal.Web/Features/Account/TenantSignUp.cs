using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Tenants;
using Portal.Data;
using Portal.Data.Identity;

namespace Portal.Web.Features.Account;

/// <summary>Creates a tenant account and its first user together, or nothing at all.</summary>
public sealed class TenantSignUp(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<PortalUser> RegisterAsync(SignUpInput input, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tenant = TenantAccount.Create(input.Organization, now);
        var user = new PortalUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = input.Email.Trim(),
            Email = input.Email.Trim(),
            DisplayName = Guard.Text(input.DisplayName, "DisplayName", 1, 100),
            TenantId = tenant.Id,
            CreatedAt = now,
        };

        if (await users.FindByEmailAsync(user.Email) is not null)
        {
            throw DomainValidationException.For(nameof(SignUpInput.Email), "An account with this email already exists.");
        }

        await EnsurePasswordAcceptedAsync(user, input.Password);

        // Hashing is deliberately slow: done before the transaction, it holds no lock, least of all the audit chain's.
        user.PasswordHash = users.PasswordHasher.HashPassword(user, input.Password);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(ct);

        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two sign-ups raced for one email; the unique index settled it.
            throw DomainValidationException.For(nameof(SignUpInput.Email), "An account with this email already exists.");
        }

        if (!created.Succeeded)
        {
            throw ToValidation(created);
        }

        // Last, so the chain's head is held only for the append and the commit.
        db.AuditEntries.Add(AuditEntry.Record(
            actor with { UserId = user.Id, Name = user.Email }, "tenant.signed-up", $"tenant:{tenant.Id} ({tenant.Name})", tenant.Id, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    private async Task EnsurePasswordAcceptedAsync(PortalUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            if (!result.Succeeded)
            {
                throw new DomainValidationException(new Dictionary<string, string[]>
                {
                    [nameof(SignUpInput.Password)] = [.. result.Errors.Select(e => e.Description)],
                });
            }
        }
    }

    private static DomainValidationException ToValidation(IdentityResult result) =>
        new(result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(SignUpInput.Password)
                : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal)
                    ? nameof(SignUpInput.Email) : "")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
}
