using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Infrastructure;

/// <summary>How often sign-in, sign-up and the token endpoint may be tried, per client address and per account.</summary>
public sealed class CredentialRateLimitOptions
{
    public const string SectionName = "RateLimits:Credentials";

    [Range(1, int.MaxValue)]
    public int PerAddressPermits { get; set; } = 30;

    public TimeSpan PerAddressWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Counts attempts for one email, whether or not it has an account, so the limit says nothing about that.</summary>
    [Range(1, int.MaxValue)]
    public int PerAccountPermits { get; set; } = 10;

    public TimeSpan PerAccountWindow { get; set; } = TimeSpan.FromMinutes(5);
}
