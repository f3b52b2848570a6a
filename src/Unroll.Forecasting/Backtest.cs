using Unroll.Data;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting;

/// <summary>How a backtest scores: the interval levels, the season, how often the classical methods are refitted, which methods run.</summary>
public sealed record BacktestOptions
{
    /// <summary>The prediction-interval levels scored, in (0, 1): 80% and 95% by default.</summary>
    public IReadOnlyList<double> Levels { get; init; } = [0.8, 0.95];

    /// <summary>The seasonal period m for every series; null infers each series' from its dates.</summary>
    public int? Season { get; init; }

    /// <summary>Refit every classical method every this many origins, on all the data before the origin; null fits
    /// once, on the data before the test period, and keeps the parameters fixed (as the network's weights are).</summary>
    public int? RefitEvery { get; init; }

    /// <summary>The classical methods to run beside the network; null for <see cref="ClassicalMethods.Default"/>.</summary>
    public IReadOnlyList<IForecastingMethod>? Methods { get; init; }

    /// <summary>Throws <see cref="SettingsException"/> for a level outside (0, 1), a season below 1 or a refit interval below 1.</summary>
    public void Validate()
    {
        foreach (var level in Levels)
            if (!(level > 0 && level < 1)) throw new SettingsException($"an interval level must lie strictly between 0 and 1 (80% is 0.8), got {level}", new Setting("BacktestOptions.Levels"));
        if (Season is < 1) throw new SettingsException($"the season must be at least 1 step, got {Season}", new Setting("BacktestOptions.Season"));
        if (RefitEvery is < 1) throw new SettingsException($"refitting every {RefitEvery} origins is not possible; give at least 1", new Setting("BacktestOptions.RefitEvery"));
    }
}

/// <summary>One forecast origin in a backtest: the forecasts made there for the next steps, and what happened.</summary>
/// <param name="Origin">Index of the first forecast step in the series.</param>
/// <param name="Dates">The dates forecast.</param>
/// <param name="Actual">What happened.</param>
/// <param name="Forecasts">Forecasts with their intervals, by method (the methods that apply to the series).</param>
public sealed record BacktestOrigin(int Origin, IReadOnlyList<DateTime> Dates, double[] Actual, IReadOnlyDictionary<ForecastMethod, MethodForecast> Forecasts);

/// <summary>How one method did on one series (or over all series).</summary>
/// <param name="Method">The method.</param>
/// <param name="Description">What was fitted ("ETS(M,Ad,N)"), or null.</param>
/// <param name="NotApplicable">Why the method gave no forecasts, or null when it did.</param>
/// <param name="Metrics">Every point pooled: all origins, all steps.</param>
/// <param name="ByStep">The metrics of step 1, 2, … h on their own (every origin).</param>
/// <param name="SingleOrigin">The metrics of the first origin's h steps only (the classic single-origin score).</param>
public sealed record MethodScore(ForecastMethod Method, string? Description, string? NotApplicable, Metrics Metrics,
    IReadOnlyList<Metrics> ByStep, Metrics SingleOrigin)
{
    /// <summary>Whether the method forecast anything.</summary>
    public bool Applies => NotApplicable is null;
}

/// <summary>A backtest of one series.</summary>
/// <param name="Symbol">The series.</param>
/// <param name="Series">The whole series.</param>
/// <param name="TestStart">Index where the test period starts.</param>
/// <param name="Origins">Every forecast origin in the test period.</param>
/// <param name="Metrics">Metrics by method, for the methods that apply to this series.</param>
public sealed record SeriesBacktest(string Symbol, TimeSeries Series, int TestStart, IReadOnlyList<BacktestOrigin> Origins,
    IReadOnlyDictionary<ForecastMethod, Metrics> Metrics)
{
    /// <summary>The seasonal period used for this series.</summary>
    public int Season { get; init; } = 1;

    /// <summary>The spacing of the series' dates and its season, in words ("monthly, season 12").</summary>
    public string Frequency { get; init; } = "";

    /// <summary>Each method's forecast of the steps after the series' last value (the same fitted methods and weights
    /// as the backtest), with its intervals.</summary>
    public IReadOnlyDictionary<ForecastMethod, MethodForecast> Future { get; init; } = new Dictionary<ForecastMethod, MethodForecast>();

    /// <summary>The dates of <see cref="Future"/>'s steps; null when the dates are too irregular to extend.</summary>
    public IReadOnlyList<DateTime>? FutureDates { get; init; }

    /// <summary>Every method's score, applicable or not (with the reason), in <see cref="BacktestResult.Methods"/> order.</summary>
    public IReadOnlyDictionary<ForecastMethod, MethodScore> Scores { get; init; } = new Dictionary<ForecastMethod, MethodScore>();
}

