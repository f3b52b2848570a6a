using System.CommandLine;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Forecasting;

namespace Unroll.Cli;

/// <summary>
/// How a command reads its --data file: --name, --symbol, --sort, --decimal, --missing, --date-column, --date-order, --resample and
/// --sum, turned into <see cref="CsvReadOptions"/>, the read itself (with a progress bar for a large file), the notes
/// on what it dropped, filled or aggregated, and the flags given, for a suggested next command. train, backtest and
/// predict share it, so all read a file alike.
/// </summary>
/// <param name="symbolDescription">The help text of --symbol in this command.</param>
internal sealed class ReadOptions(string symbolDescription)
{
    public Option<string?> Name { get; } = NameOption();
    public Option<string[]> Symbol { get; } = new("--symbol") { Description = symbolDescription, AllowMultipleArgumentsPerToken = true };
    public Option<bool> Sort { get; } = new("--sort") { Description = "Sort rows by date instead of refusing dates out of order" };
    public Option<string> Decimal { get; } = DecimalOption();
    public Option<MissingValues> Missing { get; } = MissingOption();
    public Option<string?> DateColumn { get; } = DateColumnOption();
    public Option<string?> SymbolColumn { get; } = SymbolColumnOption();
    public Option<DateOrder> DateOrder { get; } = DateOrderOption();
    public Option<ResamplePeriod> Resample { get; } = ResampleOption();
    public Option<string?> Sum { get; } = SumOption();

    /// <summary>The options, in the order a command lists them.</summary>
    public IEnumerable<Option> All => [Name, Symbol, Sort, Decimal, Missing, DateColumn, SymbolColumn, DateOrder, Resample, Sum];

    /// <summary>Reads <paramref name="path"/> as the options say, with <paramref name="column"/> and
    /// <paramref name="features"/> as the target and feature columns, noting on standard error what it did with
    /// missing values and how it resampled.</summary>
    public SeriesSet Read(ParseResult parse, CliContext context, string path, string? column, IReadOnlyList<string> features)
    {
        ForecastOptions.RequireDataFile(path);
        var set = DataReading.Read(context, path, CsvOptions(parse, column, features));
        if (!context.Quiet)   // --quiet: no notes (warnings and errors still print)
            foreach (var note in Notes(set, parse.GetValue(Missing))) context.Error.WriteLine(note);
        return set;
    }

    /// <summary>The reading options these flags give, with <paramref name="column"/> and <paramref name="features"/> as
    /// the target and feature columns (<c>unroll serve</c> reads an upload in memory with them).</summary>
    public CsvReadOptions CsvOptions(ParseResult parse, string? column, IReadOnlyList<string> features)
    {
        var options = new CsvReadOptions
        {
            Column = column,
            Features = features,
            Symbols = (parse.GetValue(Symbol) ?? []).SelectMany(s => ForecastOptions.SplitList(s)).ToList(),
            Name = parse.GetValue(Name),
            Sort = parse.GetValue(Sort),
            Missing = parse.GetValue(Missing),
            DateColumn = parse.GetValue(DateColumn),
            SymbolColumn = parse.GetValue(SymbolColumn),
            DateOrder = parse.GetValue(DateOrder),
            Resample = parse.GetValue(Resample),
            Sum = parse.GetValue(Sum) is { } sums ? ForecastOptions.SplitList(sums) : [],
        };
        // Only a --decimal given says which mark the file uses (103,170 is then 103.17); left out, it is the default.
        return parse.GetResult(Decimal) is { Implicit: false } ? options with { DecimalSeparator = parse.GetValue(Decimal)![0] } : options;
    }

