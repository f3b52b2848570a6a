using Unroll.Data;
using Unroll.Forecasting.Baselines;

namespace Unroll.Forecasting;

/// <summary>One forecast origin in a backtest: the forecasts made there for the next steps, and what happened.</summary>
/// <param name="Origin">Index of the first forecast step in the series.</param>
/// <param name="Dates">The dates forecast.</param>
/// <param name="Actual">What happened.</param>
/// <param name="Forecasts">Forecasts by method, every one of <see cref="BacktestResult.Methods"/>.</param>
public sealed record BacktestOrigin(int Origin, IReadOnlyList<DateOnly> Dates, double[] Actual, IReadOnlyDictionary<ForecastMethod, double[]> Forecasts);

/// <summary>A backtest of one series.</summary>
/// <param name="Symbol">The series.</param>
/// <param name="Series">The whole series.</param>
/// <param name="TestStart">Index where the test period starts.</param>
/// <param name="Origins">Every forecast origin in the test period.</param>
/// <param name="Metrics">Metrics by method.</param>
public sealed record SeriesBacktest(string Symbol, TimeSeries Series, int TestStart, IReadOnlyList<BacktestOrigin> Origins,
    IReadOnlyDictionary<ForecastMethod, Metrics> Metrics);

/// <summary>The whole backtest: per series and over all series.</summary>
/// <param name="Horizon">Steps forecast from each origin.</param>
/// <param name="Overall">Metrics by method over every forecast point of every series.</param>
/// <param name="Series">Per-series results.</param>
/// <param name="Fit">How the model was trained, when the backtest trained it.</param>
public sealed record BacktestResult(int Horizon, IReadOnlyDictionary<ForecastMethod, Metrics> Overall, IReadOnlyList<SeriesBacktest> Series, FitResult? Fit)
{
    /// <summary>The methods a backtest scores, in report order: the model first, then the baselines.</summary>
    public static IReadOnlyList<ForecastMethod> Methods { get; } = [ForecastMethod.Model, ForecastMethod.Naive, ForecastMethod.Drift, ForecastMethod.MovingAverage];
}

