using Portal.HostGuardian.Admin;
using Portal.HostGuardian.RateLimiting;

namespace Portal.HostGuardian.Api;

/// <summary>How an HGS endpoint declares who may call it, so the check and the OpenAPI document cannot drift apart.</summary>
internal static class HgsEndpointConventions
{
    /// <summary>Anyone may call; rate-limited per client address when it writes to the store.</summary>
    public static TBuilder AllowAnonymousCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HgsAccessMetadata(HgsAccess.Anonymous));

    /// <summary>Anonymous attestation traffic: limited per client address, 429 with Retry-After over the limit.</summary>
    public static TBuilder AllowAnonymousAttestation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymousCaller()
            .RequireRateLimiting(AttestationRateLimitPolicy.Name)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>Authorised by the health certificate (and transport-key proof) in the request body.</summary>
    public static TBuilder RequireHealthCertificate<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new HgsAccessMetadata(HgsAccess.HealthCertificate));

    /// <summary>The admin API key in the header, checked by <see cref="AdminApiKeyFilter"/>: 401 without it, 403 when the admin API is off.</summary>
    public static RouteGroupBuilder RequireHgsAdminKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AdminApiKeyFilter>()
            .WithMetadata(new HgsAccessMetadata(HgsAccess.AdminKey))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }
}
