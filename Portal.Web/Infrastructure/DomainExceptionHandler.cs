using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding;

namespace Portal.Web.Infrastructure;

/// <summary>The one place where a domain refusal becomes an HTTP status with a ProblemDetails body.</summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? problem = exception switch
        {
            DomainValidationException e => new HttpValidationProblemDetails(BadRequestProblems.WithJsonNames(http, e.Errors))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more values are not valid.",
            },
            NotFoundException e => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found",
                Detail = e.Message,
            },
            QuotaExceededException e => QuotaProblem(e),
            ShieldingFormatException e => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The file is not valid.",
                Detail = e.Message,
                Extensions = { ["error"] = e.Error.ToString(), ["format"] = e.Format.ToString() },
            },
            StateConflictException e => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = e.Message,
            },
            LeaseLostException e => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Lease lost",
                Detail = e.Message,
            },
            // Two writers loaded the same version and this one saved second: 412 when it named the version it read
            // (If-Match), otherwise 409; either way nothing of this request was saved.
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = Concurrency.ETags.ExpectedVersion(http.Request) is null
                    ? StatusCodes.Status409Conflict
                    : StatusCodes.Status412PreconditionFailed,
                Title = "The resource has changed",
                Detail = "Someone else changed it at the same time; read it again and reapply your change.",
            },
            // The client stopped sending mid-body (a cut connection, a truncated upload): its fault, not the portal's.
            IOException when http.RequestAborted.IsCancellationRequested || exception is ConnectionResetException => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Bad request",
                Detail = "The request body ended before it was complete.",
            },
            BadHttpRequestException e => BadRequestProblems.Describe(http, e),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    // The first exceeded dimension at the top level (what clients show), every exceeded one under "exceeded".
    private static ProblemDetails QuotaProblem(QuotaExceededException e) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = "Quota exceeded",
        Detail = e.Message,
        Extensions =
        {
            ["dimension"] = e.Dimension.ToString(),
            ["limit"] = e.Limit,
            ["used"] = e.Used,
            ["requested"] = e.Requested,
            ["exceeded"] = e.Exceeded.Select(x => new { dimension = x.Dimension.ToString(), x.Limit, x.Used, x.Requested, x.Message }).ToList(),
        },
    };
}
