namespace Portal.Web.Infrastructure.Paging;

/// <summary>
/// One page of a list: the items, how many there are in all, and the URL of the next page (null on the last).
/// Every list of the API answers in this shape.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? NextLink = null)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], Total, NextLink);
}
