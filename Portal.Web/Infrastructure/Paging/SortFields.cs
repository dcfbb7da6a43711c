using System.Linq.Expressions;

namespace Portal.Web.Infrastructure.Paging;

/// <summary>
/// The fields a list may be ordered by (<c>orderBy=</c>), its default order, and a unique key that ends every order
/// so that pages never overlap or skip an item. A database query is ordered by the fields' expressions; a list in memory
/// by the same expressions compiled once, here: ordering it as a queryable would compile them on every request.
/// </summary>
public sealed class SortFields<T>
{
    private readonly Dictionary<string, Field> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly Field _tieBreaker;

    private SortFields(Field tieBreaker)
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
        var sort = new SortFields<T>(Field.Of(key));
        sort.DefaultField = name;
        sort.DefaultDescending = descending;
        return sort.And(name, field);
    }

    public SortFields<T> And<TField>(string name, Expression<Func<T, TField>> field)
    {
        _fields[name] = Field.Of(field);
        return this;
    }

    /// <summary><paramref name="query"/> ordered by <paramref name="field"/>, then the key; null for a field not listed.</summary>
    public IOrderedQueryable<T>? Order(IQueryable<T> query, string field, bool descending) =>
        _fields.TryGetValue(field, out var order) ? _tieBreaker.ThenBy(order.OrderBy(query, descending), descending) : null;

    /// <summary>The same for a list in memory.</summary>
    public IOrderedEnumerable<T>? Order(IEnumerable<T> items, string field, bool descending) =>
        _fields.TryGetValue(field, out var order) ? _tieBreaker.ThenBy(order.OrderBy(items, descending), descending) : null;

    /// <summary>One field: its expression orders a database query, the same compiled once orders a list in memory.</summary>
    private abstract class Field
    {
        public static Field Of<TField>(Expression<Func<T, TField>> expression) => new Field<TField>(expression);

        public abstract IOrderedQueryable<T> OrderBy(IQueryable<T> query, bool descending);

        public abstract IOrderedQueryable<T> ThenBy(IOrderedQueryable<T> query, bool descending);

        public abstract IOrderedEnumerable<T> OrderBy(IEnumerable<T> items, bool descending);

        public abstract IOrderedEnumerable<T> ThenBy(IOrderedEnumerable<T> items, bool descending);
    }

    private sealed class Field<TField>(Expression<Func<T, TField>> expression) : Field
    {
        private readonly Func<T, TField> _compiled = expression.Compile();

        public override IOrderedQueryable<T> OrderBy(IQueryable<T> query, bool descending) =>
            descending ? query.OrderByDescending(expression) : query.OrderBy(expression);

        public override IOrderedQueryable<T> ThenBy(IOrderedQueryable<T> query, bool descending) =>
            descending ? query.ThenByDescending(expression) : query.ThenBy(expression);

        public override IOrderedEnumerable<T> OrderBy(IEnumerable<T> items, bool descending) =>
            descending ? items.OrderByDescending(_compiled) : items.OrderBy(_compiled);

        public override IOrderedEnumerable<T> ThenBy(IOrderedEnumerable<T> items, bool descending) =>
            descending ? items.ThenByDescending(_compiled) : items.ThenBy(_compiled);
    }
}
