namespace Portal.Web.Infrastructure.Idempotency;

public static class IdempotencyEndpointExtensions
{
    /// <summary>
    /// The same Idempotency-Key with the same request answers with the first response (nothing is created twice);
    /// with a different request 422; while the first is still running 409. A failed request frees its key.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, bool storedWithResource = false) =>
        builder
            .WithMetadata(new IdempotencyMetadata(storedWithResource))
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.AddRequestHeader(IdempotencyMetadata.HeaderName,
                    "A key of your choice (1 to 100 printable characters) that makes a retry safe: the same key with the same "
                    + "request within 24 hours answers with the first response instead of creating again.");
                return Task.CompletedTask;
            });
}
