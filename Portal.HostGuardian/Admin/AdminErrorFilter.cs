using Portal.Core.Common;

namespace Portal.HostGuardian.Admin;

/// <summary>
/// Maps the admin use cases' rule violations to ProblemDetails inside HGS itself, so HGS answers the same whether it
/// runs alone or inside Portal.Web (whose exception handler it must not rely on).
/// </summary>
internal sealed class AdminErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DomainValidationException e)
        {
            return TypedResults.ValidationProblem(e.Errors);
        }
        catch (NotFoundException e)
        {
            return TypedResults.Problem(title: $"No such {e.Resource.ToLowerInvariant()}.", detail: e.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (StateConflictException e)
        {
            return TypedResults.Problem(title: "Conflict.", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }
}
