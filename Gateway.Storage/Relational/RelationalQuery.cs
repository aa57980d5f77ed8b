using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Gateway.Storage.Relational;

/// <summary>
/// SQL text being built with its parameters, in the dialect's placeholder syntax. Every value goes through a
/// parameter, never into the text: in <see cref="Append(FormattableString)"/> each interpolated value is one.
/// </summary>
internal sealed class RelationalQuery(IRelationalDialect dialect)
{
    private readonly StringBuilder _sql = new();
    private readonly List<object?> _values = [];

    /// <summary>A query of <paramref name="sql"/>, whose interpolated values are parameters.</summary>
    public static RelationalQuery Of(IRelationalDialect dialect, FormattableString sql) => new RelationalQuery(dialect).Append(sql);

    /// <summary>Appends <paramref name="sql"/>; each interpolated value becomes a parameter.</summary>
    public RelationalQuery Append(FormattableString sql) => AppendText(Format(sql));

    /// <summary>The text of <paramref name="sql"/> with this query's placeholders for its values (added as parameters); appends nothing.</summary>
    public string Format(FormattableString sql)
    {
        var placeholders = sql.GetArguments().Select(Parameter).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, sql.Format, placeholders);
    }

    /// <summary>Appends SQL text that holds no values (or only placeholders this query issued).</summary>
    public RelationalQuery AppendText(string sql)
    {
        _sql.Append(sql);
        return this;
    }

    /// <summary>Adds a value; returns its placeholder.</summary>
    public string Parameter(object? value)
    {
        _values.Add(value);
        return dialect.Placeholder(_values.Count - 1);
    }

    /// <summary>The command for this query on <paramref name="connection"/>.</summary>
    public DbCommand Command(DbConnection connection, DbTransaction? transaction = null) => dialect.Command(connection, transaction, _sql.ToString(), _values);
}
