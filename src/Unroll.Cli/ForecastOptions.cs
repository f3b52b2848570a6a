using System.CommandLine;
using System.Globalization;
using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Data.Scaling;
using Unroll.Forecasting;

namespace Unroll.Cli;

/// <summary>The data and training options shared by train, backtest and demo, and their translation to settings.</summary>
internal sealed class ForecastOptions
{
    private static readonly ForecastSettings Defaults = new();

    public Option<string> Data { get; } = new("--data") { Description = "CSV file: long (symbol,date,price) or one series per file (date and numeric columns)", Required = true };
    public Option<string[]> Symbol { get; } = new("--symbol") { Description = "Use only these series (long format); repeat or separate with commas", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Column { get; } = new("--column") { Description = "Column to forecast (default: adjclose, close, price or value, else the only numeric column)" };
    public Option<string?> Features { get; } = new("--features") { Description = "Other columns to use as inputs, comma-separated (e.g. volume,open)" };
    public Option<string?> Name { get; } = NameOption();
    public Option<bool> Sort { get; } = new("--sort") { Description = "Sort rows by date instead of refusing dates out of order" };
    public Option<string> Decimal { get; } = DecimalOption();
    public Option<MissingValues> Missing { get; } = MissingOption();
    public Option<string?> DateColumn { get; } = DateColumnOption();
    public Option<ResamplePeriod> Resample { get; } = ResampleOption();
    public Option<string?> Sum { get; } = SumOption();

    /// <summary>--date-column: the column that holds the dates.</summary>
    internal static Option<string?> DateColumnOption() => new("--date-column")
    {
        Description = "The column of dates (default: date, datetime, timestamp, time, day or observation_date, else an unnamed first column of dates such as a pandas index)",
    };

    /// <summary>--resample: aggregate each series to days, weeks or months.</summary>
    internal static Option<ResamplePeriod> ResampleOption() => Options.Choice("--resample",
        "Aggregate each series to one value per day, week (ending Sunday) or month (dated at its last day): the period's last value (a close), or its sum for the columns in --sum",
        ResamplePeriod.None, SettingNames.Resample);

    /// <summary>--sum: the columns --resample sums.</summary>
    internal static Option<string?> SumOption() => new("--sum")
    {
        Description = "Columns that --resample sums over each period instead of taking the last value, comma-separated (e.g. volume)",
    };

    /// <summary>Sets --date-column, --resample and --sum on <paramref name="read"/>.</summary>
    internal static CsvReadOptions WithLayout(CsvReadOptions read, ParseResult parse, Option<string?> dateColumn,
        Option<ResamplePeriod> resample, Option<string?> sum) => read with
    {
        DateColumn = parse.GetValue(dateColumn),
        Resample = parse.GetValue(resample),
        Sum = parse.GetValue(sum) is { } columns ? SplitList(columns) : [],
    };

    /// <summary>The layout options given (--date-column, --resample, --sum) as command-line text with a leading space.</summary>
    internal static string LayoutFlagsGiven(ParseResult parse, Option<string?> dateColumn, Option<ResamplePeriod> resample, Option<string?> sum)
    {
        var text = new System.Text.StringBuilder();
        if (parse.GetValue(dateColumn) is { } d) text.Append(" --date-column ").Append(Quote(d));
        if (parse.GetValue(resample) is var r and not ResamplePeriod.None) text.Append(" --resample ").Append(SettingNames.Resample.Name(r));
        if (parse.GetValue(sum) is { } su) text.Append(" --sum ").Append(Quote(su));
        return text.ToString();
    }

    /// <summary>Tells standard error how a resampled read aggregated the rows.</summary>
    internal static void NoteResampled(SeriesSet set, TextWriter error)
    {
        if (set.Resampled is not { } r) return;
        string how = r.Summed.Count == 0 ? "the last value of each" : $"the last value of each, {string.Join(", ", r.Summed)} summed";
        error.WriteLine($"note: resampled {Count(r.RowsRead, "row")} of {Path.GetFileName(set.SourceFile)} to {Count(r.Points, "point")}, one per {SettingNames.Resample.Name(r.Period)} ({how})");
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
    public Option<CellKind> Cell { get; } = Options.Choice("--cell", "rnn_relu, rnn_tanh, lstm or gru", Defaults.Cell, SettingNames.Cells);
    public Option<int> Hidden { get; } = Options.Count("--hidden", "Hidden units per layer", Defaults.HiddenSize, max: 16_384);
    public Option<int> Layers { get; } = Options.Count("--layers", "Stacked recurrent layers", Defaults.Layers, max: 64);
    public Option<string> Lookback { get; } = Options.Lookback("--lookback", "Input steps per window, or 'all' for each series' whole history (ragged batches)", Defaults.Lookback.ToString());
    public Option<int> Horizon { get; } = Options.Count("--horizon", "Steps to forecast", Defaults.Horizon, max: 10_000);
    public Option<ForecastStrategy> Strategy { get; } = Options.Choice("--strategy", "Multi-step forecasts: recursive (predictions fed back) or direct (the head outputs every step)", Defaults.Strategy, SettingNames.Strategies);
    public Option<TargetKind> Target { get; } = Options.Choice("--target", "What the network learns: price, return or logreturn", Defaults.Target, SettingNames.Targets);
    public Option<TargetScaling?> Scaling { get; } = Options.OptionalChoice("--scaling", "How each series is scaled, fitted on its training part: relative (each window relative to its last value, so forecasts can leave the trained range; the default for prices), minmax (the default for returns) or zscore", SettingNames.Scalings);
    public Option<int> Epochs { get; } = Options.Count("--epochs", "Most passes over the training windows", Defaults.Epochs);
    public Option<int> Batch { get; } = Options.Count("--batch", "Windows per gradient step", Defaults.BatchSize);
    public Option<double> LearningRate { get; } = Options.Positive("--lr", "Learning rate", Defaults.LearningRate);
    public Option<OptimizerKind> Optimizer { get; } = Options.Choice("--optimizer", "sgd, momentum, adam or adamw", Defaults.Optimizer, SettingNames.Optimizers);
    public Option<double> Clip { get; } = Options.Positive("--clip", "Global gradient-norm clipping (0 for none)", Defaults.ClipNorm ?? 0, allowZero: true);
    public Option<double> Validation { get; } = Options.Fraction("--val", "Fraction of each series used for validation and early stopping", Defaults.ValidationFraction, 0, 0.9, minExclusive: false);
    public Option<int> Patience { get; } = Options.Count("--patience", "Epochs without a better validation loss before stopping", Defaults.Patience);
    public Option<int> Seed { get; } = Options.Integer("--seed", "Seed: the same seed and data give the same model", Defaults.Seed);
    public Option<string> Deseasonalize { get; } = Options.Choice("--deseasonalize",
        "on (default): take out each series' seasonal pattern, where it is real, before the network sees it and put it back into the forecasts; off: the network sees the values as they are", "on", ["on", "off"]);
    public Option<string> Combine { get; } = Options.Choice("--combine",
        "on (default): forecast the mean of the network's, ETS's and Theta's forecasts (fitted before the test part), with intervals calibrated on that mean's validation errors; off: the network alone", "on", ["on", "off"]);
    public Option<int?> Season { get; } = Options.OptionalCount("--season", "The seasonal period (12 monthly, 4 quarterly, 7 daily…); default: inferred from each series' dates", max: 10_000);

    public IEnumerable<Option> DataOptions => [Data, Name, Symbol, Column, Features, Sort, Decimal, Missing, DateColumn, Resample, Sum];

    public IEnumerable<Option> TrainingOptions => [Cell, Hidden, Layers, Lookback, Horizon, Strategy, Target, Scaling, Epochs, Batch,
        LearningRate, Optimizer, Clip, Validation, Patience, Seed, Deseasonalize, Combine, Season];

    /// <summary>Reads --data (with a progress bar for a large file), noting on standard error what it did with missing values; a trained model's column and features stand in for --column and --features when given.</summary>
    public SeriesSet ReadData(ParseResult parse, CliContext context, Forecaster? model = null)
    {
        var path = parse.GetValue(Data)!;
        RequireDataFile(path);
        var missing = parse.GetValue(Missing);
        var set = DataReading.Read(context, path, WithLayout(new CsvReadOptions
        {
            Column = parse.GetValue(Column) ?? model?.TargetColumn,
            Features = parse.GetValue(Features) is { } features ? SplitList(features) : model?.FeatureNames ?? [],
            Symbols = (parse.GetValue(Symbol) ?? []).SelectMany(s => SplitList(s)).ToList(),
            Name = parse.GetValue(Name),
            Sort = parse.GetValue(Sort),
            DecimalSeparator = parse.GetValue(Decimal)![0],
            Missing = missing,
        }, parse, DateColumn, Resample, Sum));
        NoteMissing(set, missing, context.Error);
        NoteResampled(set, context.Error);
        return set;
    }

    /// <summary>
    /// The data options the user gave that predict also takes (--name, --symbol, --sort, --decimal, --missing, --date-column,
    /// --resample, --sum), as command-line
    /// text with a leading space, so that a suggested next command reads the data as this one did. --column and
    /// --features are left out: the model remembers them.
    /// </summary>
    public string DataFlagsGiven(ParseResult parse)
    {
        var text = new System.Text.StringBuilder();
        if (parse.GetValue(Name) is { } name) text.Append(" --name ").Append(Quote(name));
        foreach (var s in (parse.GetValue(Symbol) ?? []).SelectMany(s => SplitList(s))) text.Append(" --symbol ").Append(Quote(s));
        if (parse.GetValue(Sort)) text.Append(" --sort");
        if (parse.GetResult(Decimal) is { Implicit: false }) text.Append(" --decimal ").Append(Quote(parse.GetValue(Decimal)!));
        if (parse.GetResult(Missing) is { Implicit: false }) text.Append(" --missing ").Append(SettingNames.Missing.Name(parse.GetValue(Missing)));
        text.Append(LayoutFlagsGiven(parse, DateColumn, Resample, Sum));
        return text.ToString();
    }

    /// <summary>A word for a shell command line: as it is when plain, else in single quotes.</summary>
    internal static string Quote(string text)
        => text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || "-_./:=,+".Contains(c)) ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One line for a --data path that is missing or a folder.</summary>
    internal static void RequireDataFile(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"data file {path} is a folder; give the CSV file inside it");
        if (!File.Exists(path)) throw new UserError($"data file {path} does not exist");
    }