    /// <summary>The notes a read prints on standard error ("note: ..."): what it did with missing values (read with
    /// <paramref name="missing"/>) and how it resampled.</summary>
    public static IEnumerable<string> Notes(SeriesSet set, MissingValues missing)
    {
        var text = new StringWriter();
        NoteMissing(set, missing, text);
        NoteResampled(set, text);
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The options the user gave, as command-line text with a leading space.</summary>
    public string FlagsGiven(ParseResult parse)
    {
        var text = new System.Text.StringBuilder();
        string Quote(string word) => ForecastOptions.Quote(word);
        if (parse.GetValue(Name) is { } name) text.Append(" --name ").Append(Quote(name));
        foreach (var s in (parse.GetValue(Symbol) ?? []).SelectMany(s => ForecastOptions.SplitList(s))) text.Append(" --symbol ").Append(Quote(s));
        if (parse.GetValue(Sort)) text.Append(" --sort");
        if (parse.GetResult(Decimal) is { Implicit: false }) text.Append(" --decimal ").Append(Quote(parse.GetValue(Decimal)!));
        if (parse.GetResult(Missing) is { Implicit: false }) text.Append(" --missing ").Append(SettingNames.Missing.Name(parse.GetValue(Missing)));
        if (parse.GetValue(DateColumn) is { } d) text.Append(" --date-column ").Append(Quote(d));
        if (parse.GetValue(SymbolColumn) is { } sc) text.Append(" --symbol-column ").Append(Quote(sc));
        if (parse.GetValue(DateOrder) is var o and not Unroll.Data.Csv.DateOrder.YearFirst) text.Append(" --date-order ").Append(SettingNames.DateOrders.Name(o));
        if (parse.GetValue(Resample) is var r and not ResamplePeriod.None) text.Append(" --resample ").Append(SettingNames.Resample.Name(r));
        if (parse.GetValue(Sum) is { } su) text.Append(" --sum ").Append(Quote(su));
        return text.ToString();
    }

    /// <summary>--date-column: the column that holds the dates.</summary>
    internal static Option<string?> DateColumnOption() => new("--date-column")
    {
        Description = "The column of dates (default: date, datetime, timestamp, time, day, observation_date or ds, else an unnamed first column of dates such as a pandas index)",
    };

    /// <summary>--symbol-column: the column that names each row's series in a long-format file.</summary>
    internal static Option<string?> SymbolColumnOption() => new("--symbol-column")
    {
        Description = "The column that names each row's series in a long-format file, such as store in store,date,sales (default: symbol, ticker or unique_id; without one, the file is one series)",
    };

    /// <summary>--date-order: how a date such as 01/02/2020 reads.</summary>
    internal static Option<DateOrder> DateOrderOption() => Options.Choice("--date-order",
        "How a date of three numbers with the year last reads: ymd (default: such dates are refused as ambiguous), mdy (month first, as American spreadsheets write 1/31/2020) or dmy (day first: 31/01/2020, 31.01.2020). ISO dates and month names read in every order",
        Unroll.Data.Csv.DateOrder.YearFirst, SettingNames.DateOrders);

    /// <summary>--resample: aggregate each series to days, weeks or months.</summary>
    internal static Option<ResamplePeriod> ResampleOption() => Options.Choice("--resample",
        "Aggregate each series to one value per day, week (ending Sunday) or month (dated at its last day): the period's last value (a close), or its sum for the columns in --sum",
        ResamplePeriod.None, SettingNames.Resample);

    /// <summary>--sum: the columns --resample sums.</summary>
    internal static Option<string?> SumOption() => new("--sum")
    {
        Description = "Columns that --resample sums over each period instead of taking the last value, comma-separated (e.g. volume)",
    };

    /// <summary>Tells standard error how a resampled read aggregated the rows.</summary>
    private static void NoteResampled(SeriesSet set, TextWriter error)
    {
        if (set.Resampled is not { } r) return;
        string how = r.Summed.Count == 0 ? "the last value of each" : $"the last value of each, {string.Join(", ", r.Summed)} summed";
        error.WriteLine($"note: resampled {Count(r.RowsRead, "row")} of {Path.GetFileName(set.SourceFile)} to {Count(r.Points, "point")}, one per {SettingNames.Resample.Name(r.Period)} ({how})");
        if (r.PartialLast.Count == 0) return;
        string period = SettingNames.Resample.Name(r.Period);
        const int Shown = 5;
        var stops = r.PartialLast.Take(Shown).Select(p => $"{p.Symbol} on {Timestamps.Format(p.LastRow)}").ToList();
        if (r.PartialLast.Count > Shown) stops.Add($"{r.PartialLast.Count - Shown} more");
        string what = r.PartialLast.Count == 1 && set.Series.Count == 1
            ? $"the last {period} stops short: the rows end on {Timestamps.Format(r.PartialLast[0].LastRow)}, well before the {period} does, so its " +
              $"point (dated {Timestamps.Format(r.PartialLast[0].Period)}) holds that day's values"
            : r.PartialLast.Count == 1
                ? $"the last {period} of 1 series stops short ({stops[0]}), so its point holds that day's values"
                : $"the last {period} of {r.PartialLast.Count} series stops short ({string.Join(", ", stops)}), so each one's point holds that day's values";
        error.WriteLine($"note: {what}, not the {period}'s close; end the rows at the last whole {period} to forecast from whole {period}s");
    }

    /// <summary>--name: the name of a one-series file's series.</summary>
    internal static Option<string?> NameOption() => new("--name")
    {
        Description = "The name of a one-series file's series (default: the file name without extension); not for a long-format file, whose symbol column names its series",
    };

    /// <summary>--missing: what to do with a missing value.</summary>
    internal static Option<MissingValues> MissingOption() => Options.Choice("--missing",
        "Missing values (empty, null, NA) of the target or features: error (default; lists them), drop (the row), ffill (carry the last value forward) or interpolate (linearly, by row; a missing end is carried forward). Rows whose values are all missing, such as holidays, are always dropped",
        MissingValues.Error, SettingNames.Missing);

    /// <summary>Tells standard error what the read did with missing values: the blank rows it dropped, and the rows
    /// dropped or values filled as --missing asked.</summary>
    internal static void NoteMissing(SeriesSet set, MissingValues mode, TextWriter error)
    {
        var m = set.Missing;
        string file = Path.GetFileName(set.SourceFile);
        if (m.BlankRowsDropped > 0)
            error.WriteLine($"note: dropped {Count(m.BlankRowsDropped, "row")} of {file} whose values were all missing (holidays?); --missing decides what happens to other missing values");
        if (m.RowsDropped > 0)
            error.WriteLine($"note: dropped {Count(m.RowsDropped, "row")} of {file} with a missing value (--missing drop)");
        if (m.ValuesFilled > 0)
            error.WriteLine($"note: filled in {Count(m.ValuesFilled, "missing value")} of {file} (--missing {SettingNames.Missing.Name(mode)})");
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>--decimal: the decimal mark of the file's numbers.</summary>
    internal static Option<string> DecimalOption() => Options.Choice("--decimal",
        "The decimal mark of the file's numbers: '.' (default) or ',' (as European spreadsheets export; fields then separated by ';', or quoted)", ".", [".", ","]);
}
