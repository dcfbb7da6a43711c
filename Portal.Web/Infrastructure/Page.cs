namespace Portal.Web.Infrastructure;

/// <summary>One page of a list answer, with what a client needs to fetch the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);
