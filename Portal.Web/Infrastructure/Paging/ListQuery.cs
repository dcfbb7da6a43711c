using Microsoft.AspNetCore.Mvc;

namespace Portal.Web.Infrastructure.Paging;

/// <summary>
/// The paging and ordering of a list request: <c>?top=50&amp;skip=100&amp;orderBy=createdAt desc</c>. Bind with
/// <c>[AsParameters]</c>; <see cref="Paging"/> checks it (400 over <see cref="MaxTop"/> or on an unknown field).
/// </summary>
public sealed class ListQuery
{
    public const int DefaultTop = 50;
    public const int MaxTop = 200;

    /// <summary>How many items to return: 1 to 200, 50 when not given.</summary>
    [FromQuery(Name = "top")]
    public int? Top { get; init; }

    /// <summary>How many items to pass over first (the nextLink of a page sets it).</summary>
    [FromQuery(Name = "skip")]
    public int? Skip { get; init; }

    /// <summary>A field of the list's allowed set, optionally followed by <c>asc</c> or <c>desc</c>.</summary>
    [FromQuery(Name = "orderBy")]
    public string? OrderBy { get; init; }

    /// <summary>For pages of the portal's own UI, which count in page numbers.</summary>
    public static ListQuery ForPage(int pageNumber, int pageSize) =>
        new() { Top = pageSize, Skip = (Math.Max(pageNumber, 1) - 1) * pageSize };

    public static ListQuery First(int top) => new() { Top = top };
}
