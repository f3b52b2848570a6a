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
    public Option<string?> Column { get; } = new("--column") { Description = "Column to forecast (default: adjclose, close, price or value, else the only numeric column)" };
    public Option<string?> Features { get; } = new("--features") { Description = "Other columns to use as inputs, comma-separated (e.g. volume,open)" };

    /// <summary>How --data is read (--name, --symbol, --sort, --decimal, --missing, --date-column, --resample, --sum),
    /// as predict reads it too.</summary>
    public ReadOptions Reading { get; } = new("Use only these series (long format); repeat or separate with commas");

    public Option<CellKind> Cell { get; } = Options.Choice("--cell", "rnn_relu, rnn_tanh, lstm or gru", Defaults.Cell, SettingNames.Cells);
    public Option<int> Hidden { get; } = Options.Count("--hidden", "Hidden units per layer", Defaults.HiddenSize, max: ForecastSettings.MaxHiddenSize);
    public Option<int> Layers { get; } = Options.Count("--layers", "Stacked recurrent layers", Defaults.Layers, max: ForecastSettings.MaxLayers);
    public Option<string> Lookback { get; } = Options.Lookback("--lookback", "Input steps per window, or 'all' for each series' whole history (ragged batches)", Defaults.Lookback.ToString());
    public Option<int> Horizon { get; } = Options.Count("--horizon", "Steps to forecast", Defaults.Horizon, max: ForecastSettings.MaxHorizon);
    public Option<ForecastStrategy> Strategy { get; } = Options.Choice("--strategy", "Multi-step forecasts: recursive (predictions fed back) or direct (the head outputs every step)", Defaults.Strategy, SettingNames.Strategies);
    public Option<TargetKind> Target { get; } = Options.Choice("--target", "What the network learns: price, return or logreturn", Defaults.Target, SettingNames.Targets);
    public Option<TargetScaling?> Scaling { get; } = Options.OptionalChoice("--scaling", "How each series is scaled, fitted on its training part: relative (each window relative to its last value, in typical relative moves, so forecasts can leave the trained range; the default for prices above 0), difference (each window less its last value, in typical moves; the default for a series with zeros or negative values), minmax (the default for returns) or zscore", SettingNames.Scalings);
    public Option<int> Epochs { get; } = Options.Count("--epochs", "Most passes over the training windows", Defaults.Epochs);
    public Option<int> Batch { get; } = Options.Count("--batch", "Windows per gradient step", Defaults.BatchSize);
    public Option<double> LearningRate { get; } = Options.Positive("--lr", "Learning rate", Defaults.LearningRate);
    public Option<OptimizerKind> Optimizer { get; } = Options.Choice("--optimizer", "sgd, momentum, adam or adamw", Defaults.Optimizer, SettingNames.Optimizers);
    public Option<double> Clip { get; } = Options.Positive("--clip", "Global gradient-norm clipping (0 for none)", Defaults.ClipNorm ?? 0, allowZero: true);
    public Option<double> Validation { get; } = Options.Fraction("--val", "Fraction of each series used for validation and early stopping", Defaults.ValidationFraction, 0, 0.9, minExclusive: false);
    public Option<int> Patience { get; } = Options.Count("--patience", "Epochs without a better validation loss before stopping", Defaults.Patience);
    public Option<int> Seed { get; } = Options.Seed("Seed: the same seed and data give the same model", Defaults.Seed);
    public Option<string> Deseasonalize { get; } = Options.Choice("--deseasonalize",
        "on (default): take out each series' seasonal pattern, where it is real, before the network sees it and put it back into the forecasts; off: the network sees the values as they are", "on", ["on", "off"]);
    public Option<string> Combine { get; } = Options.Choice("--combine",
        "on (default): forecast the mean of the network's, ETS's and Theta's forecasts (fitted before the test part), with intervals calibrated on that mean's validation errors; off: the network alone", "on", ["on", "off"]);
    public Option<int?> Season { get; } = Options.OptionalCount("--season", "The seasonal period (12 monthly, 4 quarterly, 7 daily…); default: inferred from each series' dates", max: ForecastSettings.MaxSeason);

    public IEnumerable<Option> DataOptions => [Data, Reading.Name, Reading.Symbol, Column, Features, Reading.Sort, Reading.Decimal,
        Reading.Missing, Reading.DateColumn, Reading.SymbolColumn, Reading.DateOrder, Reading.Resample, Reading.Sum];

    public IEnumerable<Option> TrainingOptions => [Cell, Hidden, Layers, Lookback, Horizon, Strategy, Target, Scaling, Epochs, Batch,
        LearningRate, Optimizer, Clip, Validation, Patience, Seed, Deseasonalize, Combine, Season];

    /// <summary>Reads --data (with a progress bar for a large file), noting on standard error what it did with missing values; a trained model's column and features stand in for --column and --features when given.</summary>
    public SeriesSet ReadData(ParseResult parse, CliContext context, Forecaster? model = null)
        => Reading.Read(parse, context, parse.GetValue(Data)!,
            parse.GetValue(Column) ?? model?.TargetColumn,
            parse.GetValue(Features) is { } features ? SplitList(features) : model?.FeatureNames ?? []);

    /// <summary>
    /// The data options the user gave that predict also takes (<see cref="ReadOptions.FlagsGiven"/>), so that a
    /// suggested next command reads the data as this one did. --column and --features are left out: the model
    /// remembers them.
    /// </summary>
    public string DataFlagsGiven(ParseResult parse) => Reading.FlagsGiven(parse);

    /// <summary>A word for a shell command line: as it is when plain, else in single quotes.</summary>
    internal static string Quote(string text)
        => text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || "-_./:=,+".Contains(c)) ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One line for a --data path that is missing or a folder.</summary>
    internal static void RequireDataFile(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"data file {path} is a folder; give the CSV file inside it");
        if (!File.Exists(path))
        {
            // File.Exists says false too when a folder on the way may not be entered: name that, not a missing file.
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && Directory.Exists(folder))
            {
                try { using var _ = Directory.EnumerateFileSystemEntries(folder).GetEnumerator(); }
                catch (UnauthorizedAccessException) { throw new UserError($"data file {path} cannot be read: the folder {folder} may not be opened (permission denied)"); }
            }
            throw new UserError($"data file {path} does not exist");
        }
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