/// <summary>The whole backtest: per series and over all series.</summary>
/// <param name="Horizon">Steps forecast from each origin.</param>
/// <param name="Overall">Metrics by method over every forecast point of every series the method applies to.</param>
/// <param name="Series">Per-series results.</param>
/// <param name="Fit">How the model was trained, when the backtest trained it.</param>
public sealed record BacktestResult(int Horizon, IReadOnlyDictionary<ForecastMethod, Metrics> Overall, IReadOnlyList<SeriesBacktest> Series, FitResult? Fit)
{
    /// <summary>Every method a backtest scores, in report order: the model first, then the classical methods.</summary>
    public static IReadOnlyList<ForecastMethod> Methods { get; } =
    [
        ForecastMethod.Model, ForecastMethod.Network, ForecastMethod.Naive, ForecastMethod.SeasonalNaive, ForecastMethod.Drift,
        ForecastMethod.MovingAverage, ForecastMethod.Theta, ForecastMethod.Ets,
    ];

    /// <summary>The interval levels scored.</summary>
    public IReadOnlyList<double> Levels { get; init; } = [];

    /// <summary>Every point of every series pooled, per step, by method.</summary>
    public IReadOnlyDictionary<ForecastMethod, MethodScore> OverallScores { get; init; } = new Dictionary<ForecastMethod, MethodScore>();
}

/// <summary>
/// Walk-forward evaluation: from every origin in each series' test period, forecast the next H steps with the model
/// (using only the data before the origin) and with each classical method, and score them against what happened.
/// </summary>
public static class Backtester
{
    /// <summary>Trains on everything before each series' test period, then walks forward through it: <see cref="Train"/>
    /// followed by <see cref="Score(FitResult, SeriesSet, ForecastSettings, BacktestOptions?)"/>.</summary>
    /// <param name="data">The series.</param>
    /// <param name="settings">Training settings; <see cref="ForecastSettings.TestFraction"/> sets the test period.</param>
    /// <param name="progress">Training progress.</param>
    /// <param name="cancellation">Stops training early (the best weights so far are evaluated).</param>
    /// <param name="options">Diagnostics for the training run.</param>
    /// <param name="backtest">Levels, season, refits and methods; null for the defaults.</param>
    /// <remarks>Check <see cref="FitResult.Improved"/> in <see cref="BacktestResult.Fit"/>: when no epoch beat the initial weights, the scores are those of an untrained network.</remarks>
    public static BacktestResult Run(SeriesSet data, ForecastSettings settings, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingRunOptions? options = null, BacktestOptions? backtest = null)
        => Score(Train(data, settings, progress, cancellation, options, backtest), data, settings, backtest);

    /// <summary>The training half of <see cref="Run(SeriesSet, ForecastSettings, IProgress{TrainingProgress}?, CancellationToken, TrainingRunOptions?, BacktestOptions?)"/>:
    /// checks that every series has a test period holding the horizon (before any work), then trains on everything
    /// before it. A caller that may cancel checks <see cref="FitResult.Stop"/> and skips the evaluation when it wants
    /// nothing of a cancelled run.</summary>
    /// <param name="data">The series.</param>
    /// <param name="settings">Training settings; <see cref="ForecastSettings.TestFraction"/> sets the test period.</param>
    /// <param name="progress">Training progress.</param>
    /// <param name="cancellation">Stops training early (the best weights so far are kept).</param>
    /// <param name="options">Diagnostics for the training run.</param>
    /// <param name="backtest">Levels, season, refits and methods (the season applies to training when the settings name none); null for the defaults.</param>
    public static FitResult Train(SeriesSet data, ForecastSettings settings, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingRunOptions? options = null, BacktestOptions? backtest = null)
    {
        settings = Prepare(data, settings, ref backtest);
        TestStarts(data, settings, settings.Horizon);
        return TrainingSession.Start(data, settings).Run(progress, cancellation, options);
    }

