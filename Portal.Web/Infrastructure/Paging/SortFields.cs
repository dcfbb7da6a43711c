using System.Linq.Expressions;

namespace Portal.Web.Infrastructure.Paging;

/// <summary>
/// The fields a list may be ordered by (<c>orderBy=</c>), its default order, and a unique key that ends every order
/// so that pages never overlap or skip an item.
/// </summary>
public sealed class SortFields<T>
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, IOrderedQueryable<T>>> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<IOrderedQueryable<T>, bool, IOrderedQueryable<T>> _tieBreaker;

    private SortFields(Func<IOrderedQueryable<T>, bool, IOrderedQueryable<T>> tieBreaker)
    {
        _tieBreaker = tieBreaker;
    }

    public string DefaultField { get; private set; } = "";

    public bool DefaultDescending { get; private set; }

    public IEnumerable<string> Names => _fields.Keys;

    /// <summary>Starts with the default order; <paramref name="key"/> is unique (an id) and breaks ties, in the same direction.</summary>
    public static SortFields<T> By<TField, TKey>(
        string name, Expression<Func<T, TField>> field, Expression<Func<T, TKey>> key, bool descending = false)
    {
        var sort = new SortFields<T>((q, descending) => descending ? q.ThenByDescending(key) : q.ThenBy(key));
        sort.DefaultField = name;
        sort.DefaultDescending = descending;
        return sort.And(name, field);
    }

    public SortFields<T> And<TField>(string name, Expression<Func<T, TField>> field)
    {
        _fields[name] = (query, descending) => descending ? query.OrderByDescending(field) : query.OrderBy(field);
        return this;
    }

    public bool TryApply(IQueryable<T> query, string field, bool descending, out IOrderedQueryable<T> ordered)
    {
        if (_fields.TryGetValue(field, out var order))
        {
            ordered = _tieBreaker(order(query, descending), descending);
            return true;
        }

        ordered = null!;
        return false;
    }
}
