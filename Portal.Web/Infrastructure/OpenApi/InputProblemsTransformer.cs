using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Every operation that reads a body, a route value, a query value or a header answers 400 with a validation problem
/// when one is not what it expects (<see cref="BadRequestProblems"/>): said once here instead of on each endpoint.
/// </summary>
internal sealed class InputProblemsTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct) =>
        operation.RequestBody is null && operation.Parameters is not { Count: > 0 }
            ? Task.CompletedTask
            : ProblemResponses.AddAsync(operation, context, StatusCodes.Status400BadRequest,
                "A value is missing or not what was expected; errors name each field and what it expects.", ct,
                typeof(HttpValidationProblemDetails));
}