    /// <summary>The evaluation half of <see cref="Run(SeriesSet, ForecastSettings, IProgress{TrainingProgress}?, CancellationToken, TrainingRunOptions?, BacktestOptions?)"/>:
    /// walks the model that <see cref="Train"/> fitted forward through each series' test period, beside the classical
    /// methods, and calibrates its intervals. Give the same data, settings and options as to <see cref="Train"/>.</summary>
    /// <param name="fit">The training's result.</param>
    /// <param name="data">The series it was trained on.</param>
    /// <param name="settings">The training settings; <see cref="ForecastSettings.TestFraction"/> sets the test period.</param>
    /// <param name="backtest">Levels, season, refits and methods; null for the defaults.</param>
    public static BacktestResult Score(FitResult fit, SeriesSet data, ForecastSettings settings, BacktestOptions? backtest = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        settings = Prepare(data, settings, ref backtest);
        var testStarts = TestStarts(data, settings, settings.Horizon);
        return Evaluate(ModelForecasts(fit.Forecaster, backtest.Levels), data, testStarts, settings.Horizon, fit, backtest, fit.Excluded,
            NetworkForecasts(fit.Forecaster), fit.Forecaster.DescribeFor);
    }

    /// <summary>Checks the settings and options of a training backtest; the settings take the options' season when they name none.</summary>
    private static ForecastSettings Prepare(SeriesSet data, ForecastSettings settings, [System.Diagnostics.CodeAnalysis.NotNull] ref BacktestOptions? backtest)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(settings.TestFraction > 0))
        {
            var test = ForecastFixes.Of(nameof(ForecastSettings.TestFraction), "0.2");
            throw new SettingsException($"a backtest needs a test period: set the test fraction above 0 ({test})", test);
        }
        ArgumentNullException.ThrowIfNull(data);
        backtest ??= new BacktestOptions();
        backtest.Validate();
        return settings.Season is null && backtest.Season is int season ? settings with { Season = season } : settings;
    }

    /// <summary>Walks an already trained model forward over the last <paramref name="testFraction"/> of each series.</summary>
    public static BacktestResult Run(Forecaster forecaster, SeriesSet data, double testFraction, int? horizon = null, BacktestOptions? backtest = null)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 0.9))
            throw new SettingsException($"the test fraction ({ForecastFixes.Of(nameof(ForecastSettings.TestFraction))}) must be in (0, 0.9), got {testFraction}", ForecastFixes.Of(nameof(ForecastSettings.TestFraction)));
        backtest ??= new BacktestOptions();
        backtest.Validate();
        var settings = forecaster.Settings with { TestFraction = testFraction, ValidationFraction = 0 };
        int steps = horizon ?? forecaster.Settings.Horizon;
        return Evaluate(ModelForecasts(forecaster, backtest.Levels), data, TestStarts(data, settings, steps), steps, null, backtest,
            network: NetworkForecasts(forecaster), describe: forecaster.DescribeFor);
    }

    private static Func<TimeSeries, int, int, MethodForecast> ModelForecasts(Forecaster forecaster, IReadOnlyList<double> levels)
        => (series, origin, horizon) => forecaster.ForecastFrom(series, origin, horizon, levels);

    // The network alone, when the model combines it with classical methods (its intervals are the combination's).
    private static Func<TimeSeries, int, int, MethodForecast>? NetworkForecasts(Forecaster forecaster)
        => forecaster.Settings.CombineClassical ? (series, origin, horizon) => new MethodForecast(forecaster.NetworkFrom(series, origin, horizon), []) : null;

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

    /// <summary>Walks every series forward from its test start, scoring the model's forecasts and each classical method's.</summary>
    /// <param name="model">The model's forecast of <c>horizon</c> steps from <c>origin</c>, using only the values before it
    /// (<see cref="Forecaster.ForecastFrom"/>; tests give any function).</param>
    /// <param name="data">The series.</param>
    /// <param name="testStarts">Where each series' test period starts, by symbol.</param>
    /// <param name="horizon">Steps forecast from each origin.</param>
    /// <param name="fit">How the model was trained, if the backtest trained it.</param>
    /// <param name="options">Levels, season, refits and methods.</param>
    /// <param name="modelLeftOut">Series the model does not forecast, each with why.</param>
    /// <param name="network">The network's own forecasts, when the model is more than the network; null otherwise.</param>
    /// <param name="describe">What the model is on a series, in words; null for nothing.</param>
    internal static BacktestResult Evaluate(Func<TimeSeries, int, int, MethodForecast> model, SeriesSet data,
        IReadOnlyDictionary<string, int> testStarts, int horizon, FitResult? fit, BacktestOptions? options = null,
        IReadOnlyDictionary<string, string>? modelLeftOut = null, Func<TimeSeries, int, int, MethodForecast>? network = null,
        Func<string, string?>? describe = null)
    {
        options ??= new BacktestOptions();
        var classical = options.Methods ?? ClassicalMethods.Default.All;
        var pooled = BacktestResult.Methods.ToDictionary(m => m, _ => new Points(horizon));
        var descriptions = new Dictionary<ForecastMethod, HashSet<string>>();
        var results = new List<SeriesBacktest>();
        foreach (var series in data.Series)
        {
            int testStart = testStarts[series.Symbol];
            var frequency = Unroll.Data.Frequency.Infer(series);
            if (options.Season is int given) frequency = frequency.WithSeason(given);
            int season = frequency.Season;
            double scale = MetricsCalculator.NaiveScale(series.Values.AsSpan(0, testStart));
            var methods = new Dictionary<ForecastMethod, MethodRun>
            {
                [ForecastMethod.Model] = modelLeftOut is not null && modelLeftOut.TryGetValue(series.Symbol, out var leftOut)
                    ? new MethodRun(null, leftOut, (_, _) => null)
                    : new MethodRun(describe?.Invoke(series.Symbol), null, (history, origin) => model(series, origin, horizon)),
            };
            if (network is not null)
                methods[ForecastMethod.Network] = modelLeftOut is not null && modelLeftOut.TryGetValue(series.Symbol, out var networkLeftOut)
                    ? new MethodRun(null, networkLeftOut, (_, _) => null)
                    : new MethodRun("the recurrent network alone", null, (history, origin) => network(series, origin, horizon));
            foreach (var method in classical)
                methods[method.Method] = MethodRun.Classical(method, series, testStart, season, horizon, options);
            var points = methods.Keys.ToDictionary(m => m, _ => new Points(horizon));
            var origins = new List<BacktestOrigin>();
            for (int origin = Math.Max(testStart, 1); origin + horizon <= series.Length; origin++)
            {
                var forecasts = new Dictionary<ForecastMethod, MethodForecast>();
                foreach (var (method, run) in methods)
                    if (run.Forecast(series.Values.AsSpan(0, origin), origin) is { } forecast) forecasts[method] = forecast;
                var actual = series.Values.AsSpan(origin, horizon).ToArray();
                double last = series.Values[origin - 1];
                foreach (var (method, forecast) in forecasts)
                    points[method].Add(origin == Math.Max(testStart, 1), last, forecast, actual, scale);
                origins.Add(new BacktestOrigin(origin, series.Dates.Skip(origin).Take(horizon).ToArray(), actual, forecasts));
            }
            var future = new Dictionary<ForecastMethod, MethodForecast>();
            foreach (var (method, run) in methods)
                if (run.Forecast(series.Values, series.Length) is { } forecast) future[method] = forecast;
            var scores = new Dictionary<ForecastMethod, MethodScore>();
            foreach (var method in BacktestResult.Methods)
            {
                if (!methods.TryGetValue(method, out var run)) continue;
                string? why = run.NotApplicable;
                scores[method] = points[method].Score(method, run.Description, why);
                if (why is not null) continue;
                pooled[method].AddAll(points[method]);
                if (run.Description is { } d) (descriptions.TryGetValue(method, out var set) ? set : descriptions[method] = []).Add(d);
            }
            results.Add(new SeriesBacktest(series.Symbol, series, testStart, origins,
                scores.Where(kv => kv.Value.Applies).ToDictionary(kv => kv.Key, kv => kv.Value.Metrics))
            {
                Season = season,
                Frequency = frequency.Describe(),
                Scores = scores,
                Future = future,
                FutureDates = frequency.IsRegular ? frequency.NextDates(series.Dates[^1], horizon) : null,
            });
        }
        var overall = new Dictionary<ForecastMethod, MethodScore>();
        foreach (var method in BacktestResult.Methods)
        {
            int applied = results.Count(r => r.Scores.TryGetValue(method, out var s) && s.Applies);
            if (applied == 0)
            {
                var reason = results.Select(r => r.Scores.TryGetValue(method, out var s) ? s.NotApplicable : null).FirstOrDefault(r => r is not null);
                if (reason is not null) overall[method] = pooled[method].Score(method, null, reason);
                continue;
            }
            string? description = descriptions.TryGetValue(method, out var set) && set.Count == 1 ? set.First() : null;
            overall[method] = pooled[method].Score(method, description, null);
        }
        return new BacktestResult(horizon, overall.Where(kv => kv.Value.Applies).ToDictionary(kv => kv.Key, kv => kv.Value.Metrics), results, fit)
        {
            Levels = options.Levels,
            OverallScores = overall,
        };
    }

    /// <summary>A method's forecasts along one series: fitted once (or every K origins), or why it does not apply.</summary>
    private sealed class MethodRun(string? description, string? notApplicable, Func<double[], int, MethodForecast?> forecast)
    {
        public string? Description { get; } = description;
        public string? NotApplicable { get; } = notApplicable;

        public MethodForecast? Forecast(ReadOnlySpan<double> history, int origin) => forecast(history.ToArray(), origin);

        public static MethodRun Classical(IForecastingMethod method, TimeSeries series, int testStart, int season, int horizon, BacktestOptions options)
        {
            var first = method.Fit(series.Values.AsSpan(0, testStart), season);
            if (first.Fitted is not { } fitted) return new MethodRun(null, first.NotApplicable, (_, _) => null);
            var current = fitted;
            int fittedAt = testStart;
            return new MethodRun(fitted.Description, null, (history, origin) =>
            {
                // Refit on everything before the origin every K origins; a refit that fails keeps the last parameters.
                if (options.RefitEvery is int k && origin - fittedAt >= k && method.Fit(history, season).Fitted is { } refitted)
                {
                    current = refitted;
                    fittedAt = origin;
                }
                return current.Forecast(history, horizon, options.Levels);
            });
        }
    }

    /// <summary>The scored points of one method: pooled, per step, and the first origin's.</summary>
    private sealed class Points(int horizon)
    {
        private readonly List<ScoredPoint> _all = [], _first = [];
        private readonly List<ScoredPoint>[] _byStep = Enumerable.Range(0, horizon).Select(_ => new List<ScoredPoint>()).ToArray();

        public void Add(bool firstOrigin, double last, MethodForecast forecast, double[] actual, double scale)
        {
            for (int h = 0; h < actual.Length; h++)
            {
                var point = new ScoredPoint(last, forecast.Mean[h], actual[h], scale)
                {
                    Bounds = forecast.Intervals.Select(i => new IntervalBounds(i.Level, i.Lower[h], i.Upper[h])).ToArray(),
                };
                _all.Add(point);
                _byStep[h].Add(point);
                if (firstOrigin) _first.Add(point);
            }
        }

        public void AddAll(Points other)
        {
            _all.AddRange(other._all);
            _first.AddRange(other._first);
            for (int h = 0; h < _byStep.Length; h++) _byStep[h].AddRange(other._byStep[h]);
        }

        public MethodScore Score(ForecastMethod method, string? description, string? notApplicable)
            => notApplicable is not null
                ? new MethodScore(method, null, notApplicable, Metrics.None, [], Metrics.None)
                : new MethodScore(method, description, null, MetricsCalculator.Compute(_all),
                    _byStep.Select(MetricsCalculator.Compute).ToArray(), MetricsCalculator.Compute(_first));
    }
}
