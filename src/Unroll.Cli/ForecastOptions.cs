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
    public Option<bool> Sort { get; } = new("--sort") { Description = "Sort rows by date instead of refusing dates out of order" };
    public Option<string> Cell { get; } = new("--cell") { Description = "rnn_relu, rnn_tanh, lstm or gru", DefaultValueFactory = _ => Defaults.Cell.ToName() };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "Hidden units per layer", DefaultValueFactory = _ => Defaults.Hidden };
    public Option<int> Layers { get; } = new("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => Defaults.Layers };
    public Option<string> Lookback { get; } = new("--lookback") { Description = "Input steps per window, or 'all' for each series' whole history (ragged batches)", DefaultValueFactory = _ => Defaults.Lookback.ToString() };
    public Option<int> Horizon { get; } = new("--horizon") { Description = "Steps to forecast", DefaultValueFactory = _ => Defaults.Horizon };
    public Option<string> Strategy { get; } = new("--strategy") { Description = "Multi-step forecasts: recursive (predictions fed back) or direct (the head outputs every step)", DefaultValueFactory = _ => "recursive" };
    public Option<string> Target { get; } = new("--target") { Description = "What the network learns: price, return or logreturn", DefaultValueFactory = _ => "price" };
    public Option<string> Scaling { get; } = new("--scaling") { Description = "Per-series scaling fitted on the training part: relative (each window relative to its last value, so forecasts can leave the trained range; the default for prices), minmax or zscore (the default for returns: minmax)", DefaultValueFactory = _ => "auto" };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Most passes over the training windows", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> Batch { get; } = new("--batch") { Description = "Windows per gradient step", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<string> Optimizer { get; } = new("--optimizer") { Description = "sgd, momentum, adam or adamw", DefaultValueFactory = _ => "adam" };
    public Option<double> Clip { get; } = new("--clip") { Description = "Global gradient-norm clipping (0 for none)", DefaultValueFactory = _ => Defaults.Clip ?? 0 };
    public Option<double> Validation { get; } = new("--val") { Description = "Fraction of each series used for validation and early stopping", DefaultValueFactory = _ => Defaults.ValidationFraction };
    public Option<int> Patience { get; } = new("--patience") { Description = "Epochs without a better validation loss before stopping", DefaultValueFactory = _ => Defaults.Patience };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed: the same seed and data give the same model", DefaultValueFactory = _ => Defaults.Seed };

    public IEnumerable<Option> DataOptions => [Data, Symbol, Column, Features, Sort];

    public IEnumerable<Option> TrainingOptions => [Cell, Hidden, Layers, Lookback, Horizon, Strategy, Target, Scaling, Epochs, Batch,
        LearningRate, Optimizer, Clip, Validation, Patience, Seed];

    /// <summary>Reads --data; a trained model's column and features stand in for --column and --features when given.</summary>
    public SeriesSet ReadData(ParseResult parse, Forecaster? model = null)
    {
        var path = parse.GetValue(Data)!;
        RequireDataFile(path);
        return CsvSeriesReader.Read(path, new CsvReadOptions
        {
            Column = parse.GetValue(Column) ?? model?.TargetColumn,
            Features = parse.GetValue(Features) is { } features ? SplitList(features) : model?.FeatureNames ?? [],
            Symbols = (parse.GetValue(Symbol) ?? []).SelectMany(s => SplitList(s)).ToList(),
            Sort = parse.GetValue(Sort),
        });
    }

    /// <summary>One line for a --data path that is missing or a folder.</summary>
    internal static void RequireDataFile(string path)
    {
        if (Directory.Exists(path)) throw new UserError($"data file {path} is a folder; give the CSV file inside it");
        if (!File.Exists(path)) throw new UserError($"data file {path} does not exist");
    }

    public ForecastSettings Settings(ParseResult parse, double testFraction)
    {
        var cellName = parse.GetValue(Cell)!;
        var cell = Arguments.Cell(cellName);
        var lookbackText = parse.GetValue(Lookback)!;
        if (!Unroll.Data.Lookback.TryParse(lookbackText, out var lookback))
            throw new UserError($"--lookback {lookbackText} is neither a positive number of steps nor 'all'");
        var settings = new ForecastSettings
        {
            Cell = cell,
            Hidden = parse.GetValue(Hidden),
            Layers = parse.GetValue(Layers),
            Lookback = lookback,
            Horizon = parse.GetValue(Horizon),
            Strategy = parse.GetValue(Strategy)!.ToLowerInvariant() switch
            {
                "recursive" => ForecastStrategy.Recursive,
                "direct" => ForecastStrategy.Direct,
                var s => throw new UserError($"--strategy {s} is not a strategy: use recursive or direct"),
            },
            Target = parse.GetValue(Target)!.ToLowerInvariant() switch
            {
                "price" or "value" => TargetKind.Price,
                "return" => TargetKind.Return,
                "logreturn" or "log_return" or "log-return" => TargetKind.LogReturn,
                var t => throw new UserError($"--target {t} is not a target: use price, return or logreturn"),
            },
            Scaling = parse.GetValue(Scaling)!.ToLowerInvariant() switch
            {
                "minmax" or "auto" => ScalerKind.MinMax,
                "zscore" or "relative" => ScalerKind.ZScore,
                var s => throw new UserError($"--scaling {s} is not a scaling: use relative, minmax or zscore"),
            },
            Relative = parse.GetValue(Scaling)!.ToLowerInvariant() switch { "auto" => null, "relative" => true, _ => false },
            Epochs = parse.GetValue(Epochs),
            BatchSize = parse.GetValue(Batch),
            LearningRate = parse.GetValue(LearningRate),
            Optimizer = Parse(() => Unroll.Core.Training.Optimizer.Parse(parse.GetValue(Optimizer)!), "--optimizer"),
            Clip = parse.GetValue(Clip) is var c && c > 0 ? c : null,
            ValidationFraction = parse.GetValue(Validation),
            TestFraction = testFraction,
            Patience = parse.GetValue(Patience),
            Seed = parse.GetValue(Seed),
        };
        try { settings.Validate(); }
        catch (ArgumentException e) { throw new UserError(e.Message); }
        return settings;
    }

    private static T Parse<T>(Func<T> parse, string option)
    {
        try { return parse(); }
        catch (FormatException e) { throw new UserError($"{option}: {e.Message}"); }
    }

    internal static IReadOnlyList<string> SplitList(string? text)
        => string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static string Format(double value, int decimals = 4)
        => double.IsNaN(value) ? "–" : value.ToString("F" + decimals, CultureInfo.InvariantCulture);

}
