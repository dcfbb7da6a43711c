using Microsoft.AspNetCore.Http.Json;
using Portal.Web.Infrastructure.Idempotency;
using Portal.ServiceDefaults;
using System.Text.Json.Serialization;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Infrastructure;

public static class ApiSetup
{
    public static WebApplicationBuilder AddPortalApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // Numbers are JSON numbers: the web defaults would also read "5" and describe every number as integer|string.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // A value the API cannot bind throws, so the exception handler can say which one and what it expects.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddPortalOpenApi();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddIdempotency();
        return builder;
    }

    /// <summary><c>/healthz</c> with every check, <c>/healthz/live</c> and <c>/healthz/ready</c>.</summary>
    public static WebApplication MapPortalHealth(this WebApplication app)
    {
        app.MapHealthEndpoints();
        return app;
    }
}
