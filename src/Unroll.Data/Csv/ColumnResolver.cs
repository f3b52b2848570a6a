namespace Unroll.Data.Csv;

/// <summary>The columns of one CSV read: found by name (exactly ignoring case, else ignoring case, spaces, '_' and
/// '-') or, for the target, as the only numeric column left; every choice checked against the others.</summary>
/// <param name="Date">The date column.</param>
/// <param name="Symbol">The symbol column of a long file; null for one series per file.</param>
/// <param name="Features">The feature columns, in the order asked for.</param>
/// <param name="Target">The column to forecast.</param>
internal readonly record struct Columns(int Date, int? Symbol, int[] Features, int Target);

/// <summary>Resolves the date, symbol, feature and target columns of a header, as <see cref="CsvReadOptions"/> asks.</summary>
internal sealed class ColumnResolver(string file, string[] header, IEnumerable<string[]> rows, CsvReadOptions options)
{
    /// <summary>The names tried for the target, in order, when <see cref="CsvReadOptions.Column"/> is not set.</summary>
    public static readonly string[] DefaultTargets = ["adjclose", "close", "price", "value"];
    private static readonly string[] DateNames = ["date", "datetime", "timestamp", "time", "day", "observation_date", "ds"];
    private static readonly string[] SymbolNames = ["symbol", "ticker", "unique_id"];

    private readonly string[] _header = header;
    private string[]? _normalizedHeader;
    private int _dateCol = -1;

    /// <summary>An unnamed first column (a pandas index), never the target, a feature or the symbol; null when
    /// there is none.</summary>
    public int? IndexColumn { get; init; }

    /// <summary>The <see cref="IndexColumn"/> holds dates: it is the date column when no column is named as one.</summary>
    public bool IndexHoldsDates { get; init; }

    /// <summary>Finds every column, or throws a <see cref="DataException"/> naming the one that cannot be found or used.</summary>
    public Columns Resolve()
    {
        int dateCol = _dateCol = FindDateColumn();
        int? symbolCol = options.SymbolColumn is string named
            ? Find(named) ?? throw UnknownColumn(named, "asked for as the symbol column")
            : FindFirst(SymbolNames, exclude: new HashSet<int>());
        if (symbolCol == dateCol)
            throw new DataException($"column '{_header[dateCol]}' cannot be both the date column and the symbol column. Name another with {CsvSettings.SymbolColumn}", file, 1, _header[dateCol], settings: [CsvSettings.SymbolColumn]);
        var reserved = new HashSet<int> { dateCol };
        if (IndexColumn is int index) reserved.Add(index);
        if (symbolCol is int sc) reserved.Add(sc);
        int[] featureCols = FindFeatureColumns(reserved);
        int targetCol = FindTargetColumn(reserved, featureCols);
        return new Columns(dateCol, symbolCol, featureCols, targetCol);
    }

    /// <summary>Finds a column by name: exactly ignoring case, else ignoring case, spaces, '_' and '-'.</summary>
    private int? Find(string name)
    {
        string wanted = name.Trim();
        for (int i = 0; i < _header.Length; i++)
        {
            if (string.Equals(_header[i], wanted, StringComparison.OrdinalIgnoreCase)) return i;
        }
        string key = Normalize(wanted);
        if (key.Length == 0) return null;
        // Normalized once per read: every lookup would otherwise redo it for every column.
        _normalizedHeader ??= _header.Select(Normalize).ToArray();
        for (int i = 0; i < _header.Length; i++)
        {
            if (_normalizedHeader[i] == key) return i;
        }
        return null;
    }

    private int? FindFirst(IEnumerable<string> names, IReadOnlySet<int> exclude)
    {
        foreach (string name in names)
        {
            if (Find(name) is int i && !exclude.Contains(i)) return i;
        }
        return null;
    }

    private static string Normalize(string name) =>
        new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();

    private DataException UnknownColumn(string name, string role) => new(
        $"there is no column '{name}' ({role}). Available columns: {Text.List(_header)}. " +
        "Check the spelling.", file, 1, name, settings: CsvSettings.In(role));

