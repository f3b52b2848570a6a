using System.Text.RegularExpressions;
using CsvHelper;

namespace Unroll.Data.Csv;

/// <summary>
/// Reads series from CSV, in either of two shapes, told apart by the header:
/// <list type="bullet">
/// <item><b>long</b>: a <c>symbol</c> (or <c>ticker</c>) column, a date column and numeric columns, many series
/// one after another or interleaved (<c>symbol,date,price</c>);</item>
/// <item><b>one series per file</b>: a date column and numeric columns (<c>date,price</c> or
/// <c>date,open,high,low,close,adjclose,volume</c>); the series is named after the file, or
/// <see cref="CsvReadOptions.Name"/>.</item>
/// </list>
/// Every problem is a <see cref="DataException"/> that names the file, the line and the column.
/// </summary>
/// <remarks>
/// Column names are matched ignoring case (and, failing that, ignoring spaces, '_' and '-', so "Adj Close" is
/// adjclose). Dates may be ISO (<c>2020-01-31</c>) or use month names (<c>Jan 31 2020</c>); gaps between dates
/// (weekends, holidays) are normal. Rows of a series must be in ascending date order unless
/// <see cref="CsvReadOptions.Sort"/> is set. Values must be finite and within ±<see cref="MaxMagnitude"/>.
/// A missing value (empty, <c>null</c>, <c>NA</c>…) is an error unless <see cref="CsvReadOptions.Missing"/> says to
/// drop or fill it; a row whose values are all missing (a holiday in a Yahoo Finance download) is dropped, and
/// counted in <see cref="SeriesSet.Missing"/>.
/// <para>Fields are separated by the first of ',', ';' and tab that the header line (the first non-empty line)
/// holds outside quotes, and by ',' when it holds none; Excel's <c>sep=;</c> first line names the separator
/// instead. So a spreadsheet export with <c>;</c> between fields reads as it is; its decimal commas need
/// <see cref="CsvReadOptions.DecimalSeparator"/> set to ','.</para>
/// </remarks>
public static partial class CsvSeriesReader
{
    /// <summary>The largest magnitude a value (target or feature) may have: 1e30. Unroll trains in float32, whose
    /// largest value is about 3.4e38; a value beyond 1e30 (or beyond double's range) is refused with a
    /// <see cref="DataException"/> naming its line and column, and the fix: rescale the column.</summary>
    public const double MaxMagnitude = Validation.MaxMagnitude;


    /// <summary>Reads the series in a CSV file.</summary>
    /// <param name="path">The file; its name (without extension) names the series of a one-series file unless
    /// <see cref="CsvReadOptions.Name"/> does.</param>
    /// <param name="options">How to read it; null for <see cref="CsvReadOptions.Default"/>.</param>
    /// <returns>The series, with the target column and feature names.</returns>
    /// <exception cref="DataException">The file is missing or unreadable, or its content breaks a rule.</exception>
    public static SeriesSet Read(string path, CsvReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new DataException("this is a folder, not a CSV file. Name a .csv file.", path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException("the file does not exist. Check the path.", path, innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"the file cannot be read ({e.Message}).", path, innerException: e);
        }
        return Parse(text, path, options);
    }

