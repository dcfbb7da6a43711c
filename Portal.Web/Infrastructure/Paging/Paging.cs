using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;

namespace Portal.Web.Infrastructure.Paging;

/// <summary>The one paging helper of every list: checks the request, orders, counts, takes a page, links the next.</summary>
public static class Paging
{
    /// <summary>
    /// Orders <paramref name="query"/> as <paramref name="list"/> asks (400 on an unknown field or a page size over
    /// <see cref="ListQuery.MaxTop"/>) and reads one page with the total, in the database.
    /// </summary>
    public static Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, ListQuery list, SortFields<T> sort, CancellationToken ct) =>
        query.ToPageAsync(list, sort, item => item, ct);

    /// <summary>As above, projecting each item of the page in the same query.</summary>
    public static async Task<Page<TOut>> ToPageAsync<T, TOut>(
        this IQueryable<T> query, ListQuery list, SortFields<T> sort, Expression<Func<T, TOut>> select, CancellationToken ct)
    {
        var (top, skip) = Check(list);
        var ordered = Order(query, list.OrderBy, sort);
        var total = await query.CountAsync(ct);
        return new Page<TOut>(await ordered.Skip(skip).Take(top).Select(select).ToListAsync(ct), total);
    }

    /// <summary>
    /// Orders and cuts one page of <paramref name="query"/> as <paramref name="list"/> asks (400 as above), for a list
    /// that projects and counts in the same query as the page itself.
    /// </summary>
    public static IQueryable<T> PageOf<T>(this IQueryable<T> query, ListQuery list, SortFields<T> sort)
    {
        var (top, skip) = Check(list);
        return Order(query, list.OrderBy, sort).Skip(skip).Take(top);
    }

    /// <summary>
    /// A page of a list already in memory (the short lists: plans, add-ons, templates, sizes, files, tokens), checked and
    /// ordered as above.
    /// </summary>
    public static Page<T> ToPage<T>(this IReadOnlyCollection<T> items, ListQuery list, SortFields<T> sort)
    {
        var (top, skip) = Check(list);
        var (field, descending) = OrderOf(list.OrderBy, sort);
        var ordered = sort.Order(items, field, descending) ?? throw OrderByError(sort);
        return new Page<T>([.. ordered.Skip(skip).Take(top)], items.Count);
    }

    /// <summary>
    /// Sets <see cref="Page{T}.NextLink"/>: this request's path and query with <c>skip</c> moved past this page, or
    /// null when this page is the last.
    /// </summary>
    public static Page<T> WithNextLink<T>(this Page<T> page, HttpRequest request, ListQuery list)
    {
        var (top, skip) = Check(list);
        if (skip + page.Items.Count >= page.Total || page.Items.Count == 0)
        {
            return page with { NextLink = null };
        }

        var query = new QueryBuilder(request.Query
            .Where(q => !q.Key.Equals("skip", StringComparison.OrdinalIgnoreCase) && !q.Key.Equals("top", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))))
        {
            { "top", top.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { "skip", (skip + page.Items.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        return page with { NextLink = $"{request.PathBase}{request.Path}{query}" };
    }

    private static (int Top, int Skip) Check(ListQuery list)
    {
        var top = list.Top ?? ListQuery.DefaultTop;
        var skip = list.Skip ?? 0;
        if (top is < 1 or > ListQuery.MaxTop)
        {
            throw DomainValidationException.For("top", $"top is a page size from 1 to {ListQuery.MaxTop} (default {ListQuery.DefaultTop}).");
        }

        if (skip < 0)
        {
            throw DomainValidationException.For("skip", "skip cannot be negative.");
        }

        return (top, skip);
    }

    private static IOrderedQueryable<T> Order<T>(IQueryable<T> query, string? orderBy, SortFields<T> sort)
    {
        var (field, descending) = OrderOf(orderBy, sort);
        return sort.Order(query, field, descending) ?? throw OrderByError(sort);
    }

    /// <summary>The field and direction <c>orderBy</c> names ("name", "name desc"), the list's default when it names none.</summary>
    private static (string Field, bool Descending) OrderOf<T>(string? orderBy, SortFields<T> sort)
    {
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            return (sort.DefaultField, sort.DefaultDescending);
        }

        var parts = orderBy.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var direction = parts.Length == 2 ? parts[1].ToLowerInvariant() : "asc";
        if (parts.Length > 2 || direction is not ("asc" or "desc"))
        {
            throw OrderByError(sort);
        }

        return (parts[0], direction == "desc");
    }

    private static DomainValidationException OrderByError<T>(SortFields<T> sort) =>
        DomainValidationException.For("orderBy",
            $"orderBy is one of {string.Join(", ", sort.Names)}, optionally followed by ' asc' or ' desc'.");
}