    private int FindDateColumn()
    {
        if (options.DateColumn is string named)
            return Find(named) ?? throw UnknownColumn(named, "asked for as the date column");
        return FindFirst(DateNames, exclude: IndexColumn is int i ? new HashSet<int> { i } : new HashSet<int>())
            ?? (IndexHoldsDates ? IndexColumn : null)
            ?? throw new DataException(
            $"there is no date column; expected a column named 'date' (or {string.Join(", ", DateNames.Skip(1))}). " +
            $"The header has: {Text.List(_header)}. Name it with {CsvSettings.DateColumn}, or rename it 'date'.", file, 1, settings: [CsvSettings.DateColumn]);
    }

    private int[] FindFeatureColumns(HashSet<int> reserved)
    {
        var cols = new List<int>(options.Features.Count);
        foreach (string name in options.Features)
        {
            int col = Find(name) ?? throw UnknownColumn(name, $"asked for as a feature in {CsvSettings.Features}");
            if (reserved.Contains(col)) throw NotNumeric(col, reserved, "a feature; features must be numeric columns");
            if (cols.Contains(col))
            {
                throw new DataException(
                    $"column '{_header[col]}' is named twice in {CsvSettings.Features}; name each feature once.",
                    file, 1, _header[col], settings: [CsvSettings.Features]);
            }
            cols.Add(col);
        }
        return cols.ToArray();
    }

    private bool IsDate(int col) => col == _dateCol;

    // The date or symbol column asked to be a number (a feature or the target).
    private DataException NotNumeric(int col, IReadOnlySet<int> reserved, string asked, params Setting[] settings) => new(
        $"column '{_header[col]}' holds {(IsDate(col) ? "dates" : "symbols")}, so it cannot be {asked}, such as " +
        $"{Text.List(ValueColumns(reserved))}.", file, 1, _header[col], settings: settings);

    private IEnumerable<string> ValueColumns(IReadOnlySet<int> reserved) =>
        Enumerable.Range(0, _header.Length).Where(i => !reserved.Contains(i)).Select(i => _header[i]);

    private int FindTargetColumn(HashSet<int> reserved, int[] featureCols)
    {
        if (options.Column is string named)
        {
            int col = Find(named) ?? throw UnknownColumn(named, $"asked for as the column to forecast in {CsvSettings.Column}");
            if (reserved.Contains(col)) throw NotNumeric(col, reserved, $"forecast; choose a numeric column with {CsvSettings.Column}", CsvSettings.Column);
            if (featureCols.Contains(col))
            {
                throw new DataException(
                    $"column '{_header[col]}' is both the column to forecast and a feature; the target is always " +
                    $"an input already, so remove it from {CsvSettings.Features}.", file, 1, _header[col], settings: [CsvSettings.Features]);
            }
            return col;
        }

        var taken = new HashSet<int>(reserved);
        taken.UnionWith(featureCols);
        if (FindFirst(DefaultTargets, taken) is int byName) return byName;

        var candidates = Enumerable.Range(0, _header.Length).Where(i => !taken.Contains(i)).ToList();
        var numeric = candidates.Where(IsNumericColumn).ToList();
        if (numeric.Count == 1) return numeric[0];
        if (numeric.Count == 0)
        {
            throw new DataException(
                $"there is no numeric column to forecast; the columns left after the date, symbol and features " +
                $"are {Text.List(candidates.Select(i => _header[i]))}, and none holds numbers. Add a column such as " +
                $"'price', or name one with {CsvSettings.Column}.", file, 1, settings: [CsvSettings.Column]);
        }
        throw new DataException(
            $"cannot tell which column to forecast: {Text.List(numeric.Select(i => _header[i]))} are all numeric " +
            $"and none is named {string.Join(", ", DefaultTargets[..^1])} or {DefaultTargets[^1]}. Choose one with {CsvSettings.Column}.", file, 1, settings: [CsvSettings.Column]);
    }

    /// <summary>A column is numeric when most of its non-missing values read as numbers.</summary>
    private bool IsNumericColumn(int col)
    {
        int numbers = 0, present = 0;
        foreach (var fields in rows)
        {
            string f = fields[col];
            if (FieldParsing.IsMissing(f)) continue;
            present++;
            if (FieldParsing.LooksNumeric(f)) numbers++;
        }
        return present > 0 && 2 * numbers > present;
    }
}
