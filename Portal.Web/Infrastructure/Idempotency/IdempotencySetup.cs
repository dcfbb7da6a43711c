using Portal.Data.Idempotency;

namespace Portal.Web.Infrastructure.Idempotency;

public static class IdempotencySetup
{
    public static IServiceCollection AddIdempotency(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeper>();
        return services;
    }

    /// <summary>After authentication: the key belongs to the signed-in user.</summary>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.UseMiddleware<IdempotencyMiddleware>();
}
