using System.Text;
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
/// <para>The file is read as a stream, row by row: memory holds the series being built (one contiguous array per
/// column of each series), never the file's text or its rows. The columns are resolved, and a numeric target told
/// from text columns, on the first <see cref="SampleRows"/> data rows; every row is checked as it streams past, and
/// only the columns used (symbol, date, target, features) are converted. A file of 25 million rows reads in about
/// the memory of its numbers.</para>
/// </remarks>
public static partial class CsvSeriesReader
{
    /// <summary>The largest magnitude a value (target or feature) may have: 1e30. Unroll trains in float32, whose
    /// largest value is about 3.4e38; a value beyond 1e30 (or beyond double's range) is refused with a
    /// <see cref="DataException"/> naming its line and column, and the fix: rescale the column.</summary>
    public const double MaxMagnitude = Validation.MaxMagnitude;

    /// <summary>The number of data rows read before the columns are resolved: the rows that decide which column
    /// is numeric when the target is not named. Later rows are checked and converted as they stream past.</summary>
    public const int SampleRows = 1000;

    /// <summary>Reads the series in a CSV file, streaming it.</summary>
    /// <param name="path">The file; its name (without extension) names the series of a one-series file unless
    /// <see cref="CsvReadOptions.Name"/> does.</param>
    /// <param name="options">How to read it; null for <see cref="CsvReadOptions.Default"/>.</param>
    /// <param name="progress">Told the number of bytes of the file read so far, now and then (about every MiB)
    /// and once at the end; null for none. Called on the reading thread.</param>
    /// <returns>The series, with the target column and feature names.</returns>
    /// <exception cref="DataException">The file is missing or unreadable, or its content breaks a rule.</exception>
    public static SeriesSet Read(string path, CsvReadOptions? options = null, IProgress<long>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new DataException("this is a folder, not a CSV file. Name a .csv file.", path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException("the file does not exist. Check the path.", path, innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"the file cannot be read ({e.Message}).", path, innerException: e);
        }
        using (stream)
        {
            using var counted = new ProgressStream(stream, progress);
            // As File.ReadAllText: UTF-8 unless a byte order mark says otherwise.
            using var text = new StreamReader(counted, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            try
            {
                return Read(text, path, options);
            }
            catch (IOException e)
            {
                throw new DataException($"the file cannot be read ({e.Message}).", path, innerException: e);
            }
        }
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
        using var reader = new StringReader(csvText);
        return Read(reader, sourceName, options);
    }

    /// <summary>Reads the series in CSV text from <paramref name="reader"/>, row by row, as <see cref="Read(string, CsvReadOptions?, IProgress{long}?)"/> does a file.</summary>
    /// <param name="reader">The CSV content, read to its end (and not disposed).</param>
    /// <param name="sourceName">The name messages use for the source, such as its file path; its file name
    /// without extension names the series of a one-series file unless <see cref="CsvReadOptions.Name"/> does.</param>
    /// <param name="options">How to read it; null for <see cref="CsvReadOptions.Default"/>.</param>
    /// <returns>The series, with the target column and feature names.</returns>
    /// <exception cref="DataException">The content breaks a rule.</exception>
    public static SeriesSet Read(TextReader reader, string sourceName, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
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
        return new Reading(sourceName, options).Run(reader);
    }

    [GeneratedRegex(@"\s*\(byte offset \d+\)")]
    private static partial Regex ByteOffset();

    /// <summary>The state of one read: the file's name, the options, the header, the columns, and the series being
    /// built from the rows as they stream past.</summary>
    private sealed class Reading(string file, CsvReadOptions options)
    {
        private string[] _header = [];
        private int _dateCol, _targetCol;
        private int? _symbolCol;

        /// <summary>Without a symbol column: a column of text that takes several values in the first rows, which may
        /// name each row's series (store in store,date,sales); null when there is none. Named in the refusals of dates
        /// out of order or twice, which such a file meets.</summary>
        private string? _namesColumn;
        private int[] _featureCols = [];

        /// <summary>The columns whose numbers are read (target and features), for <see cref="CheckMark"/>.</summary>
        private int[] _numberCols = [];

        /// <summary>Every symbol seen, in order of first appearance, with its series (null for one not asked for).</summary>
        private readonly List<string> _known = [];
        private readonly Dictionary<string, SeriesBuilder?> _bySymbol = new(StringComparer.Ordinal);
        private SeriesBuilder? _only;            // the series of a file without a symbol column
        private string[] _wanted = [];           // CsvReadOptions.Symbols, trimmed

        public SeriesSet Run(TextReader input)
        {
            var text = WithSeparator(input);
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
                using var reader = CsvReader.Create(text, csvOptions, leaveOpen: true);
                _header = reader.Headers.Select(h => (h ?? "").Trim()).ToArray();
                if (IsYfinanceHeader(_header)) ReadYfinanceHeader(reader);
                CheckHeader();

                // A bounded sample of first rows resolves the columns; the rest stream past one at a time.
                var sample = new List<ArrayRow>();
                var live = new ReaderRow(reader);
                while (sample.Count < SampleRows && reader.Read())
                {
                    live.Line = (int)reader.LineNumber;
                    if (live.AllEmpty()) continue;   // a line of nothing but separators is as empty as an empty line
                    CheckFieldCount(live);
                    sample.Add(new ArrayRow(live.Line, live.ToArray()));
                }
                if (sample.Count == 0)
                {
                    throw new DataException(
                        $"the file has a header ({Text.Header(_header)}) but no data rows. " +
                        "Add one row per date below the header.", file);
                }
                var index = ClassifyIndexColumn(sample);
                (_dateCol, _symbolCol, _featureCols, _targetCol) = new ColumnResolver(file, _header, sample.Select(r => r.Fields), options)
                {
                    IndexColumn = index == IndexKind.None ? null : 0,
                    IndexHoldsDates = index == IndexKind.Dates,
                }.Resolve();
                _numberCols = [_targetCol, .. _featureCols];
                if (_symbolCol is null) _namesColumn = NamesColumn(sample, index == IndexKind.None ? null : 0);
                _wanted = options.Symbols.Select(w => w.Trim()).ToArray();
                _markSettled = options.DecimalSeparator == '.' && _separator == ',';
                CheckName();
                if (_symbolCol is null)
                {
                    string stem = Path.GetFileNameWithoutExtension(file);
                    string only = options.Name?.Trim() ?? (stem.Length == 0 ? "series" : stem);
                    _known.Add(only);
                    _only = NewSeries(only);
                }

                foreach (var row in sample) Take(row);
                sample = null;
                while (reader.Read())
                {
                    live.Line = (int)reader.LineNumber;
                    if (live.AllEmpty()) continue;
                    CheckFieldCount(live);
                    Take(live);
                }
            }
            catch (DataException e) when (_ambiguous is { } a && !_markSettled && e.Line > a.Line)
            {
                // An earlier ambiguous number that no row so far has settled is the first problem in the file.
                throw AmbiguousError();
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
            return Finish();
        }

        /// <summary>The rows taken into series so far, for <see cref="NewSeries"/>'s first capacity.</summary>
        private long _rowsTaken;

        /// <summary>A new series, its arrays first sized for the average series so far: in a long file written
        /// series after series of similar lengths, each then fills its arrays exactly, with no growing and no
        /// trimming copy.</summary>
        private SeriesBuilder NewSeries(string symbol)
        {
            int capacity = _bySymbol.Count == 0 ? 16 : (int)Math.Clamp(_rowsTaken / _bySymbol.Count, 16, 1 << 20);
            return new(symbol, _featureCols.Length, keepLines: options.Sort, capacity);
        }

        /// <summary>Whether rows of <paramref name="symbol"/> are kept: every symbol when none is asked for, else
        /// one that matches an asked-for symbol ignoring case (the exact choice among them is made at the end, when
        /// every symbol is known, as an exact match wins over one that differs in case).</summary>
        private bool IsWanted(string symbol) =>
            _wanted.Length == 0 || _wanted.Any(w => string.Equals(w, symbol, StringComparison.OrdinalIgnoreCase));

        /// <summary>Takes one data row: its symbol, then (for a series asked for) its date and numbers.</summary>
        private void Take(RowFields row)
        {
            if (_dateScan is not null)
            {
                _dateScan.See(row.Text(_dateCol), row.Line);
                return;
            }
            SeriesBuilder? series;
            if (_symbolCol is int sc)
            {
                var symbol = row.Chars(sc);
                if (symbol.Length == 0)
                {
                    throw new DataException(
                        "the symbol is empty; every row of a long-format file names its series. " +
                        "Fill it in or delete the row.", file, row.Line, _header[sc]);
                }
                if (!_bySymbol.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(symbol, out series))
                {
                    string name = symbol.ToString();
                    series = IsWanted(name) ? NewSeries(name) : null;
                    _bySymbol.Add(name, series);
                    _known.Add(name);
                }
            }
            else
            {
                series = _only;
            }
            if (!_markSettled) CheckMark(row);
            if (series is null) return;
            if (IsBlank(row))
            {
                series.BlankRows++;
                return;
            }

            string dateField = row.Text(_dateCol);
            if (!FieldParsing.TryParseDate(dateField, options.DateOrder, out var date, out string? dateProblem))
            {
                if (options.DateOrder == DateOrder.YearFirst && FieldParsing.IsNumericDate(dateField))
                {
                    // Which order the file writes may show further down (a 13th): read on for the dates alone.
                    _dateScan = new DateOrderScan(dateField, row.Line, dateProblem!);
                    _dateScan.See(dateField, row.Line);
                    return;
                }
                throw new DataException(dateProblem!, file, row.Line, _header[_dateCol], settings: CsvSettings.In(dateProblem!));
            }
            double value = ParseNumber(row, _targetCol, series, 0);
            Span<double> features = _featureCols.Length <= 16 ? stackalloc double[_featureCols.Length] : new double[_featureCols.Length];
            for (int j = 0; j < _featureCols.Length; j++) features[j] = ParseNumber(row, _featureCols[j], series, j + 1);

            if (options.DateOrder != DateOrder.YearFirst)
                series.NoteOtherOrder(date, FieldParsing.IsNumericDate(dateField) && FieldParsing.TryParseDate(dateField,
                    options.DateOrder == DateOrder.MonthFirst ? DateOrder.DayFirst : DateOrder.MonthFirst, out var other, out _) ? other : null);
            if (!options.Sort && series.Count > 0)
                CheckOrder(series, date, row.Line, _header[_dateCol]);
            series.Add(date, value, features, row.Line);
            _rowsTaken++;
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
        private IndexKind ClassifyIndexColumn(List<ArrayRow> rows)
        {
            if (!IsUnnamed(_header[0])) return IndexKind.None;
            string shown = _header[0].Length == 0 ? "has no name" : $"is named '{_header[0]}'";
            _header[0] = IndexName;
            if (rows.All(r => FieldParsing.TryParseDate(r.Fields[0], options.DateOrder, out _, out _))) return IndexKind.Dates;
            var seen = new HashSet<long>();
            if (rows.All(r => long.TryParse(r.Fields[0], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out long n) && seen.Add(n)))
                return IndexKind.RowNumbers;
            var odd = rows.First(r => !FieldParsing.TryParseDate(r.Fields[0], options.DateOrder, out _, out _));
            // Dates of three numbers that this order does not read (01/02/2020 without --date-order): say so.
            if (FieldParsing.IsNumericDate(odd.Fields[0]) && !FieldParsing.TryParseDate(odd.Fields[0], options.DateOrder, out _, out string? problem))
                throw new DataException(problem!, file, odd.Line, IndexName, settings: CsvSettings.In(problem!));
            throw new DataException(
                $"the first column {shown} and holds {Text.Quote(odd.Fields[0])}, neither dates nor row numbers " +
                "0, 1, 2, …, so Unroll cannot tell what it is. Name it in the header; if the file comes from pandas, " +
                "write it with df.to_csv(path, index=False), or name the index (df.index.name = 'date').", file, odd.Line);
        }

        /// <summary>Set at the first date of three numbers that no order was given for: the dates read from then on.</summary>
        private DateOrderScan? _dateScan;

        /// <summary>What messages call an unnamed first column.</summary>
        private const string IndexName = "(index)";

        /// <summary>The columns <see cref="Resample"/> summed, as the header spells them.</summary>
        private string[] _summed = [];

        /// <summary>
        /// Aggregates each series to one point per <see cref="CsvReadOptions.Resample"/> period, dated at the period's
        /// end: the last row's values, or the sum over the period for the columns of <see cref="CsvReadOptions.Sum"/>.
        /// </summary>
        private List<PartialPeriod> Resample(List<string> symbols, string[] valueColumns)
        {
            int[] sums = SumColumns(valueColumns);
            var partial = new List<PartialPeriod>();
            if (options.Resample == ResamplePeriod.None) return partial;
            foreach (string symbol in symbols)
            {
                var series = Series(symbol);
                if (series.Count > 0 && series.StopsShort(options.Resample))
                    partial.Add(new PartialPeriod(symbol, Resampling.PeriodOf(series.LastDate, options.Resample), series.LastDate));
                series.Resample(options.Resample, sums);
            }
            return partial;
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

        /// <summary>Whether every field of <paramref name="row"/> but the date and symbol is missing.</summary>
        private bool IsBlank(RowFields row)
        {
            for (int i = 0; i < row.Count; i++)
            {
                if (i == _dateCol || i == _symbolCol) continue;
                if (!FieldParsing.IsMissing(row.Chars(i))) return false;
            }
            return true;
        }

        private void CheckFieldCount(RowFields row)
        {
            int n = row.Count;
            if (n < _header.Length)
            {
                throw new DataException(
                    $"the row has {Text.Count(n, "value")} but the header has {_header.Length} columns " +
                    $"({Text.List(_header)}); every row needs one value per column. Fill in the " +
                    "missing values or delete the row.", file, row.Line, _header[n]);
            }
            if (n > _header.Length)
            {
                bool extra = false;
                for (int i = _header.Length; i < n && !extra; i++) extra = row.Chars(i).Length > 0;
                if (!extra) return;
                throw new DataException(
                    $"the row has {n} values but the header has {_header.Length} columns " +
                    $"({Text.List(_header)}). Remove the extra values or name their column in the header" +
                    $"{SplitDecimalCommaHint(row.ToArray())}.", file, row.Line, settings: _separator == ',' ? [CsvSettings.DecimalComma] : null);
            }
        }

        /// <summary>A hint for a row with too many fields in a comma-separated file when two neighbouring fields
        /// (after the first) are whole numbers, as an unquoted decimal comma (164,42) splits into; else "".</summary>
        private string SplitDecimalCommaHint(string[] fields)
        {
            if (_separator != ',') return "";
            static bool IsDigits(string f) => f.Length > 0 && f.All(char.IsAsciiDigit);
            for (int i = 1; i + 1 < fields.Length; i++)
            {
                if (IsDigits(fields[i].TrimStart('-', '+')) && IsDigits(fields[i + 1]))
                {
                    return $"; if '{fields[i]},{fields[i + 1]}' is one number with a decimal comma, quote " +
                           $"such numbers (\"164,42\") or separate fields with ';', and use {CsvSettings.DecimalComma}";
                }
            }
            return "";
        }

        /// <summary>Whether a number such as 1,234, which reads both as 1234 and as 1.234, is to be read with the
        /// decimal mark in force: when the mark is '.' in a comma-separated file (the common US form), or when some
        /// value read from the file reads only with that mark (12.5 or 1,234.5 for '.'; 164,42 for ','), since a
        /// file writes all its numbers one way. Any row of the file may settle it, so an ambiguous number met
        /// before that waits in <see cref="_ambiguous"/> (read with the mark in force) and is refused at the end
        /// only if no row settled it.</summary>
        private bool _markSettled;

        /// <summary>The first ambiguous number met while the mark was not settled: its problem, line and column.</summary>
        private (string Problem, int Line, string Column)? _ambiguous;

        /// <summary>Settles the mark when a number column of <paramref name="row"/> reads only with it.</summary>
        private void CheckMark(RowFields row)
        {
            foreach (int c in _numberCols)
            {
                if (FieldParsing.ReadNumber(row.Text(c), options.DecimalSeparator, out _, out _) == NumberReading.ThisMark)
                {
                    _markSettled = true;
                    return;
                }
            }
        }

        /// <summary>Reads the number in column <paramref name="col"/>; a missing value is NaN, noted in
        /// <paramref name="series"/> as value column <paramref name="valueColumn"/> (0 the target) for
        /// <see cref="ResolveMissing"/>.</summary>
        private double ParseNumber(RowFields row, int col, SeriesBuilder series, int valueColumn)
        {
            string field = row.Text(col);
            // A missing value waits as NaN for ResolveMissing. A field "NaN" is one too when a missing-value mode is chosen
            // (pandas writes missing values so with na_rep='NaN'); by default it is refused below.
            if (FieldParsing.IsMissing(field) || (options.Missing != MissingValues.Error && FieldParsing.IsNaN(field)))
            {
                series.NoteMissing(row.Line, valueColumn, field);
                return double.NaN;
            }
            char mark = options.DecimalSeparator;
            string? problem = FieldParsing.ReadNumber(field, mark, out double value, out double otherValue) switch
            {
                NumberReading.Number or NumberReading.ThisMark => null,
                NumberReading.Ambiguous when _markSettled || (options.DecimalSeparatorSet && field.Contains(mark)) => null,
                NumberReading.Ambiguous => WaitForMark(FieldParsing.AmbiguousProblem(field, mark, value, otherValue, _separator), row.Line, _header[col]),
                NumberReading.OtherMark => FieldParsing.OtherMarkProblem(field, mark, otherValue, _separator),
                _ => FieldParsing.NotANumberProblem(field, mark),
            };
            // Digits past double's range (1e400) read as infinity, which is beyond the limit too.
            problem ??= Validation.MagnitudeProblem(field, value);
            if (problem is null) return value;
            throw new DataException(problem, file, row.Line, _header[col], settings: CsvSettings.In(problem));
        }

        private DataException AmbiguousError()
        {
            var (problem, line, column) = _ambiguous!.Value;
            return new DataException(problem, file, line, column, settings: CsvSettings.In(problem));
        }

        // Keeps the first ambiguous number's problem for the end, where it stands unless a row settled the mark.
        private string? WaitForMark(string problem, int line, string column)
        {
            _ambiguous ??= (problem, line, column);
            return null;
        }

        /// <summary>Refuses <see cref="CsvReadOptions.Name"/> for a long-format file (its symbol column names the
        /// series), and a blank one.</summary>
        private void CheckName()
        {
            if (options.Name is not { } name) return;
            if (_symbolCol is int named)
                throw new DataException($"{CsvSettings.Name} names the series of a one-series file, but this file is long-format: " +
                    $"its '{_header[named]}' column names each row's series. Leave {CsvSettings.Name} out, or choose series with {CsvSettings.Symbols}.",
                    file, settings: [CsvSettings.Name, CsvSettings.Symbols]);
            if (string.IsNullOrWhiteSpace(name))
                throw new DataException($"{CsvSettings.Name} is blank; give the series a name, or leave {CsvSettings.Name} out to name it after the file.",
                    file, settings: [CsvSettings.Name]);
        }

        /// <summary>The symbols to return: every one in the file in order of first appearance, or those asked for,
        /// in that order (an exact match first, else one that differs only in case).</summary>
        private List<string> SelectSymbols()
        {
            if (options.Symbols.Count == 0) return _known;
            var chosen = new List<string>(options.Symbols.Count);
            foreach (string w in _wanted)
            {
                string? match = _known.FirstOrDefault(k => string.Equals(k, w, StringComparison.Ordinal))
                                ?? _known.FirstOrDefault(k => string.Equals(k, w, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    string hint = _symbolCol is null
                        ? $"the file has no 'symbol' column, so it holds one series, named '{_known[0]}'{(options.Name is null ? " after the file" : "")}."
                        : $"known symbols: {Text.List(_known)}.";
                    throw new DataException($"symbol '{w}' is not in the file; {hint} Check {CsvSettings.Symbols}.", file,
                        column: _symbolCol is int c ? _header[c] : null, settings: [CsvSettings.Symbols]);
                }
                if (!chosen.Contains(match)) chosen.Add(match);
            }
            return chosen;
        }

        private SeriesBuilder Series(string symbol) => _symbolCol is null ? _only! : _bySymbol[symbol]!;

        /// <summary>After the last row: the checks that need every row, then the series.</summary>
        private SeriesSet Finish()
        {
            if (_dateScan is not null)
            {
                string problem = _dateScan.Problem();
                throw new DataException(problem, file, _dateScan.Line, _header[_dateCol], settings: CsvSettings.In(problem));
            }
            if (_ambiguous is not null && !_markSettled) throw AmbiguousError();
            List<string> symbols = SelectSymbols();
            string[] featureNames = _featureCols.Select(c => _header[c]).ToArray();
            if (options.Sort)
            {
                foreach (string symbol in symbols) CheckSortable(Series(symbol), _header[_dateCol]);
                foreach (string symbol in symbols) Series(symbol).SortAndCheckDuplicates(this, _header[_dateCol]);
            }
            string[] valueColumns = [_header[_targetCol], .. featureNames];
            var rowsRead = symbols.ToDictionary(sym => sym, sym => Series(sym).Count + Series(sym).BlankRows, StringComparer.Ordinal);
            if (options.MinLength > 0)
            {
                // Before the missing values' own error, whose fixes (drop, fill) cannot help a column with no value.
                var empty = symbols.Where(sym => Series(sym).TargetMissingEverywhere).ToList();
                if (empty.Count > 1 && empty.Count == symbols.Count) throw NothingRead(null, rowsRead.Values.Sum());
                if (empty.Count > 0) throw NothingRead(_symbolCol is null ? null : empty[0], rowsRead[empty[0]]);
            }
            var (rowsDropped, valuesFilled) = ResolveMissing(symbols, valueColumns);
            int rowsBeforeResampling = symbols.Sum(sym => Series(sym).Count);
            var partialLast = Resample(symbols, valueColumns);
            var result = new List<TimeSeries>(symbols.Count);
            int blankRows = 0;
            foreach (string symbol in symbols)
            {
                var series = Series(symbol);
                blankRows += series.BlankRows;
                var ts = series.Build(featureNames);
                if (ts.Length == 0 && options.MinLength > 0) throw AllDropped(_symbolCol is null ? null : symbol, rowsRead[symbol], series, valueColumns);
                Validation.RequireMinLength(ts, options.MinLength, reason: null, file);
                result.Add(ts);
            }
            return new SeriesSet(result, _header[_targetCol], featureNames, file)
            {
                Missing = new MissingSummary(blankRows, rowsDropped, valuesFilled),
                SymbolColumn = _symbolCol is int sc ? _header[sc] : null,
                Resampled = options.Resample == ResamplePeriod.None ? null
                    : new ResampleSummary(options.Resample, rowsBeforeResampling, result.Sum(r => r.Length), _summed) { PartialLast = partialLast },
            };
        }

        /// <summary>A series left with no points: every one of its rows lacked the target's value (the rows without any
        /// value are dropped as blank, and --missing drop drops the rest).</summary>
        /// <param name="symbol">The series, or null for the whole column (a one-series file, or every series).</param>
        /// <param name="rows">The rows it had.</param>
        private DataException NothingRead(string? symbol, int rows)
        {
            string found = rows == 1 ? "no value in its one row (empty, null or NA)" : $"no value in any of its {rows} rows (each empty, null or NA)";
            if (symbol is null)
                return new DataException($"{found}: nothing to read. Fill the column in, or read another column", file, column: _header[_targetCol]);
            return new DataException($"series '{symbol}' has {found}. Fill them in, or leave the series out ({CsvSettings.Symbols})",
                file, column: _header[_targetCol], settings: [CsvSettings.Symbols]);
        }

        /// <summary>A series that had target values but lost every row to <see cref="MissingValues.Drop"/>, each row
        /// lacking a value somewhere (a feature empty throughout, say): names the columns the values were missing from.</summary>
        private DataException AllDropped(string? symbol, int rows, SeriesBuilder series, string[] valueColumns)
        {
            string columns = string.Join(", ", series.Missing.Select(m => m.Column).Distinct().Order().Select(c => Text.Quote(valueColumns[c])));
            string whose = (rows == 1 ? "the only row" : $"every one of the {rows} rows") + (symbol is null ? "" : $" of series '{symbol}'");
            return new DataException($"{whose} misses a value in {columns}, so {CsvSettings.MissingDrop} left none. " +
                $"Fill them in, or read fewer columns ({CsvSettings.Features})", file, settings: [CsvSettings.MissingDrop, CsvSettings.Features]);
        }

        /// <summary>
        /// Applies <see cref="CsvReadOptions.Missing"/> to the missing values (NaN in the series) of each series, in
        /// date order: throws one error listing them all (<see cref="MissingValues.Error"/>), drops their rows, or
        /// fills them in. Returns the rows dropped and the values filled.
        /// </summary>
        private (int RowsDropped, int ValuesFilled) ResolveMissing(List<string> symbols, string[] valueColumns)
        {
            var missing = new List<(int Line, int Column)>();
            string? firstField = null;
            foreach (string symbol in symbols)
            {
                var series = Series(symbol);
                missing.AddRange(series.Missing);
                firstField ??= series.FirstMissingField;
            }
            if (missing.Count == 0) return (0, 0);

            switch (options.Missing)
            {
                case MissingValues.Drop:
                    int dropped = 0;
                    foreach (string symbol in symbols) dropped += Series(symbol).DropMissing();
                    return (dropped, 0);
                case MissingValues.ForwardFill:
                case MissingValues.Interpolate:
                    foreach (string symbol in symbols) Fill(Series(symbol), valueColumns);
                    return (0, missing.Count);
                default:
                    throw MissingError(missing, valueColumns, firstField!);
            }
        }

        /// <summary>One error for all the missing values: how many, the first ten lines, the columns, the fix.</summary>
        /// <param name="missing">Each missing value's line and value column (0 the target).</param>
        /// <param name="valueColumns">The target's column, then the features'.</param>
        /// <param name="firstField">The first missing field as written, for the message about a single one.</param>
        private DataException MissingError(List<(int Line, int Column)> missing, string[] valueColumns, string firstField)
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
                string what = firstField.Length == 0 ? "the value is empty" : $"the value is missing ({Text.Quote(firstField)})";
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
        private void Fill(SeriesBuilder series, string[] valueColumns)
        {
            int n = series.Count;
            if (n == 0) return;
            var column = new double[n];
            for (int c = 0; c < valueColumns.Length; c++)
            {
                series.CopyColumn(c, column);
                if (!column.Any(double.IsNaN)) continue;
                if (double.IsNaN(column[0]))
                {
                    throw new DataException(
                        $"series '{series.Symbol}' starts with a missing value of column '{valueColumns[c]}': nothing comes " +
                        $"before it to carry forward or interpolate from. Delete the rows before its first value, or " +
                        $"use {CsvSettings.MissingDrop}.", file, series.FirstLine, valueColumns[c], settings: [CsvSettings.MissingDrop]);
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
                series.SetColumn(c, column);
            }
        }

        /// <summary>The field separator, from <see cref="DetectSeparator"/>.</summary>
        private char _separator = ',';

        /// <summary>Reads the start of <paramref name="input"/> up to the end of its header line, finds the separator
        /// there (<see cref="DetectSeparator"/>), and returns a reader that gives that start (with a <c>sep=</c>
        /// line blanked) and then the rest of the input.</summary>
        private TextReader WithSeparator(TextReader input)
        {
            var head = new StringBuilder();
            var buffer = new char[1 << 16];
            while (!HeaderLineRead(head))
            {
                int n = input.Read(buffer, 0, buffer.Length);
                if (n == 0) break;
                head.Append(buffer, 0, n);
            }
            string start = head.ToString();
            RequireText(start);
            _separator = DetectSeparator(ref start);
            return new PrefixedReader(start, input);
        }

        /// <summary>
        /// Refuses text whose start holds a NUL character, which no CSV text does (UTF-16 files decode without them): a
        /// model file or another binary file given as data would otherwise meet a refusal about quotes or a header of
        /// control characters. A safetensors model (an 8-byte little-endian header length, then its JSON header's '{')
        /// is named as one.
        /// </summary>
        private void RequireText(string start)
        {
            int nul = start.AsSpan(0, Math.Min(start.Length, 4096)).IndexOf('\0');
            if (nul < 0) return;
            bool model = start.Length > 8 && start[8] == '{' && start.AsSpan(2, 6).IndexOfAnyExcept('\0') < 0;
            bool onnx = file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
            throw new DataException(model || onnx
                ? $"the file is {(onnx ? "an ONNX" : "a safetensors")} model, not CSV data; give the CSV file of the series (a model goes to --model)."
                : $"the file holds binary data (a NUL character at position {nul}), not CSV text: another kind of file? Give the CSV file of the series.", file);
        }

        /// <summary>Whether <paramref name="text"/> holds the whole header line: the first line with content ends,
        /// outside quotes, within it (as <see cref="DetectSeparator"/> scans it).</summary>
        private static bool HeaderLineRead(StringBuilder text)
        {
            bool inQuotes = false, content = false;
            foreach (var chunk in text.GetChunks())
            {
                foreach (char c in chunk.Span)
                {
                    if (c == '"') inQuotes = !inQuotes;
                    if (inQuotes || c == '"')
                    {
                        content = true;
                        continue;
                    }
                    if (c is '\r' or '\n')
                    {
                        if (content) return true;
                        continue;
                    }
                    if (c != '\uFEFF') content = true;
                }
            }
            return false;
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

        // yfinance's download().to_csv() (since 0.2.51) writes three header rows: Price,Close,High,Low,Open,Volume, then
        // Ticker,AAPL,AAPL,…, then Date,,,… above the data.
        private static readonly HashSet<string> YfinanceFields = new(StringComparer.OrdinalIgnoreCase) { "Adj Close", "Close", "High", "Low", "Open", "Volume" };

        private static bool IsYfinanceHeader(string[] header)
            => header.Length >= 2 && header[0].Equals("Price", StringComparison.OrdinalIgnoreCase) && header.Skip(1).All(YfinanceFields.Contains);

        /// <summary>Reads yfinance's second and third header rows: one ticker (several side by side are refused, naming
        /// them), then the name of the date column, which becomes the first column's name.</summary>
        private void ReadYfinanceHeader(CsvReader reader)
        {
            var live = new ReaderRow(reader);
            string[] Row() => reader.Read() ? live.ToArray() : [];
            var tickers = Row();
            int tickerLine = (int)reader.LineNumber;
            var dates = Row();
            int line = (int)reader.LineNumber;
            if (tickers is not [var t, ..] || !t.Equals("Ticker", StringComparison.OrdinalIgnoreCase)
                || dates is not [var d, .. var rest] || !(d.Equals("Date", StringComparison.OrdinalIgnoreCase) || d.Equals("Datetime", StringComparison.OrdinalIgnoreCase))
                || rest.Any(f => f.Length > 0))
                throw new DataException("the header starts as yfinance writes a download (Price,Close,High,…), but the next two rows are not its " +
                    "'Ticker,…' and 'Date,,…' rows. Keep the file as yfinance wrote it, or give it one header row such as 'Date,Close,High,Low,Open,Volume'.", file, line);
            var names = tickers.Skip(1).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count > 1)
                throw new DataException($"the file is a yfinance download of {names.Count} tickers side by side ({Text.List(names.Take(5).ToArray())}{(names.Count > 5 ? ", …" : "")}), " +
                    "which Unroll does not read; download one ticker a file (yf.download('AAPL')), or save the data long, one row per ticker and date " +
                    "(data.stack(level=1).reset_index()).", file, tickerLine);
            _header[0] = d;
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
                        $"(header: {Text.Header(_header)}). Name it or remove the column.", file, 1);
                }
                if (!firstWithName.TryAdd(_header[i], i))
                {
                    throw new DataException(
                        $"columns {firstWithName[_header[i]] + 1} and {i + 1} are both named '{_header[i]}' (names " +
                        "are matched ignoring case); rename one of them.", file, 1, _header[i]);
                }
            }
        }

        private void CheckOrder(SeriesBuilder series, DateTime date, int line, string dateColumn)
        {
            DateTime previousDate = series.LastDate;
            if (date == previousDate && !series.OtherOrderFits)
                throw Duplicate(series.Symbol, date, series.LastLine, line, dateColumn);
            if (date <= previousDate)
            {
                if (series.OtherOrderFits) throw WrongOrder(series.Symbol, line, dateColumn);
                throw new DataException(
                    $"date {Text.Date(date)} of series '{series.Symbol}' follows {Text.Date(previousDate)} of line {series.LastLine} " +
                    $"but is not later; the rows of a series must be in ascending date order. Sort the file by date, " +
                    $"or use {CsvSettings.Sort} to have the rows sorted{NamesHint()}.", file, line, dateColumn, settings: NamesSettings(CsvSettings.Sort));
            }
        }

        /// <summary>Dates out of order as read in the order given, and in order every one read the other way: the order
        /// given is the wrong one (sorting would scramble the series).</summary>
        private DataException WrongOrder(string symbol, int line, string dateColumn)
        {
            bool monthFirst = options.DateOrder == DateOrder.MonthFirst;
            var other = monthFirst ? CsvSettings.DayFirst : CsvSettings.MonthFirst;
            return new DataException(
                $"the dates of series '{symbol}' are out of order read {(monthFirst ? "month" : "day")} first, and in order read " +
                $"{(monthFirst ? "day" : "month")} first, so the file writes them that way. Use {other}", file, line, dateColumn, settings: [other]);
        }

        /// <summary>With <see cref="CsvReadOptions.Sort"/>: refuses to sort a series whose dates are in order only in the
        /// other date order (see <see cref="WrongOrder"/>).</summary>
        private void CheckSortable(SeriesBuilder series, string dateColumn)
        {
            if (series.OutOfOrder && series.OtherOrderFits) throw WrongOrder(series.Symbol, series.LastLine, dateColumn);
        }

        public DataException Duplicate(string symbol, DateTime date, int firstLine, int secondLine, string dateColumn) => new(
            $"date {Text.Date(date)} of series '{symbol}' appears twice, on lines {firstLine} and {secondLine}; a " +
            $"series has one row per date. Delete one of the rows{NamesHint()}.", file, secondLine, dateColumn, settings: NamesSettings());

        // "; or, if column 'store' names each row's series, read it with --symbol-column store" when a column may.
        private string NamesHint() => _namesColumn is { } c
            ? $"; or, if column '{c}' names each row's series, read it with {CsvSettings.SymbolColumnOf(c)}"
            : "";

        private Setting[] NamesSettings(params Setting[] others)
            => _namesColumn is { } c ? [CsvSettings.SymbolColumnOf(c), .. others] : others;

        /// <summary>The first column other than the date, index, target and features whose fields in
        /// <paramref name="sample"/> are text (neither numbers nor missing) and take more than one value.</summary>
        private string? NamesColumn(List<ArrayRow> sample, int? indexColumn)
        {
            for (int c = 0; c < _header.Length; c++)
            {
                if (c == _dateCol || c == indexColumn || _numberCols.Contains(c)) continue;
                var fields = sample.Select(r => c < r.Fields.Length ? r.Fields[c].Trim() : "").Where(f => !FieldParsing.IsMissing(f)).ToList();
                if (fields.Count > 0 && !fields.Any(FieldParsing.LooksNumeric) && fields.Distinct(StringComparer.Ordinal).Skip(1).Any())
                    return _header[c];
            }
            return null;
        }
    }

    /// <summary>
    /// One series as its rows arrive: a growing array per column (dates, values, features T × F row-major, and the
    /// lines when sorting needs them for messages), trimmed to length once at the end.
    /// </summary>
    private sealed class SeriesBuilder(string symbol, int featureCount, bool keepLines, int capacity)
    {
        private DateTime[] _dates = new DateTime[capacity];
        private double[] _values = new double[capacity];
        private double[] _features = new double[capacity * featureCount];
        private int[]? _lines = keepLines ? new int[capacity] : null;
        private List<(int Line, int Column)>? _missing;

        public string Symbol { get; } = symbol;
        public int Count { get; private set; }
        public int BlankRows { get; set; }
        public DateTime LastDate => _dates[Count - 1];
        public int LastLine { get; private set; }

        /// <summary>The line of the first point (in date order once sorted).</summary>
        public int FirstLine => _lines is not null ? _lines[0] : _firstLine;
        private int _firstLine;

        private DateTime? _otherLast;
        private bool _otherInOrder = true;

        /// <summary>Whether a row's date came before the one above it (with <see cref="CsvReadOptions.Sort"/>).</summary>
        public bool OutOfOrder { get; private set; }

        /// <summary>Whether every date so far, read in the other <see cref="DateOrder"/>, is a date and later than the
        /// one above it.</summary>
        public bool OtherOrderFits => _otherInOrder && _otherLast is not null;

        /// <summary>Notes a row's date as read (<paramref name="date"/>) and in the other date order (null where it
        /// is no date that way), before the row is added.</summary>
        public void NoteOtherOrder(DateTime date, DateTime? other)
        {
            if (Count > 0 && date < LastDate) OutOfOrder = true;
            if (other is not DateTime o || (_otherLast is DateTime last && o <= last)) _otherInOrder = false;
            _otherLast = other;
        }

        /// <summary>Whether no row has the target's value: every row blank, or its target missing.</summary>
        public bool TargetMissingEverywhere => Count == 0 || (_missing is not null && _missing.Count(m => m.Column == 0) == Count);

        /// <summary>Each missing value's line and value column (0 the target, j + 1 feature j).</summary>
        public IReadOnlyList<(int Line, int Column)> Missing => (IReadOnlyList<(int, int)>?)_missing ?? [];

        /// <summary>The first missing field as written.</summary>
        public string? FirstMissingField { get; private set; }

        public void NoteMissing(int line, int column, string field)
        {
            (_missing ??= []).Add((line, column));
            FirstMissingField ??= field;
        }

        public void Add(DateTime date, double value, ReadOnlySpan<double> features, int line)
        {
            if (Count == _values.Length)
            {
                int capacity = checked(_values.Length * 2);
                Array.Resize(ref _dates, capacity);
                Array.Resize(ref _values, capacity);
                Array.Resize(ref _features, capacity * featureCount);
                if (_lines is not null) Array.Resize(ref _lines, capacity);
            }
            if (Count == 0) _firstLine = line;
            _dates[Count] = date;
            _values[Count] = value;
            features.CopyTo(_features.AsSpan(Count * featureCount, featureCount));
            if (_lines is not null) _lines[Count] = line;
            LastLine = line;
            Count++;
        }

        /// <summary>Sorts the points by date (stably, so that a duplicate is named by its lines in file order) and
        /// refuses a date that appears twice.</summary>
        public void SortAndCheckDuplicates(Reading reading, string dateColumn)
        {
            var lines = _lines!;
            var order = Enumerable.Range(0, Count).OrderBy(i => _dates[i]).ToArray();
            for (int k = 1; k < order.Length; k++)
            {
                int i = order[k - 1], j = order[k];
                if (_dates[i] == _dates[j])
                {
                    int a = Math.Min(lines[i], lines[j]), b = Math.Max(lines[i], lines[j]);
                    throw reading.Duplicate(Symbol, _dates[j], a, b, dateColumn);
                }
            }
            _dates = order.Select(i => _dates[i]).ToArray();
            _values = order.Select(i => _values[i]).ToArray();
            _lines = order.Select(i => lines[i]).ToArray();
            var features = new double[Count * featureCount];
            for (int k = 0; k < order.Length; k++)
                _features.AsSpan(order[k] * featureCount, featureCount).CopyTo(features.AsSpan(k * featureCount));
            _features = features;
        }

        /// <summary>Drops the points with a missing value; returns how many.</summary>
        public int DropMissing()
        {
            int kept = 0;
            for (int i = 0; i < Count; i++)
            {
                var row = _features.AsSpan(i * featureCount, featureCount);
                if (double.IsNaN(_values[i]) || HasNaN(row)) continue;
                _dates[kept] = _dates[i];
                _values[kept] = _values[i];
                row.CopyTo(_features.AsSpan(kept * featureCount, featureCount));
                if (_lines is not null) _lines[kept] = _lines[i];
                kept++;
            }
            int dropped = Count - kept;
            Count = kept;
            return dropped;
        }

        private static bool HasNaN(ReadOnlySpan<double> values)
        {
            foreach (double v in values) if (double.IsNaN(v)) return true;
            return false;
        }

        /// <summary>Whether the rows stop short of the last period (<see cref="Resampling.StopsShort"/>).</summary>
        public bool StopsShort(ResamplePeriod period) => Resampling.StopsShort(_dates.AsSpan(0, Count), period);

        /// <summary>Aggregates the points to one per <paramref name="period"/> (they are in date order), dated at the
        /// period's end: the last point's values, or the sum over the period for value columns
        /// <paramref name="sums"/> (0 the target, j + 1 feature j). In place: a period's point never lies after its
        /// first row.</summary>
        public void Resample(ResamplePeriod period, int[] sums)
        {
            int kept = 0;
            for (int i = 0; i < Count;)
            {
                var date = Resampling.PeriodOf(_dates[i], period);
                int end = i;
                while (end < Count && Resampling.PeriodOf(_dates[end], period) == date) end++;
                int last = end - 1;
                // The sums first: writing point kept (≤ i) may overwrite row i, which they read.
                var totals = new double[sums.Length];
                for (int n = 0; n < sums.Length; n++)
                    for (int k = i; k < end; k++) totals[n] += sums[n] == 0 ? _values[k] : _features[k * featureCount + sums[n] - 1];
                double value = _values[last];
                _features.AsSpan(last * featureCount, featureCount).CopyTo(_features.AsSpan(kept * featureCount, featureCount));
                for (int n = 0; n < sums.Length; n++)
                {
                    if (sums[n] == 0) value = totals[n];
                    else _features[kept * featureCount + sums[n] - 1] = totals[n];
                }
                _dates[kept] = date;
                _values[kept] = value;
                if (_lines is not null) _lines[kept] = _lines[last];
                kept++;
                i = end;
            }
            Count = kept;
        }

        /// <summary>Copies value column <paramref name="c"/> (0 the target, j + 1 feature j) into <paramref name="column"/>.</summary>
        public void CopyColumn(int c, double[] column)
        {
            for (int i = 0; i < Count; i++) column[i] = c == 0 ? _values[i] : _features[i * featureCount + c - 1];
        }

        /// <summary>Writes value column <paramref name="c"/> back from <paramref name="column"/>.</summary>
        public void SetColumn(int c, double[] column)
        {
            for (int i = 0; i < Count; i++)
            {
                if (c == 0) _values[i] = column[i];
                else _features[i * featureCount + c - 1] = column[i];
            }
        }

        /// <summary>The series, its arrays trimmed to length (this builder is spent).</summary>
        public TimeSeries Build(string[] featureNames)
        {
            if (_values.Length != Count)
            {
                Array.Resize(ref _dates, Count);
                Array.Resize(ref _values, Count);
                Array.Resize(ref _features, Count * featureCount);
            }
            var series = new TimeSeries(Symbol, _dates, _values, featureNames, featureCount == 0 ? null : _features);
            _dates = [];
            _values = [];
            _features = [];
            return series;
        }
    }

    /// <summary>One data row's fields, trimmed: from the sample kept in memory or from the reader's current record.</summary>
    private abstract class RowFields
    {
        public int Line { get; set; }
        public abstract int Count { get; }

        /// <summary>Field <paramref name="i"/>, trimmed; valid until the next call.</summary>
        public abstract ReadOnlySpan<char> Chars(int i);

        /// <summary>Field <paramref name="i"/>, trimmed, as a string.</summary>
        public virtual string Text(int i) => Chars(i).ToString();

        /// <summary>Whether every field is empty.</summary>
        public bool AllEmpty()
        {
            for (int i = 0; i < Count; i++) if (Chars(i).Length > 0) return false;
            return true;
        }

        public string[] ToArray()
        {
            var fields = new string[Count];
            for (int i = 0; i < fields.Length; i++) fields[i] = Text(i);
            return fields;
        }
    }

    /// <summary>A row of the sample, its fields kept as strings.</summary>
    private sealed class ArrayRow : RowFields
    {
        public ArrayRow(int line, string[] fields)
        {
            Line = line;
            Fields = fields;
        }

        public string[] Fields { get; }
        public override int Count => Fields.Length;
        public override ReadOnlySpan<char> Chars(int i) => Fields[i];
        public override string Text(int i) => Fields[i];
    }

    /// <summary>The reader's current record; only the fields asked for are decoded.</summary>
    private sealed class ReaderRow(CsvReader reader) : RowFields
    {
        private char[] _scratch = new char[256];

        public override int Count => reader.FieldCount;

        public override ReadOnlySpan<char> Chars(int i)
        {
            int bytes = reader.GetSpan(i).Length;   // UTF-8: never fewer bytes than chars
            if (_scratch.Length < bytes) _scratch = new char[Math.Max(bytes, 2 * _scratch.Length)];
            int n = reader.GetChars(i, _scratch);
            return _scratch.AsSpan(0, n).Trim();
        }
    }

    /// <summary>A reader that gives <paramref name="prefix"/> and then what <paramref name="rest"/> holds.</summary>
    private sealed class PrefixedReader(string prefix, TextReader rest) : TextReader
    {
        private int _position;

        public override int Peek() => _position < prefix.Length ? prefix[_position] : rest.Peek();

        public override int Read() => _position < prefix.Length ? prefix[_position++] : rest.Read();

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            if (_position >= prefix.Length) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, prefix.Length - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }

    /// <summary>A read-only stream that tells <paramref name="progress"/> the bytes read so far, about every MiB
    /// and once at the end.</summary>
    private sealed class ProgressStream(Stream inner, IProgress<long>? progress) : Stream
    {
        private const long Every = 1 << 20;
        private long _read, _reported = -1;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _read += n;
            if (progress is not null && (n == 0 ? _reported != _read : _read - _reported >= Every))
            {
                _reported = _read;
                progress.Report(_read);
            }
            return n;
        }
    }
}