    /// <summary>Reads the series in CSV text.</summary>
    /// <param name="csvText">The CSV content.</param>
    /// <param name="sourceName">The name messages use for the source, such as its file path; its file name
    /// without extension names the series of a one-series file unless <see cref="CsvReadOptions.Name"/> does.</param>
    /// <param name="options">How to read it; null for <see cref="CsvReadOptions.Default"/>.</param>
    /// <returns>The series, with the target column and feature names.</returns>
    /// <exception cref="DataException">The content breaks a rule.</exception>
    public static SeriesSet Parse(string csvText, string sourceName, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(csvText);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= CsvReadOptions.Default;
        ArgumentNullException.ThrowIfNull(options.Features);
        ArgumentNullException.ThrowIfNull(options.Symbols);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MinLength);
        if (options.DecimalSeparator is not ('.' or ','))
        {
            string shown = char.IsControl(options.DecimalSeparator) || char.IsWhiteSpace(options.DecimalSeparator)
                ? $"U+{(int)options.DecimalSeparator:X4}"
                : $"'{options.DecimalSeparator}'";
            throw new DataException(
                $"the decimal mark {shown} is not one Unroll reads; expected '.' (the default) or ','. " +
                $"Use {CsvSettings.DecimalPoint} or {CsvSettings.DecimalComma}.", sourceName, settings: [CsvSettings.DecimalPoint, CsvSettings.DecimalComma]);
        }
        return new Reading(sourceName, options).Run(csvText);
    }

    [GeneratedRegex(@"\s*\(byte offset \d+\)")]
    private static partial Regex ByteOffset();

    /// <summary>One data row as read: its line in the file and its fields.</summary>
    private readonly record struct Row(int Line, string[] Fields);

    /// <summary>One parsed point of a series, with the line it came from for later messages.</summary>
    private readonly record struct Point(DateTime Date, double Value, double[] Features, int Line);

    /// <summary>The state of one read: the file's name, the options, the header and the rows.</summary>
    private sealed class Reading(string file, CsvReadOptions options)
    {
        private string[] _header = [];
        private readonly List<Row> _rows = [];

        public SeriesSet Run(string csvText)
        {
            ReadRecords(csvText);
            CheckHeader();
            if (_rows.Count == 0)
            {
                throw new DataException(
                    $"the file has a header ({string.Join(",", _header)}) but no data rows. " +
                    "Add one row per date below the header.", file);
            }
            CheckFieldCounts();
            var index = ClassifyIndexColumn();

            var (dateCol, symbolCol, featureCols, targetCol) = new ColumnResolver(file, _header, _rows.Select(r => r.Fields), options)
            {
                IndexColumn = index == IndexKind.None ? null : 0,
                IndexHoldsDates = index == IndexKind.Dates,
            }.Resolve();

            List<string> symbols = SelectSymbols(symbolCol);
            _numberCols = [targetCol, .. featureCols];
            var series = ParseRows(symbols, symbolCol, dateCol, targetCol, featureCols);

            string[] featureNames = featureCols.Select(c => _header[c]).ToArray();
            if (options.Sort)
            {
                foreach (string symbol in symbols) SortAndCheckDuplicates(symbol, series[symbol], _header[dateCol]);
            }
            string[] valueColumns = [_header[targetCol], .. featureNames];
            var (rowsDropped, valuesFilled) = ResolveMissing(symbols, series, valueColumns);
            int rowsBeforeResampling = symbols.Sum(sym => series[sym].Count);
            Resample(symbols, series, valueColumns);
            var result = new List<TimeSeries>(symbols.Count);
            foreach (string symbol in symbols)
            {
                List<Point> points = series[symbol];
                var ts = new TimeSeries(symbol,
                    points.Select(p => p.Date).ToArray(),
                    points.Select(p => p.Value).ToArray(),
                    featureNames,
                    points.Select(p => p.Features).ToArray());
                Validation.RequireMinLength(ts, options.MinLength, reason: null, file);
                result.Add(ts);
            }
            return new SeriesSet(result, _header[targetCol], featureNames, file)
            {
                Missing = new MissingSummary(_blankRows, rowsDropped, valuesFilled),
                SymbolColumn = symbolCol is int sc ? _header[sc] : null,
                Resampled = options.Resample == ResamplePeriod.None ? null
                    : new ResampleSummary(options.Resample, rowsBeforeResampling, result.Sum(r => r.Length), _summed),
            };
        }

        /// <summary>What an unnamed first column (the index pandas writes with <c>df.to_csv()</c>) holds.</summary>
        private enum IndexKind { None, Dates, RowNumbers }

        private static bool IsUnnamed(string name) =>
            name.Length == 0 || (name.StartsWith("Unnamed:", StringComparison.OrdinalIgnoreCase)
                                 && int.TryParse(name.AsSpan(8).Trim(), out _));

        /// <summary>
        /// An unnamed first column, as pandas' <c>df.to_csv()</c> writes the index: dates make it the date column (unless
        /// another one is named or found), distinct whole numbers 0, 1, 2, … a row number that is ignored; anything else
        /// is refused, naming <c>index=False</c>. Other columns without a name are refused by <see cref="CheckHeader"/>.
        /// </summary>
        private IndexKind ClassifyIndexColumn()
        {
            if (!IsUnnamed(_header[0])) return IndexKind.None;
            string shown = _header[0].Length == 0 ? "has no name" : $"is named '{_header[0]}'";
            _header[0] = IndexName;
            if (_rows.All(r => FieldParsing.TryParseDate(r.Fields[0], out _, out _))) return IndexKind.Dates;
            var seen = new HashSet<long>();
            if (_rows.All(r => long.TryParse(r.Fields[0], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out long n) && seen.Add(n)))
                return IndexKind.RowNumbers;
            var odd = _rows.First(r => !FieldParsing.TryParseDate(r.Fields[0], out _, out _));
            throw new DataException(
                $"the first column {shown} and holds {Text.Quote(odd.Fields[0])}, neither dates nor row numbers " +
                "0, 1, 2, …, so Unroll cannot tell what it is. Name it in the header; if the file comes from pandas, " +
                "write it with df.to_csv(path, index=False), or name the index (df.index.name = 'date').", file, odd.Line);
        }

        /// <summary>What messages call an unnamed first column.</summary>
        private const string IndexName = "(index)";

        /// <summary>The columns <see cref="Resample"/> summed, as the header spells them.</summary>
        private string[] _summed = [];

        /// <summary>
        /// Aggregates each series to one point per <see cref="CsvReadOptions.Resample"/> period, dated at the period's
        /// end: the last row's values, or the sum over the period for the columns of <see cref="CsvReadOptions.Sum"/>.
        /// </summary>
        private void Resample(List<string> symbols, Dictionary<string, List<Point>> series, string[] valueColumns)
        {
            int[] sums = SumColumns(valueColumns);
            if (options.Resample == ResamplePeriod.None) return;
            foreach (string symbol in symbols)
            {
                var points = series[symbol];
                var result = new List<Point>();
                for (int i = 0; i < points.Count;)
                {
                    var period = Resampling.PeriodOf(points[i].Date, options.Resample);
                    int end = i;
                    while (end < points.Count && Resampling.PeriodOf(points[end].Date, options.Resample) == period) end++;
                    var last = points[end - 1];
                    double value = last.Value;
                    var features = (double[])last.Features.Clone();
                    foreach (int c in sums)
                    {
                        double total = 0;
                        for (int k = i; k < end; k++) total += c == 0 ? points[k].Value : points[k].Features[c - 1];
                        if (c == 0) value = total;
                        else features[c - 1] = total;
                    }
                    result.Add(new Point(period, value, features, last.Line));
                    i = end;
                }
                points.Clear();
                points.AddRange(result);
            }
        }

        /// <summary>The value columns (0 the target, j + 1 feature j) that <see cref="CsvReadOptions.Sum"/> names,
        /// each checked: it must be read (the target or a feature), and summing needs a resample period.</summary>
        private int[] SumColumns(string[] valueColumns)
        {
            if (options.Sum.Count == 0) return [];
            if (options.Resample == ResamplePeriod.None)
            {
                throw new DataException(
                    $"{CsvSettings.Sum} sums columns over each period of {CsvSettings.Resample}, which is not set. " +
                    $"Set {CsvSettings.Resample} (day, week or month), or leave {CsvSettings.Sum} out.", file,
                    settings: [CsvSettings.Resample, CsvSettings.Sum]);
            }
            var result = new List<int>();
            foreach (string name in options.Sum)
            {
                string wanted = name.Trim();
                int c = Array.FindIndex(valueColumns, v => string.Equals(v, wanted, StringComparison.OrdinalIgnoreCase));
                if (c < 0)
                {
                    bool inFile = _header.Any(h => string.Equals(h, wanted, StringComparison.OrdinalIgnoreCase));
                    throw new DataException(inFile
                        ? $"column '{wanted}' is to be summed ({CsvSettings.Sum}) but is not read: only the target and the features are. Add it to {CsvSettings.Features}, or leave it out of {CsvSettings.Sum}."
                        : $"there is no column '{wanted}' to sum ({CsvSettings.Sum}). Read columns: {Text.List(valueColumns)}. Check the spelling.",
                        file, 1, wanted, settings: [CsvSettings.Sum, CsvSettings.Features]);
                }
                if (!result.Contains(c)) result.Add(c);
            }
            _summed = result.Select(c => valueColumns[c]).ToArray();
            return result.ToArray();
        }

        /// <summary>Rows of the chosen series dropped because every value in them (every field but the date and
        /// the symbol) was missing.</summary>
        private int _blankRows;

        /// <summary>Whether every field of <paramref name="row"/> but the date and symbol is missing.</summary>
        private static bool IsBlank(Row row, int dateCol, int? symbolCol)
        {
            for (int i = 0; i < row.Fields.Length; i++)
            {
                if (i == dateCol || i == symbolCol) continue;
                if (!FieldParsing.IsMissing(row.Fields[i])) return false;
            }
            return true;
        }

        /// <summary>
        /// Applies <see cref="CsvReadOptions.Missing"/> to the missing values (NaN in the points) of each series, in
        /// date order: throws one error listing them all (<see cref="MissingValues.Error"/>), drops their rows, or
        /// fills them in. Returns the rows dropped and the values filled.
        /// </summary>
        private (int RowsDropped, int ValuesFilled) ResolveMissing(List<string> symbols,
            Dictionary<string, List<Point>> series, string[] valueColumns)
        {
            var missing = new List<(int Line, int Column)>();
            foreach (string symbol in symbols)
            {
                foreach (var p in series[symbol])
                {
                    if (double.IsNaN(p.Value)) missing.Add((p.Line, 0));
                    for (int j = 0; j < p.Features.Length; j++)
                        if (double.IsNaN(p.Features[j])) missing.Add((p.Line, j + 1));
                }
            }
            if (missing.Count == 0) return (0, 0);

            switch (options.Missing)
            {
                case MissingValues.Drop:
                    int dropped = 0;
                    foreach (string symbol in symbols)
                        dropped += series[symbol].RemoveAll(p => double.IsNaN(p.Value) || p.Features.Any(double.IsNaN));
                    return (dropped, 0);
                case MissingValues.ForwardFill:
                case MissingValues.Interpolate:
                    foreach (string symbol in symbols) Fill(symbol, series[symbol], valueColumns);
                    return (0, missing.Count);
                default:
                    throw MissingError(missing, valueColumns);
            }
        }

        /// <summary>One error for all the missing values: how many, the first ten lines, the columns, the fix.</summary>
        private DataException MissingError(List<(int Line, int Column)> missing, string[] valueColumns)
        {
            const int shown = 10;
            int[] lines = missing.Select(m => m.Line).Distinct().Order().ToArray();
            string[] columns = missing.Select(m => m.Column).Distinct().Order().Select(c => valueColumns[c]).ToArray();
            string fix = $"expected a number in every row. Use {CsvSettings.MissingDrop} (drop those rows), " +
                         $"{CsvSettings.MissingForwardFill} (carry the last value forward) or " +
                         $"{CsvSettings.MissingInterpolate}, or fill them in.";
            Setting[] settings = [CsvSettings.MissingDrop, CsvSettings.MissingForwardFill, CsvSettings.MissingInterpolate];
            if (missing.Count == 1)
            {
                string field = _rows.First(r => r.Line == missing[0].Line).Fields[Array.IndexOf(_header, valueColumns[missing[0].Column])];
                string what = field.Length == 0 ? "the value is empty" : $"the value is missing ({Text.Quote(field)})";
                return new DataException($"{what}; {fix}", file, missing[0].Line,
                    valueColumns[missing[0].Column], settings: settings);
            }
            string where = lines.Length == 1
                ? $"on line {lines[0]}"
                : lines.Length <= shown
                    ? $"on lines {Text.List(lines.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())}"
                    : $"on {lines.Length} lines: {string.Join(", ", lines.Take(shown))}, … (the first {shown})";
            string inColumns = columns.Length == 1 ? $"column '{columns[0]}'" : $"columns {string.Join(", ", columns.Select(c => $"'{c}'"))}";
            return new DataException($"{missing.Count} values of {inColumns} are missing (empty, null or NA) {where}; {fix}",
                file, settings: settings);
        }

        /// <summary>Fills the missing values of one series, column by column, by carrying the last value forward or
        /// by linear interpolation (by position; a missing end is carried forward). A missing first value is an
        /// error: nothing comes before it.</summary>
        private void Fill(string symbol, List<Point> points, string[] valueColumns)
        {
            int n = points.Count;
            if (n == 0) return;
            var column = new double[n];
            for (int c = 0; c < valueColumns.Length; c++)
            {
                for (int i = 0; i < n; i++) column[i] = c == 0 ? points[i].Value : points[i].Features[c - 1];
                if (!column.Any(double.IsNaN)) continue;
                if (double.IsNaN(column[0]))
                {
                    throw new DataException(
                        $"series '{symbol}' starts with a missing value of column '{valueColumns[c]}': nothing comes " +
                        $"before it to carry forward or interpolate from. Delete the rows before its first value, or " +
                        $"use {CsvSettings.MissingDrop}.", file, points[0].Line, valueColumns[c], settings: [CsvSettings.MissingDrop]);
                }
                for (int i = 1; i < n; i++)
                {
                    if (!double.IsNaN(column[i])) continue;
                    int next = i;
                    while (next < n && double.IsNaN(column[next])) next++;
                    double before = column[i - 1];
                    for (int k = i; k < next; k++)
                    {
                        // Linear between column[i - 1] and column[next], by position.
                        column[k] = options.Missing == MissingValues.Interpolate && next < n
                            ? before + (column[next] - before) * (k - (i - 1)) / (next - (i - 1))
                            : before;
                    }
                    i = next;
                }
                for (int i = 0; i < n; i++)
                {
                    var p = points[i];
                    if (c == 0) points[i] = p with { Value = column[i] };
                    else p.Features[c - 1] = column[i];
                }
            }
        }

        /// <summary>The field separator, from <see cref="DetectSeparator"/>.</summary>
        private char _separator = ',';

        private void ReadRecords(string csvText)
        {
            _separator = DetectSeparator(ref csvText);
            var csvOptions = CsvReaderOptions.Default with
            {
                Separator = _separator,
                TrackLineNumbers = true,
                TrimWhitespace = true,
                SkipEmptyLines = true,
                MalformedData = CsvMalformedDataHandling.Throw,
            };
            try
            {
                using var reader = CsvReader.FromText(csvText, csvOptions);
                _header = reader.Headers.Select(h => (h ?? "").Trim()).ToArray();
                while (reader.Read())
                {
                    var fields = new string[reader.FieldCount];
                    for (int i = 0; i < fields.Length; i++) fields[i] = (reader.GetString(i) ?? "").Trim();
                    // A line of nothing but separators is as empty as an empty line.
                    if (fields.All(f => f.Length == 0)) continue;
                    _rows.Add(new Row((int)reader.LineNumber, fields));
                }
            }
            catch (CsvFormatException e)
            {
                string detail = e.Message;
                int cut = detail.IndexOf("): ", StringComparison.Ordinal);
                if (cut >= 0) detail = detail[(cut + 3)..];
                detail = ByteOffset().Replace(detail, "");
                throw new DataException(
                    $"the line is not valid CSV ({detail.TrimEnd('.')}). Check the quotes on that line: a field " +
                    "that starts with \" must end with \", and a \" inside it must be doubled.",
                    file, e.LineNumber > 0 ? (int)e.LineNumber : null, innerException: e);
            }
        }

        /// <summary>
        /// The first of ',', ';' and tab found outside quotes on the header line (the first line that is not empty),
        /// or ',' when it has none. A first line <c>sep=X</c>, as Excel writes, names the separator instead; it is
        /// blanked so that the header and the line numbers after it stay as they are. A separator the reader does
        /// not take (<c>sep=|</c>) is refused.
        /// </summary>
        private char DetectSeparator(ref string csvText)
        {
            int start = 0;
            while (start < csvText.Length && csvText[start] == '\uFEFF') start++;
            if (string.CompareOrdinal(csvText, start, "sep=", 0, 4) == 0 && csvText.Length > start + 4
                && (csvText.Length == start + 5 || csvText[start + 5] is '\r' or '\n'))
            {
                char named = csvText[start + 4];
                if (named is not (',' or ';' or '\t'))
                {
                    throw new DataException(
                        $"the first line 'sep={named}' names '{named}' as the separator; Unroll reads ',', ';' or tabs " +
                        "between fields. Save the file as comma-separated CSV.", file, 1);
                }
                csvText = csvText[..start] + csvText[(start + 5)..];
                return named;
            }

            int commas = 0, semicolons = 0, tabs = 0;
            bool inQuotes = false, content = false;
            for (int i = start; i < csvText.Length; i++)
            {
                char c = csvText[i];
                if (c == '"') inQuotes = !inQuotes;
                if (inQuotes || c == '"')
                {
                    content = true;
                    continue;
                }
                if (c is '\r' or '\n')
                {
                    if (content) break;
                    continue;
                }
                content = true;
                if (c == ',') commas++;
                else if (c == ';') semicolons++;
                else if (c == '\t') tabs++;
            }
            return commas > 0 ? ',' : semicolons > 0 ? ';' : tabs > 0 ? '\t' : ',';
        }

        private void CheckHeader()
        {
            if (_header.Length == 0 || _header.All(h => h.Length == 0))
            {
                throw new DataException(
                    "the file is empty; expected a header row such as 'date,price' or 'symbol,date,price' " +
                    "followed by one row per date.", file);
            }
            if (_header.Length == 1 && _header[0].IndexOfAny([';', '\t', '|']) >= 0)
            {
                char sep = _header[0].First(c => c is ';' or '\t' or '|');
                string shown = sep == '\t' ? "tabs" : $"'{sep}'";
                throw new DataException(
                    $"the header '{_header[0]}' seems to separate columns with {shown}; expected ',', ';' or tabs " +
                    "between columns, as in 'date,price'. Save the file as comma-separated CSV.", file, 1);
            }
            // A dictionary, not a pairwise loop: a header of 100,000 columns must not take minutes.
            var firstWithName = new Dictionary<string, int>(_header.Length, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < _header.Length; i++)
            {
                if (i == 0 && IsUnnamed(_header[0]) && _header.Length > 1) continue; // a pandas index: ClassifyIndexColumn
                if (_header[i].Length == 0)
                {
                    throw new DataException(
                        $"column {i + 1} of the header has no name; every column needs one " +
                        $"(header: {string.Join(",", _header)}). Name it or remove the column.", file, 1);
                }
                if (!firstWithName.TryAdd(_header[i], i))
                {
                    throw new DataException(
                        $"columns {firstWithName[_header[i]] + 1} and {i + 1} are both named '{_header[i]}' (names " +
                        "are matched ignoring case); rename one of them.", file, 1, _header[i]);
                }
            }
        }

        private void CheckFieldCounts()
        {
            foreach (var row in _rows)
            {
                int n = row.Fields.Length;
                if (n < _header.Length)
                {
                    throw new DataException(
                        $"the row has {Text.Count(n, "value")} but the header has {_header.Length} columns " +
                        $"({Text.List(_header)}); every row needs one value per column. Fill in the " +
                        "missing values or delete the row.", file, row.Line, _header[n]);
                }
                if (n > _header.Length && row.Fields.Skip(_header.Length).Any(f => f.Length > 0))
                {
                    throw new DataException(
                        $"the row has {n} values but the header has {_header.Length} columns " +
                        $"({Text.List(_header)}). Remove the extra values or name their column in the header" +
                        $"{SplitDecimalCommaHint(row)}.", file, row.Line, settings: _separator == ',' ? [CsvSettings.DecimalComma] : null);
                }
            }
        }

        /// <summary>A hint for a row with too many fields in a comma-separated file when two neighbouring fields
        /// (after the first) are whole numbers, as an unquoted decimal comma (164,42) splits into; else "".</summary>
        private string SplitDecimalCommaHint(Row row)
        {
            if (_separator != ',') return "";
            static bool IsDigits(string f) => f.Length > 0 && f.All(char.IsAsciiDigit);
            for (int i = 1; i + 1 < row.Fields.Length; i++)
            {
                if (IsDigits(row.Fields[i].TrimStart('-', '+')) && IsDigits(row.Fields[i + 1]))
                {
                    return $"; if '{row.Fields[i]},{row.Fields[i + 1]}' is one number with a decimal comma, quote " +
                           $"such numbers (\"164,42\") or separate fields with ';', and use {CsvSettings.DecimalComma}";
                }
            }
            return "";
        }

        private List<string> SelectSymbols(int? symbolCol)
        {
            if (options.Name is { } name)
            {
                if (symbolCol is int named)
                    throw new DataException($"{CsvSettings.Name} names the series of a one-series file, but this file is long-format: " +
                        $"its '{_header[named]}' column names each row's series. Leave {CsvSettings.Name} out, or choose series with {CsvSettings.Symbols}.",
                        file, settings: [CsvSettings.Name, CsvSettings.Symbols]);
                if (string.IsNullOrWhiteSpace(name))
                    throw new DataException($"{CsvSettings.Name} is blank; give the series a name, or leave {CsvSettings.Name} out to name it after the file.",
                        file, settings: [CsvSettings.Name]);
            }
            List<string> known;
            if (symbolCol is int sc)
            {
                known = [];
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in _rows)
                {
                    string s = row.Fields[sc];
                    if (s.Length == 0)
                    {
                        throw new DataException(
                            "the symbol is empty; every row of a long-format file names its series. " +
                            "Fill it in or delete the row.", file, row.Line, _header[sc]);
                    }
                    if (seen.Add(s)) known.Add(s);
                }
            }
            else
            {
                string stem = Path.GetFileNameWithoutExtension(file);
                known = [options.Name?.Trim() ?? (stem.Length == 0 ? "series" : stem)];
            }

            if (options.Symbols.Count == 0) return known;

            var chosen = new List<string>(options.Symbols.Count);
            foreach (string wanted in options.Symbols)
            {
                string w = wanted.Trim();
                string? match = known.FirstOrDefault(k => string.Equals(k, w, StringComparison.Ordinal))
                                ?? known.FirstOrDefault(k => string.Equals(k, w, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    string hint = symbolCol is null
                        ? $"the file has no 'symbol' column, so it holds one series, named '{known[0]}'{(options.Name is null ? " after the file" : "")}."
                        : $"known symbols: {Text.List(known)}.";
                    throw new DataException($"symbol '{w}' is not in the file; {hint} Check {CsvSettings.Symbols}.", file,
                        column: symbolCol is int c ? _header[c] : null, settings: [CsvSettings.Symbols]);
                }
                if (!chosen.Contains(match)) chosen.Add(match);
            }
            return chosen;
        }

        private Dictionary<string, List<Point>> ParseRows(List<string> symbols, int? symbolCol, int dateCol,
            int targetCol, int[] featureCols)
        {
            var series = symbols.ToDictionary(s => s, _ => new List<Point>(), StringComparer.Ordinal);
            string defaultSymbol = symbols[0];
            foreach (var row in _rows)
            {
                string symbol = symbolCol is int sc ? row.Fields[sc] : defaultSymbol;
                if (!series.TryGetValue(symbol, out var points)) continue;
                if (IsBlank(row, dateCol, symbolCol))
                {
                    _blankRows++;
                    continue;
                }

                if (!FieldParsing.TryParseDate(row.Fields[dateCol], out var date, out string? dateProblem))
                    throw new DataException(dateProblem!, file, row.Line, _header[dateCol]);
                double value = ParseNumber(row, targetCol);
                double[] features = featureCols.Length == 0 ? [] : new double[featureCols.Length];
                for (int j = 0; j < featureCols.Length; j++) features[j] = ParseNumber(row, featureCols[j]);

                if (!options.Sort && points.Count > 0)
                    CheckOrder(symbol, points[^1], date, row.Line, _header[dateCol]);
                points.Add(new Point(date, value, features, row.Line));
            }
            return series;
        }

        private double ParseNumber(Row row, int col)
        {
            string field = row.Fields[col];
            // A missing value waits as NaN (which no field reads as: "NaN" is refused below) for ResolveMissing.
            if (FieldParsing.IsMissing(field)) return double.NaN;
            char mark = options.DecimalSeparator;
            string? problem = FieldParsing.ReadNumber(field, mark, out double value, out double otherValue) switch
            {
                NumberReading.Number or NumberReading.ThisMark => null,
                NumberReading.Ambiguous when MarkSettled() => null,
                NumberReading.Ambiguous => FieldParsing.AmbiguousProblem(field, mark, value, otherValue, _separator),
                NumberReading.OtherMark => FieldParsing.OtherMarkProblem(field, mark, otherValue, _separator),
                _ => FieldParsing.NotANumberProblem(field, mark),
            };
            // Digits past double's range (1e400) read as infinity, which is beyond the limit too.
            problem ??= Validation.MagnitudeProblem(field, value);
            if (problem is null) return value;
            throw new DataException(problem, file, row.Line, _header[col], settings: CsvSettings.In(problem));
        }

        /// <summary>The columns whose numbers are read (target and features), for <see cref="MarkSettled"/>.</summary>
        private int[] _numberCols = [];
        private bool? _markSettled;

        /// <summary>Whether a number such as 1,234, which reads both as 1234 and as 1.234, is to be read with the
        /// decimal mark in force: when the mark is '.' in a comma-separated file (the common US form), or when some
        /// value read from the file reads only with that mark (12.5 or 1,234.5 for '.'; 164,42 for ','), since a
        /// file writes all its numbers one way.</summary>
        private bool MarkSettled()
        {
            char mark = options.DecimalSeparator;
            if (mark == '.' && _separator == ',') return true;
            _markSettled ??= _rows.Any(r => _numberCols.Any(c =>
                FieldParsing.ReadNumber(r.Fields[c], mark, out _, out _) == NumberReading.ThisMark));
            return _markSettled.Value;
        }

        private void CheckOrder(string symbol, Point previous, DateTime date, int line, string dateColumn)
        {
            if (date == previous.Date)
                throw Duplicate(symbol, date, previous.Line, line, dateColumn);
            if (date < previous.Date)
            {
                throw new DataException(
                    $"date {Text.Date(date)} of series '{symbol}' comes after {Text.Date(previous.Date)} on line " +
                    $"{previous.Line}; the rows of a series must be in ascending date order. Sort the file by date, " +
                    $"or use {CsvSettings.Sort} to have the rows sorted.", file, line, dateColumn, settings: [CsvSettings.Sort]);
            }
        }

        private DataException Duplicate(string symbol, DateTime date, int firstLine, int secondLine, string dateColumn) => new(
            $"date {Text.Date(date)} of series '{symbol}' appears twice, on lines {firstLine} and {secondLine}; a " +
            "series has one row per date. Delete one of the rows.", file, secondLine, dateColumn);

        private void SortAndCheckDuplicates(string symbol, List<Point> points, string dateColumn)
        {
            // Stable, so the duplicate check below names the lines in file order.
            var sorted = points.OrderBy(p => p.Date).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Date == sorted[i - 1].Date)
                {
                    int a = Math.Min(sorted[i - 1].Line, sorted[i].Line), b = Math.Max(sorted[i - 1].Line, sorted[i].Line);
                    throw Duplicate(symbol, sorted[i].Date, a, b, dateColumn);
                }
            }
            points.Clear();
            points.AddRange(sorted);
        }
    }
}
