using Microsoft.EntityFrameworkCore;
using Portal.Testing;

namespace Portal.Data.Tests.Foundation;

public sealed class EmailUniquenessTests
{
    [Fact]
    public async Task TwoUsersWithTheSameNormalizedEmail_AreRefusedByTheDatabase()
    {
        await using var database = PostgresTestDatabase.New("unique");
        await database.MigrateAsync();
        var now = DateTimeOffset.UtcNow;

        await using var db = database.CreateContext();
        db.Users.Add(NewUser("same@tenant.test", now));
        db.Users.Add(NewUser("same@tenant.test", now));

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static Identity.PortalUser NewUser(string email, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        UserName = $"{Guid.NewGuid():N}",
        NormalizedUserName = $"{Guid.NewGuid():N}".ToUpperInvariant(),
        Email = email,
        NormalizedEmail = email.ToUpperInvariant(),
        CreatedAt = now,
    };
}
