using Microsoft.AspNetCore.Identity;
using Portal.Data.Identity;

namespace Portal.Web.Features.Account;

/// <summary>
/// Checks an email and password for the sign-in form and the token endpoint alike. Every failure looks the same
/// (unknown email, wrong password, locked or not allowed) and costs one password hash, so neither the answer nor
/// its timing tells whether an account exists.
/// </summary>
public sealed class PasswordSignIn(SignInManager<PortalUser> signIn, DummyPasswordHash dummy)
{
    public static readonly string FailureMessage =
        $"Email or password is not correct. After {IdentitySetup.MaxFailedSignIns} failed attempts an account's sign-in "
        + $"pauses for {IdentitySetup.LockoutDuration.TotalMinutes:0} minutes.";

    /// <summary>The user when the password is right and the user may sign in now; otherwise null.</summary>
    public async Task<PortalUser?> CheckAsync(string? email, string? password)
    {
        password ??= "";
        var users = signIn.UserManager;
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());

        // Identity answers a locked or disallowed user before hashing anything; hash anyway so it takes as long.
        if (user is null || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
        {
            dummy.Verify(password);
            return null;
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        return result.Succeeded ? user : null;
    }
}

/// <summary>A hash of a random password, verified in place of a real one so a failed sign-in always costs a hash.</summary>
public sealed class DummyPasswordHash(IPasswordHasher<PortalUser> hasher)
{
    private static readonly PortalUser Nobody = new() { UserName = "nobody" };
    private static string? _hash;

    public void Verify(string password)
    {
        var hash = _hash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