    public ForecastSettings Settings(ParseResult parse, double testFraction)
    {
        var settings = new ForecastSettings
        {
            Cell = parse.GetValue(Cell),
            HiddenSize = parse.GetValue(Hidden),
            Layers = parse.GetValue(Layers),
            Lookback = Unroll.Data.Lookback.Parse(parse.GetValue(Lookback)!),
            ShortenLookback = parse.GetResult(Lookback) is null or { Implicit: true },   // a lookback the user gave is kept
            Horizon = parse.GetValue(Horizon),
            Strategy = parse.GetValue(Strategy),
            Target = parse.GetValue(Target),
            Scaling = parse.GetValue(Scaling),
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(Batch),
            LearningRate = parse.GetValue(LearningRate),
            Optimizer = parse.GetValue(Optimizer),
            ClipNorm = parse.GetValue(Clip) is var c && c > 0 ? c : null,
            ValidationFraction = parse.GetValue(Validation),
            TestFraction = testFraction,
            Patience = parse.GetValue(Patience),
            Seed = parse.GetValue(Seed),
            Deseasonalize = parse.GetValue(Deseasonalize) == "on",
            Season = parse.GetValue(Season),
            CombineClassical = parse.GetValue(Combine) == "on",
        };
        settings.Validate();
        return settings;
    }

    internal static IReadOnlyList<string> SplitList(string? text)
        => string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);


}