/// <summary>
/// Walk-forward evaluation: from every origin in each series' test period, forecast the next H steps with the model
/// (using only the data before the origin) and with each baseline, and score them against what happened.
/// </summary>
public static class Backtester
{
    /// <summary>Trains on everything before each series' test period, then walks forward through it.</summary>
    /// <param name="data">The series.</param>
    /// <param name="settings">Training settings; <see cref="ForecastSettings.TestFraction"/> sets the test period.</param>
    /// <param name="progress">Training progress.</param>
    /// <param name="cancellation">Stops training early (the best weights so far are evaluated).</param>
    /// <param name="options">Diagnostics for the training run.</param>
    /// <remarks>Check <see cref="FitResult.Improved"/> in <see cref="BacktestResult.Fit"/>: when no epoch beat the initial weights, the scores are those of an untrained network.</remarks>
    public static BacktestResult Run(SeriesSet data, ForecastSettings settings, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(settings.TestFraction > 0))
        {
            var test = ForecastFixes.Of(nameof(ForecastSettings.TestFraction), "0.2");
            throw new SettingsException($"a backtest needs a test period: set the test fraction above 0 ({test})", test);
        }
        ArgumentNullException.ThrowIfNull(data);
        var testStarts = TestStarts(data, settings, settings.Horizon);
        var fit = TrainingSession.Start(data, settings).Run(progress, cancellation, options);
        return Evaluate(fit.Forecaster.PredictFrom, data, testStarts, settings.Horizon, fit);
    }

    /// <summary>Walks an already trained model forward over the last <paramref name="testFraction"/> of each series.</summary>
    public static BacktestResult Run(Forecaster forecaster, SeriesSet data, double testFraction, int? horizon = null)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 0.9))
            throw new SettingsException($"the test fraction ({ForecastFixes.Of(nameof(ForecastSettings.TestFraction))}) must be in (0, 0.9), got {testFraction}", ForecastFixes.Of(nameof(ForecastSettings.TestFraction)));
        var settings = forecaster.Settings with { TestFraction = testFraction, ValidationFraction = 0 };
        int steps = horizon ?? forecaster.Settings.Horizon;
        return Evaluate(forecaster.PredictFrom, data, TestStarts(data, settings, steps), steps, null);
    }

    /// <summary>Where each series' test period starts; every one must hold at least one forecast of the horizon.</summary>
    private static Dictionary<string, int> TestStarts(SeriesSet data, ForecastSettings settings, int horizon)
    {
        if (horizon < 1) throw new ArgumentException($"the horizon must be at least 1 step, got {horizon}");
        var starts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var series in data.Series)
        {
            int start = TestStart(series, settings);
            if (series.Length - start < horizon)
            {
                Setting test = ForecastFixes.Of(nameof(ForecastSettings.TestFraction)), steps = ForecastFixes.Of(nameof(ForecastSettings.Horizon));
                throw new DataException($"series '{series.Symbol}' has {series.Length - start} point{(series.Length - start == 1 ? "" : "s")} in its test period, fewer than the horizon {horizon}, so nothing could be scored; use a larger {test} or a shorter {steps}", test, steps);
            }
            starts[series.Symbol] = start;
        }
        return starts;
    }

    private static int TestStart(TimeSeries series, ForecastSettings settings)
    {
        int offset = settings.Target == TargetKind.Price ? 0 : 1;
        var split = TimeSplit.ByFractions(series.Length - offset, 1 - settings.ValidationFraction - settings.TestFraction, settings.ValidationFraction);
        return split.ValidationEnd + offset;
    }

    /// <summary>Walks every series forward from its test start, scoring the model's forecasts and each baseline's.</summary>
    /// <param name="model">The model's forecast of <c>horizon</c> steps from <c>origin</c>, using only the values before it
    /// (<see cref="Forecaster.PredictFrom"/>; tests give any function).</param>
    /// <param name="data">The series.</param>
    /// <param name="testStarts">Where each series' test period starts, by symbol.</param>
    /// <param name="horizon">Steps forecast from each origin.</param>
    /// <param name="fit">How the model was trained, if the backtest trained it.</param>
    internal static BacktestResult Evaluate(Func<TimeSeries, int, int, double[]> model, SeriesSet data, IReadOnlyDictionary<string, int> testStarts, int horizon, FitResult? fit)
    {
        var methods = BacktestResult.Methods;
        var overall = methods.ToDictionary(m => m, _ => new List<ScoredPoint>());
        var results = new List<SeriesBacktest>();
        foreach (var series in data.Series)
        {
            int testStart = testStarts[series.Symbol];
            double scale = MetricsCalculator.NaiveScale(series.Values.AsSpan(0, testStart));
            var points = methods.ToDictionary(m => m, _ => new List<ScoredPoint>());
            var origins = new List<BacktestOrigin>();
            for (int origin = Math.Max(testStart, 1); origin + horizon <= series.Length; origin++)
            {
                var history = series.Values.AsSpan(0, origin);
                var forecasts = new Dictionary<ForecastMethod, double[]>();
                foreach (var method in methods)
                    forecasts[method] = method == ForecastMethod.Model ? model(series, origin, horizon) : Baseline.Forecast(method, history, horizon);
                var actual = series.Values.AsSpan(origin, horizon).ToArray();
                foreach (var (method, values) in forecasts)
                    for (int h = 0; h < horizon; h++)
                        points[method].Add(new ScoredPoint(history[^1], values[h], actual[h], scale));
                origins.Add(new BacktestOrigin(origin, series.Dates.Skip(origin).Take(horizon).ToArray(), actual, forecasts));
            }
            foreach (var m in methods) overall[m].AddRange(points[m]);
            results.Add(new SeriesBacktest(series.Symbol, series, testStart, origins,
                methods.ToDictionary(m => m, m => MetricsCalculator.Compute(points[m]))));
        }
        return new BacktestResult(horizon, methods.ToDictionary(m => m, m => MetricsCalculator.Compute(overall[m])), results, fit);
    }
}
