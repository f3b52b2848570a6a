using System.Diagnostics;
using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Data.Scaling;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting;

/// <summary>A forecast for one series: the next values in original units, beside the naive guess (the last value).</summary>
/// <param name="Symbol">The series.</param>
/// <param name="LastDate">The date of the last known value.</param>
/// <param name="LastValue">The last known value: the naive forecast for every step ahead.</param>
/// <param name="Values">The model's forecast, one value per step ahead.</param>
public sealed record SeriesForecast(string Symbol, DateTime LastDate, double LastValue, double[] Values)
{
    /// <summary>The model's prediction intervals, one per level asked for (empty when none were, or the model has no calibration).</summary>
    public IReadOnlyList<Methods.PredictionInterval> Intervals { get; init; } = [];

    /// <summary>The date of each step forecast, from the spacing of the series' dates; null when they are too irregular
    /// to say (<see cref="Frequency.IsRegular"/>).</summary>
    public IReadOnlyList<DateTime>? Dates { get; init; }
}

/// <summary>The outcome of <see cref="Forecaster.Fit"/>.</summary>
/// <param name="Forecaster">The trained forecaster, holding the best weights seen.</param>
/// <param name="History">One entry per epoch run.</param>
/// <param name="Stop">Why training ended.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="TrainWindows">Training windows over all series.</param>
/// <param name="ValidationWindows">Validation windows over all series.</param>
public sealed record FitResult(Forecaster Forecaster, IReadOnlyList<TrainingProgress> History, StopReason Stop, int BestEpoch,
    int TrainWindows, int ValidationWindows)
{
    /// <summary>The loss of the initial weights (validation windows, else training windows), before any update.</summary>
    public double InitialLoss { get; init; } = double.NaN;

    /// <summary>The loss of the weights kept (the best epoch's); +∞ when no epoch finished.</summary>
    public double BestLoss { get; init; } = double.NaN;

    /// <summary>Why training stopped on its own, when it diverged.</summary>
    public TrainingIncident? Incident { get; init; }

    /// <summary>Why a checkpoint could not be written, if one could not (training then went on without checkpoints).</summary>
    public string? CheckpointProblem { get; init; }

    /// <summary>What training changed in the settings to fit the data, and why (<see cref="ForecastSettings.Resolve"/>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Series left out of training, each with why; the network does not forecast them.</summary>
    public IReadOnlyDictionary<string, string> Excluded { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether the kept weights beat the initial weights' loss. If not, the network learned nothing the data support
    /// (or diverged before it could): its forecasts are worth nothing, and the command line saves no model.
    /// </summary>
    public bool Improved => BestEpoch > 0 && BestLoss < InitialLoss;
}

/// <summary>
/// One global recurrent model over many series of different lengths. Each series is transformed (price, return or
/// log return) and scaled on its own training part; windows from every series train the same network in ragged
/// batches; early stopping keeps the weights with the best validation loss.
/// </summary>
public sealed class Forecaster
{
    internal Forecaster(RecurrentNetwork<float> network, ForecastSettings settings, string targetColumn,
        IReadOnlyList<string> featureNames, IReadOnlyDictionary<string, SeriesScalers> scalers)
    {
        Network = network;
        Settings = settings;
        TargetColumn = targetColumn;
        FeatureNames = featureNames;
        Scalers = scalers;
    }

    /// <summary>The network's prediction intervals; null for a model saved before they existed (no intervals then).</summary>
    public IntervalCalibration? Calibration { get; private set; }

    /// <summary>Each series' mean absolute one-step change over its training part, in its own units: the unit of the
    /// calibrated intervals of a model that is not relatively scaled.</summary>
    public IReadOnlyDictionary<string, double> NaiveScales { get; private set; } = new Dictionary<string, double>();

    /// <summary>Each deseasonalized series' pattern (see <see cref="ForecastSettings.Deseasonalize"/>); series without
    /// one are not in it.</summary>
    public IReadOnlyDictionary<string, SeasonalAdjustment> Adjustments { get; private set; } = new Dictionary<string, SeasonalAdjustment>();

    /// <summary>
    /// Each series' number of values (from its first) that ETS and Theta are fitted on when
    /// <see cref="ForecastSettings.CombineClassical"/> combines them with the network: the data before its test part
    /// when trained. Their parameters are then fixed, as the network's weights are. A series not listed is forecast by
    /// the network alone.
    /// </summary>
    public IReadOnlyDictionary<string, int> ClassicalFitLengths { get; private set; } = new Dictionary<string, int>();

    /// <summary>
    /// The parts each series' combination leaves out (<see cref="ForecastMethod.Model"/> for the network,
    /// <see cref="ForecastMethod.Ets"/>, <see cref="ForecastMethod.Theta"/>): those whose forecasts on the series'
    /// validation part erred more than the naive forecast's. A series not listed keeps every part.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlySet<ForecastMethod>> LeftOut { get; private set; } =
        new Dictionary<string, IReadOnlySet<ForecastMethod>>();

    /// <summary>The series whose combination leaves the network out (see <see cref="LeftOut"/>).</summary>
    public IReadOnlySet<string> NetworkLeftOut => LeftOut.Where(kv => kv.Value.Contains(ForecastMethod.Model)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>What forecasts <paramref name="symbol"/>, in words: "half the network, half ETS and Theta", "ETS and Theta
    /// (the network erred more than naive on the validation part)", or null for the network alone.</summary>
    public string? DescribeFor(string symbol)
    {
        if (!Settings.CombineClassical || !ClassicalFitLengths.ContainsKey(symbol)) return null;
        if (!LeftOut.TryGetValue(symbol, out var leftOut) || leftOut.Count == 0) return "half the network, half ETS and Theta";
        string Name(ForecastMethod m) => m switch { ForecastMethod.Model => "the network", ForecastMethod.Ets => "ETS", _ => "Theta" };
        var kept = new[] { ForecastMethod.Ets, ForecastMethod.Theta }.Where(m => !leftOut.Contains(m)).Select(Name).ToList();
        string partners = string.Join(" and ", kept);
        string forecast = leftOut.Contains(ForecastMethod.Model) ? partners : kept.Count == 0 ? "the network" : $"half the network, half {partners}";
        var gone = new[] { ForecastMethod.Model, ForecastMethod.Ets, ForecastMethod.Theta }.Where(leftOut.Contains).Select(Name).ToList();
        return $"{forecast} ({string.Join(" and ", gone)} erred more than naive on the validation part)";
    }

    /// <summary>
    /// The network's weight in the combination; ETS and Theta share the rest equally: half the network, half the M4
    /// competition's classical pair. Measured on the development suite against a third each (docs/forecasting.md): a
    /// third was 0.3% better there in one-step MASE and 2% worse at h steps, and lost the network's edge on random-walk
    /// prices such as the bundled stocks, where ETS and Theta chase trends the prices do not keep.
    /// </summary>
    public const double NetworkShare = 0.5;

    // ETS and Theta fitted on a series' first values, by symbol and count, with the values they were fitted on.
    private readonly Dictionary<(string Symbol, int Length), (double[] Values, IFittedMethod[] Fits)> _classical = [];

    /// <summary>This forecaster with intervals calibrated as <paramref name="calibration"/> says, in units of <paramref name="naiveScales"/>.</summary>
    internal Forecaster WithIntervals(IntervalCalibration? calibration, IReadOnlyDictionary<string, double> naiveScales)
    {
        var copy = Copy();
        copy.Calibration = calibration;
        copy.NaiveScales = naiveScales;
        return copy;
    }

    /// <summary>This forecaster with the series' seasonal patterns and the lengths its classical partners are fitted on.</summary>
    internal Forecaster WithParts(IReadOnlyDictionary<string, SeasonalAdjustment> adjustments, IReadOnlyDictionary<string, int> classicalFitLengths,
        IReadOnlyDictionary<string, IReadOnlySet<ForecastMethod>>? leftOut = null)
    {
        var copy = Copy();
        copy.Adjustments = adjustments;
        copy.ClassicalFitLengths = classicalFitLengths;
        copy.LeftOut = leftOut ?? LeftOut;
        return copy;
    }

    /// <summary>This forecaster, trained on series whose step is <paramref name="step"/> (null: not known).</summary>
    internal Forecaster WithStep(DataStep? step)
    {
        var copy = Copy();
        copy.TrainedStep = step;
        return copy;
    }

    // A forecaster with every part of this one (and other scalers, when given), for the methods above to change one.
    private Forecaster Copy(IReadOnlyDictionary<string, SeriesScalers>? scalers = null) => new(Network, Settings, TargetColumn, FeatureNames, scalers ?? Scalers)
    {
        Calibration = Calibration, NaiveScales = NaiveScales, Adjustments = Adjustments, ClassicalFitLengths = ClassicalFitLengths,
        LeftOut = LeftOut, ColdStart = ColdStart, StandsFor = StandsFor, TrainedStep = TrainedStep,
    };

    /// <summary>
    /// The parts of each series' combination whose validation forecasts err more than the naive forecast's: every
    /// origin of the series' validation part forecasts the model's horizon (or what is left of the part) with the
    /// network and with ETS and Theta fitted on the training part, and each part's absolute errors over all steps are
    /// summed and compared with naive's. ETS and Theta are never both left out.
    /// </summary>
    internal Dictionary<string, IReadOnlySet<ForecastMethod>> PartsWorseThanNaive(IReadOnlyList<PreparedSeries> prepared)
    {
        var worse = new Dictionary<string, IReadOnlySet<ForecastMethod>>(StringComparer.Ordinal);
        if (!Settings.CombineClassical) return worse;
        int offset = Settings.Target == TargetKind.Price ? 0 : 1;
        int firstOrigin = (Settings.Lookback.Steps ?? 1) + offset;
        foreach (var p in prepared)
        {
            var values = p.Original.Values;
            int start = Math.Max(p.Split.TrainEnd + offset, firstOrigin), end = p.Split.ValidationEnd + offset;
            var fits = ClassicalFits(p.Original, p.Split.TrainEnd + offset);
            var errors = new double[fits.Length + 1];                 // the network's, then each partner's
            double naive = 0;
            for (int origin = Math.Max(start, end - IntervalCalibration.MaxOriginsPerSeries); origin < end; origin++)
            {
                int h = Settings.Strategy == ForecastStrategy.Direct ? Settings.Horizon : Math.Min(Settings.Horizon, end - origin);
                if (origin + h > end) continue;
                double[] network;
                try { network = NetworkFrom(p.Original, origin, h); }
                catch (DataException) { continue; }
                for (int k = 0; k < h; k++)
                {
                    errors[0] += Math.Abs(network[k] - values[origin + k]);
                    naive += Math.Abs(values[origin - 1] - values[origin + k]);
                }
                for (int i = 0; i < fits.Length; i++)
                {
                    var forecast = fits[i].Forecast(values.AsSpan(0, origin), h, []).Mean;
                    for (int k = 0; k < h; k++) errors[i + 1] += Math.Abs(forecast[k] - values[origin + k]);
                }
            }
            // ETS or Theta leaves when it erred more than naive and the other did not (the classical half is never
            // emptied); the network leaves when it erred more than naive, ETS and Theta then forecasting alone.
            var bad = fits.Select(f => f.Method).Where((_, i) => errors[i + 1] > naive).ToHashSet();
            if (bad.Count == fits.Length) bad.Clear();
            if (errors[0] > naive && fits.Length > 0) bad.Add(ForecastMethod.Model);
            if (bad.Count > 0) worse[p.Original.Symbol] = bad;
        }
        return worse;
    }

    /// <summary>
    /// Series this forecaster forecasts without having been trained on them (cold start, see <see cref="Serving"/>): the
    /// network is the one trained on the model's series; each of these series' own parts (its scaling, seasonal pattern,
    /// ETS and Theta fits, naive scale and the check of which parts beat naive) were estimated from its own history.
    /// Empty for a forecaster as trained or loaded.
    /// </summary>
    public IReadOnlySet<string> ColdStart { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// A data series forecast as the model's one series (see <see cref="Serving"/>): the data's name, then the name of
    /// the model's series whose parts it uses. Empty for a forecaster as trained or loaded.
    /// </summary>
    public IReadOnlyDictionary<string, string> StandsFor { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The step of the series it was trained on (a day, a month, 30 minutes), which the series it forecasts must share
    /// (<see cref="RequireStep"/>); null when their dates were irregular or of different steps, and for a model file
    /// saved before models stored it.
    /// </summary>
    public DataStep? TrainedStep { get; private set; }

    /// <summary>
    /// Throws a <see cref="DataException"/> naming the first series of <paramref name="data"/> whose step is not the
    /// model's (<see cref="TrainedStep"/>, <see cref="DataStep.MismatchOf"/>): daily data for a monthly model, say; a
    /// series of one date, or a model whose step is not known, passes. <see cref="Serving"/> checks this first. The
    /// fix named is the resampling that gives the model's step where there is one (instead of the one the data was
    /// read with), or leaving the series out of a file of several.
    /// </summary>
    public void RequireStep(SeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (TrainedStep is not { } model) return;
        foreach (var series in data.Series)
            if (model.MismatchOf(series) is { } mismatch)
                throw WrongStep(series, mismatch, model, data);
    }

    private DataException WrongStep(TimeSeries series, StepMismatch mismatch, DataStep model, SeriesSet data)
    {
        string symbol = series.Symbol;
        var settings = new List<Setting>();
        Setting Named(Setting setting)
        {
            settings.Add(setting);
            return setting;
        }
        string adjective = model.Adjective;
        string seen = mismatch.Seen is { } step
            ? $"has {step.Adjective} {(step.Spacing == Spacing.Intraday ? "bars" : "dates")}"
            : $"has irregular dates, a median {Gap(mismatch.MedianGapDays)} apart";
        var resampled = data.Resampled?.Period is { } r && r != ResamplePeriod.None && r != model.Resample ? r : (ResamplePeriod?)null;
        string fix;
        if (model.Resample is { } period && (mismatch.Finer || resampled is not null))
            fix = resampled is { } given
                ? $"read it with {Named(CsvSettings.ResampleTo(period))} instead of {Named(CsvSettings.ResampleTo(given))}"
                : $"read it as {adjective} points with {Named(CsvSettings.ResampleTo(period))}";
        else if (mismatch.Finer)
            fix = $"aggregate it to {model.Plural} first ({Named(CsvSettings.Resample)} makes days, weeks and months only)";
        else if (resampled is { } given)
            fix = $"read it without {Named(CsvSettings.ResampleTo(given))} if the file itself is {adjective}; otherwise give it {adjective} data (coarser data cannot be made finer)";
        else
            fix = $"give it {adjective} data (coarser data cannot be made finer)";
        // Resampled to the model's step, a short history may hold too few points: say so now rather than after.
        int points = (int)Math.Floor((series.Dates[^1] - series.Dates[0]).TotalDays / model.Typical.TotalDays) + 1;
        if (mismatch.Finer && points < HistoryNeeded)
            fix += $" (though its dates span about {model.Count(points)}, and the model needs {HistoryNeeded})";
        if (data.Series.Count > 1 && CanLeaveOut(data))
            fix += $", leave it out ({Named(CsvSettings.Symbols)} names the series to use)";
        string like = mismatch.Seen is { } s ? $"{s.Adjective} data" : "it";
        return new DataException($"series '{symbol}' {seen}, but the model was trained on {adjective} data: {fix}, or train a model on {like}",
            data.SourceFile, settings: settings);
    }

    // A gap in days, in words: "about 5 years", "about 2 months", "1 day", "2.5 days", "6 hours", "5 minutes".
    private static string Gap(double days) => days switch
    {
        >= 300 => "about " + DataStep.Counted(Math.Round(days / 365.25), "year"),
        >= 25 => "about " + DataStep.Counted(Math.Round(days / (365.25 / 12)), "month"),
        >= 1 => DataStep.Counted(days, "day"),
        >= 1.0 / 24 => DataStep.Counted(days * 24, "hour"),
        _ => DataStep.Counted(days * 24 * 60, "minute"),
    };

    /// <summary>
    /// This forecaster, able to forecast every series of <paramref name="data"/> (itself when it already can).
    /// <list type="bullet">
    /// <item>When the model holds one series and <paramref name="data"/> holds one of another name, read without a symbol
    /// column (<see cref="SeriesSet.SymbolColumn"/>: a one-series file, named after its file), the data's series is taken
    /// as the model's series under a new name: everything the model stored for its series serves it
    /// (<see cref="StandsFor"/>). So a model trained on <c>yahoo_clean.csv</c> forecasts <c>AAPL_latest.csv</c>.</item>
    /// <item>Every other series the model was not trained on is a cold start (<see cref="ColdStart"/>): its per-series
    /// parts are estimated from its own history as training estimates a series' from its training part (the same
    /// fractions: scalers and seasonal pattern on the training part, ETS and Theta on all but the test part, the parts
    /// worse than naive on the validation part), and the trained network forecasts it in those units. Every scaling
    /// needs such statistics: relative and difference scaling divide each window by the series' typical one-step
    /// move, min-max and z-score scale by its range or spread, and features are scaled per series. The network's
    /// interval calibration is pooled over the training series in units of each series' typical move, so it serves a
    /// new series through its estimated unit; the combination's intervals are ETS's and Theta's own, fitted on it.</item>
    /// </list>
    /// </summary>
    /// <param name="data">The series to forecast.</param>
    /// <param name="testFraction">The part at the end of each new series that a backtest scores, kept out of its
    /// estimates; null for the model's own (<see cref="ForecastSettings.TestFraction"/>), as when forecasting ahead.</param>
    /// <returns>A forecaster for <paramref name="data"/>'s series. It cannot be saved (<see cref="ModelBundle.Save"/>):
    /// it was not trained on the new series.</returns>
    /// <exception cref="DataException">A series' step is not the model's (<see cref="RequireStep"/>); a new series is too short to estimate its parts from, constant, or (with relative
    /// scaling) not above 0; or its features are not the model's.</exception>
    public Forecaster Serving(SeriesSet data, double? testFraction = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireStep(data);
        var unknown = data.Series.Where(s => !Scalers.ContainsKey(s.Symbol)).ToList();
        if (unknown.Count == 0) return this;
        foreach (var series in unknown) CheckFeatures(series);
        var scalers = new Dictionary<string, SeriesScalers>(Scalers, StringComparer.Ordinal);
        var naiveScales = new Dictionary<string, double>(NaiveScales, StringComparer.Ordinal);
        var adjustments = new Dictionary<string, SeasonalAdjustment>(Adjustments, StringComparer.Ordinal);
        var classical = new Dictionary<string, int>(ClassicalFitLengths, StringComparer.Ordinal);
        var leftOut = new Dictionary<string, IReadOnlySet<ForecastMethod>>(LeftOut, StringComparer.Ordinal);
        if (data.Series.Count == 1 && data.SymbolColumn is null && Scalers.Count == 1)
        {
            string name = unknown[0].Symbol, model = Scalers.Keys.Single();
            scalers[name] = Scalers[model];
            if (NaiveScales.TryGetValue(model, out var naive)) naiveScales[name] = naive;
            if (Adjustments.TryGetValue(model, out var adjustment)) adjustments[name] = adjustment;
            if (ClassicalFitLengths.TryGetValue(model, out var length)) classical[name] = length;
            if (LeftOut.TryGetValue(model, out var parts)) leftOut[name] = parts;
            var standing = Copy(scalers);
            standing.NaiveScales = naiveScales;
            standing.Adjustments = adjustments;
            standing.ClassicalFitLengths = classical;
            standing.LeftOut = leftOut;
            standing.StandsFor = new Dictionary<string, string>(StandsFor, StringComparer.Ordinal) { [name] = model };
            return standing;
        }

        var settings = Settings;
        if (testFraction is double test)        // a backtest's test part: kept out, with room left for a training part
            settings = settings with { TestFraction = test, ValidationFraction = Math.Clamp(Math.Min(Settings.ValidationFraction, 0.9 - test), 0, 1) };
        int offset = Settings.Target == TargetKind.Price ? 0 : 1;
        var prepared = unknown.Select(s => Prepare(s, settings, coldStart: true, source: data)).ToList();
        foreach (var p in prepared)
        {
            string symbol = p.Original.Symbol;
            scalers[symbol] = p.Scalers;
            naiveScales[symbol] = MetricsCalculator.NaiveScale(p.Original.Values.AsSpan(0, p.Split.TrainEnd + offset));
            if (p.Adjustment is { } adjustment) adjustments[symbol] = adjustment;
            classical[symbol] = p.Split.ValidationEnd + offset;
        }
        var cold = new HashSet<string>(ColdStart, StringComparer.Ordinal);
        cold.UnionWith(prepared.Select(p => p.Original.Symbol));
        var extended = Copy(scalers);
        extended.NaiveScales = naiveScales;
        extended.Adjustments = adjustments;
        extended.ClassicalFitLengths = classical;
        extended.LeftOut = leftOut;
        extended.ColdStart = cold;
        foreach (var (symbol, parts) in extended.PartsWorseThanNaive(prepared)) leftOut[symbol] = parts;
        return extended.WithParts(adjustments, classical, leftOut);
    }

    /// <summary>
    /// What a cold-start series' forecast estimates from its own history (<see cref="ColdStart"/>), in words, such as
    /// "its typical relative one-step move, its seasonal pattern and its ETS and Theta fits".
    /// </summary>
    public string ColdStartEstimates()
    {
        var parts = new List<string>
        {
            Settings.EffectiveScaling switch
            {
                TargetScaling.Relative => "typical relative one-step move",
                TargetScaling.Difference => "typical one-step move",
                TargetScaling.ZScore => "mean and standard deviation",
                _ => "minimum and maximum",
            } + (FeatureNames.Count > 0 ? " (and its features' scaling)" : ""),
        };
        if (Settings.Deseasonalize) parts.Add("seasonal pattern");
        if (Settings.CombineClassical) parts.Add("ETS and Theta fits");
        parts = parts.Select(p => "its " + p).ToList();
        return parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];
    }

    /// <summary>The network.</summary>
    public RecurrentNetwork<float> Network { get; }
    /// <summary>The settings it was built and trained with.</summary>
    public ForecastSettings Settings { get; }
    /// <summary>The column forecast.</summary>
    public string TargetColumn { get; }
    /// <summary>The extra input columns, in order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>Per-series scalers (target first, then features), fitted on each series' training part.</summary>
    public IReadOnlyDictionary<string, SeriesScalers> Scalers { get; }
    /// <summary>The series this model can forecast.</summary>
    public IEnumerable<string> Symbols => Scalers.Keys;

    /// <summary>Trains a forecaster on every series of <paramref name="data"/>.</summary>
    /// <param name="data">The series; all need the same features.</param>
    /// <param name="settings">Architecture and training settings.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellation">Cancelling stops after the current batch; the best weights so far are kept.</param>
    /// <exception cref="DataException">A series is too short for the lookback, horizon and split, or constant.</exception>
    /// <remarks>For checkpoints, resuming and diagnostics, use <see cref="TrainingSession"/>.</remarks>
    public static FitResult Fit(SeriesSet data, ForecastSettings settings, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
        => TrainingSession.Start(data, settings).Run(progress, cancellation);

    /// <summary>Forecasts the steps after the end of <paramref name="series"/>.</summary>
    /// <param name="series">A series this model was trained on (same symbol and features); its history may have grown since.</param>
    /// <param name="horizon">Steps ahead; defaults to the trained horizon. A direct model can only forecast its own horizon.</param>
    /// <param name="levels">Prediction-interval levels, such as 0.8 and 0.95; none by default.</param>
    public SeriesForecast Predict(TimeSeries series, int? horizon = null, IReadOnlyList<double>? levels = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var forecast = ForecastFrom(series, series.Length, horizon ?? Settings.Horizon, levels ?? []);
        var frequency = Frequency.Infer(series);
        return new SeriesForecast(series.Symbol, series.Dates[^1], series.Values[^1], forecast.Mean)
        {
            Intervals = forecast.Intervals,
            Dates = frequency.IsRegular ? frequency.NextDates(series.Dates[^1], forecast.Mean.Length) : null,
        };
    }

    /// <summary>
    /// Forecasts <paramref name="horizon"/> steps after step <paramref name="end"/> − 1 with prediction intervals at
    /// <paramref name="levels"/> (see <see cref="IntervalCalibration"/>; none when the model has no calibration).
    /// </summary>
    public Methods.MethodForecast ForecastFrom(TimeSeries series, int end, int horizon, IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var (mean, partners) = Combined(series, end, horizon, Calibration is null ? [] : levels, classicalEnd: null);
        if (Calibration is null || levels.Count == 0) return new Methods.MethodForecast(mean, []);
        double unit = Unit(series, end);
        var intervals = levels.Select(level =>
        {
            var lower = new double[horizon];
            var upper = new double[horizon];
            // Combined: centred on the combined forecast, as wide as ETS's and Theta's intervals on average (their
            // models' own uncertainty; the combination errs less than either, and its measured coverage shows these
            // widths are not too narrow for it: docs/forecasting.md). The calibrated width serves the network alone.
            var theirs = partners.Select(p => p.Intervals.First(i => i.Level == level)).ToArray();
            for (int k = 0; k < horizon; k++)
            {
                double half = 0;
                if (theirs.Length == 0) half = Calibration.HalfWidth(k + 1, level) * unit;
                foreach (var interval in theirs) half += (interval.Upper[k] - interval.Lower[k]) / 2 / theirs.Length;
                (lower[k], upper[k]) = (mean[k] - half, mean[k] + half);
            }
            return new Methods.PredictionInterval(level, lower, upper);
        }).ToArray();
        return new Methods.MethodForecast(mean, intervals);
    }

    /// <summary>The unit intervals are calibrated in at an origin: the last value times the typical relative move with
    /// relative scaling, the typical move with difference scaling, else the series' naive scale.</summary>
    internal double Unit(TimeSeries series, int end)
    {
        if (Settings.IsAnchored)
        {
            var target = Scalers[series.Symbol].Target;
            double scale = target.Inverse(1) - target.Inverse(0);
            return Settings.IsRelative ? Math.Abs(series.Values[end - 1]) * scale : scale;
        }
        return NaiveScales.TryGetValue(series.Symbol, out var naive) ? naive : double.NaN;
    }

    /// <summary>
    /// Calibrates the intervals: forecasts every origin of each series' validation part (the latest
    /// <see cref="IntervalCalibration.MaxOriginsPerSeries"/>), adding in-sample origins of the training parts when
    /// the validation parts give fewer than <see cref="IntervalCalibration.MinimumResiduals"/> one-step errors.
    /// </summary>
    internal IntervalCalibration Calibrate(IReadOnlyList<PreparedSeries> prepared)
    {
        int horizon = Settings.Horizon, offset = Settings.Target == TargetKind.Price ? 0 : 1;
        int firstOrigin = (Settings.Lookback.Steps ?? 1) + offset;
        var steps = Enumerable.Range(0, horizon).Select(_ => new List<double>()).ToArray();
        int classicalEnd = 0;                                   // the combination's partners: fitted on the training part only
        void Add(TimeSeries series, int origin, int end)
        {
            int h = Settings.Strategy == ForecastStrategy.Direct ? horizon : Math.Min(horizon, end - origin);
            if (origin + h > end || h < 1 || origin < firstOrigin) return;
            double[] forecast;
            try { forecast = PredictFrom(series, origin, h, classicalEnd); }
            catch (DataException) { return; }                           // a value relative scaling cannot divide by
            double unit = Unit(series, origin);
            if (!(unit > 0)) return;
            for (int k = 0; k < h; k++) steps[k].Add(Math.Abs(series.Values[origin + k] - forecast[k]) / unit);
        }
        foreach (var p in prepared)
        {
            int start = p.Split.TrainEnd + offset, end = p.Split.ValidationEnd + offset;
            classicalEnd = start;
            for (int origin = Math.Max(start, end - IntervalCalibration.MaxOriginsPerSeries); origin < end; origin++) Add(p.Original, origin, end);
        }
        int validation = steps[0].Count, training = 0;
        if (validation < IntervalCalibration.MinimumResiduals)
        {
            foreach (var p in prepared)
            {
                int end = p.Split.TrainEnd + offset;
                classicalEnd = end;                             // each origin's own history for the partners too
                for (int origin = Math.Max(firstOrigin, end - IntervalCalibration.MaxOriginsPerSeries); origin < end; origin++) Add(p.Original, origin, end);
            }
            training = steps[0].Count - validation;
        }
        return new IntervalCalibration(steps, validation, training);
    }

    /// <summary>
    /// Forecasts <paramref name="horizon"/> steps after step <paramref name="end"/> − 1, using only the series' first
    /// <paramref name="end"/> values: the network's forecast, averaged with ETS's and Theta's when
    /// <see cref="ForecastSettings.CombineClassical"/> (see <see cref="ClassicalFitLengths"/>).
    /// </summary>
    public double[] PredictFrom(TimeSeries series, int end, int horizon) => PredictFrom(series, end, horizon, classicalEnd: null);

    /// <summary>As <see cref="PredictFrom(TimeSeries, int, int)"/>, with the classical partners fitted on the first
    /// <paramref name="classicalEnd"/> values (at most <paramref name="end"/>) instead of the stored count.</summary>
    internal double[] PredictFrom(TimeSeries series, int end, int horizon, int? classicalEnd)
        => Combined(series, end, horizon, [], classicalEnd).Mean;

    // The forecast (the network's, or its mean with its classical partners') and the partners' own forecasts with
    // intervals at the levels (none when the network forecasts alone).
    private (double[] Mean, Methods.MethodForecast[] Partners) Combined(TimeSeries series, int end, int horizon, IReadOnlyList<double> levels, int? classicalEnd)
    {
        var network = NetworkFrom(series, end, horizon);
        if (!Settings.CombineClassical || !ClassicalFitLengths.TryGetValue(series.Symbol, out int fitted)) return (network, []);
        var fits = ClassicalFits(series, Math.Min(classicalEnd ?? fitted, end));
        var history = series.Values.AsSpan(0, end);
        if (LeftOut.TryGetValue(series.Symbol, out var leftOut)) fits = fits.Where(f => !leftOut.Contains(f.Method)).ToArray();
        if (fits.Length == 0) return (network, []);
        var partners = new Methods.MethodForecast[fits.Length];
        double share = leftOut is not null && leftOut.Contains(ForecastMethod.Model) ? 0 : NetworkShare, each = (1 - share) / fits.Length;
        var mean = new double[horizon];
        for (int k = 0; k < horizon; k++) mean[k] = share * network[k];
        for (int i = 0; i < fits.Length; i++)
        {
            partners[i] = fits[i].Forecast(history, horizon, levels);
            for (int k = 0; k < horizon; k++) mean[k] += each * partners[i].Mean[k];
        }
        return (mean, partners);
    }

    /// <summary>ETS and Theta (those that apply) fitted on the series' first <paramref name="length"/> values, cached.</summary>
    private IFittedMethod[] ClassicalFits(TimeSeries series, int length)
    {
        var key = (series.Symbol, length);
        lock (_classical)
        {
            if (_classical.TryGetValue(key, out var cached) && series.Values.AsSpan(0, length).SequenceEqual(cached.Values))
                return cached.Fits;
        }
        var train = series.Values.AsSpan(0, length).ToArray();
        int season = Settings.Season ?? Frequency.Infer(series).Season;
        IForecastingMethod[] methods = [new EtsMethod(), new ThetaMethod()];
        var fits = methods.Select(m => m.Fit(train, season).Fitted).OfType<IFittedMethod>().ToArray();
        lock (_classical) _classical[key] = (train, fits);
        return fits;
    }

    /// <summary>The fewest values a series' history needs for the network to forecast from it: the lookback's steps
    /// (one for a lookback over all history), and one more when the network learns returns.</summary>
    public int HistoryNeeded => (Settings.Lookback.Steps ?? 1) + (Settings.Target == TargetKind.Price ? 0 : 1);

    /// <summary>Throws a <see cref="DataException"/> naming the first series of <paramref name="data"/> shorter than
    /// <see cref="HistoryNeeded"/>, and <paramref name="data"/>'s file: a check before forecasting a file's series.</summary>
    public void RequireHistory(SeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Series.FirstOrDefault(s => s.Length < HistoryNeeded) is { } series)
            throw TooShortToForecast(series.Symbol, series.Length, "", data);
    }

    private DataException TooShortToForecast(string symbol, int length, string where, SeriesSet? source)
    {
        bool canLeaveOut = CanLeaveOut(source);
        return new DataException($"series '{symbol}' has {Points(length)}{where}; the model's lookback needs {HistoryNeeded}: give it a longer history" +
            (canLeaveOut ? $", or leave it out ({CsvSettings.Symbols} names the series to use)" : ""),
            source?.SourceFile, settings: canLeaveOut ? [CsvSettings.Symbols] : []);
    }

    /// <summary>Whether leaving a series of <paramref name="source"/> out is a fix: not for the one series of a file
    /// read without a symbol column.</summary>
    private static bool CanLeaveOut(SeriesSet? source) => source is not { SourceFile: not null, SymbolColumn: null };

    /// <summary>The network's own forecast (no classical partners): <paramref name="horizon"/> steps after step
    /// <paramref name="end"/> − 1 from the series' first <paramref name="end"/> values.</summary>
    public double[] NetworkFrom(TimeSeries series, int end, int horizon)
    {
        ArgumentNullException.ThrowIfNull(series);
        var scalers = CheckServes(series);
        if (horizon < 1) throw new ArgumentException($"horizon must be at least 1, got {horizon}");
        if (Settings.Strategy == ForecastStrategy.Direct && horizon != Settings.Horizon)
        {
            Setting steps = ForecastFixes.Of(nameof(ForecastSettings.Horizon), horizon.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                recursive = ForecastFixes.Of(nameof(ForecastSettings.Strategy), "ForecastStrategy.Recursive");
            throw new SettingsException($"this model forecasts {Settings.Horizon} steps directly and cannot forecast {horizon}; train with {steps} or {recursive}", steps, recursive);
        }
        if (end < 1 || end > series.Length) throw new ArgumentOutOfRangeException(nameof(end), end, $"must be in 1..{series.Length}");
        if (Adjustments.TryGetValue(series.Symbol, out var stored))
        {
            var adjustment = stored.From(series.Dates[0]);   // the season's phase from the dates, not the file's first row
            var adjusted = PredictAdjusted(Deseasonalized(series.Slice(0, end), adjustment), end, horizon, scalers);
            for (int k = 0; k < horizon; k++) adjusted[k] = adjustment.Restore(adjusted[k], end + k);
            return adjusted;
        }
        return PredictAdjusted(series, end, horizon, scalers);
    }

    /// <summary>The series with its seasonal pattern taken out (position 0 its first value).</summary>
    internal static TimeSeries Deseasonalized(TimeSeries series, SeasonalAdjustment adjustment)
        => new(series.Symbol, series.Dates, adjustment.Remove(series.Values), series.FeatureNames, series.Features);

    private double[] PredictAdjusted(TimeSeries series, int end, int horizon, SeriesScalers scalers)
    {
        var history = series.Slice(0, end);
        var transformed = TargetTransform.Forward(Settings.Target, history);
        if (history.Length < HistoryNeeded) throw TooShortToForecast(series.Symbol, history.Length, " up to here", source: null);
        if (Settings.IsAnchored)
            return Forecast(new SeriesScalers(IdentityScaler.Instance, scalers.Features).Transform(transformed),
                new Anchor(Settings.IsRelative, scalers.Target.Inverse(1) - scalers.Target.Inverse(0)), horizon);
        var forecastScaled = Forecast(scalers.Transform(transformed), null, horizon);
        var unscaled = scalers.Target.Inverse(forecastScaled);
        return TargetTransform.Inverse(Settings.Target, history.Values[^1], unscaled);
    }

    /// <summary>
    /// The forecast loop. A direct model gives every step from one pass. A recursive one forecasts a step, appends it to
    /// the window with the features held at their last values, and forecasts again: a fixed lookback slides the window,
    /// all history grows it, feeding only the new step through the carried state when the earlier inputs keep their
    /// values (that is, unless relative).
    /// </summary>
    /// <param name="history">The series as the network sees it, except that with relative or difference scaling the
    /// forecast column is in its own units.</param>
    /// <param name="anchor">Relative or difference scaling: each pass expresses the forecast column against the
    /// window's last value (<see cref="Anchor.In"/>) and maps the outputs back (<see cref="Anchor.Out"/>). Null for none.</param>
    /// <param name="horizon">Steps ahead.</param>
    /// <returns>The forecast: in the series' units when anchored, else in the network's (scaled) units.</returns>
    private double[] Forecast(TimeSeries history, Anchor? anchor, int horizon)
    {
        var window = Windows.ForecastInput(history, Settings.Lookback);
        int inputSize = window.InputSize;
        var raw = window.Inputs.ToArray().ToList();                 // (steps × I), the forecast column unscaled if relative
        var lastFeatures = raw.Skip(raw.Count - inputSize + 1).Take(inputSize - 1).ToArray();
        bool direct = Settings.Strategy == ForecastStrategy.Direct;
        bool stream = Settings.Lookback.IsAll && anchor is null;
        RecurrentState<float>? state = null;
        int fed = 0;                                                // values of raw already inside state
        var forecast = new double[horizon];
        int produced = 0;
        while (produced < horizon)
        {
            double last = raw[^inputSize];
            if (anchor is { Multiplicative: true } && !(last > 0))
                throw NotPositive($"series '{history.Symbol}' reaches the value {last} before a forecast");
            var input = new float[raw.Count - fed];
            for (int k = 0; k < input.Length; k++)
            {
                double v = raw[fed + k];
                input[k] = (float)(anchor is { } a && (fed + k) % inputSize == 0 ? a.In(v, last) : v);
            }
            var pass = Network.Forward(SequenceBatch<float>.FromFlat([input], inputSize), state);
            if (stream)
            {
                state = pass.FinalState;
                fed = raw.Count;
            }
            int take = direct ? horizon : 1;
            for (int h = 0; h < take; h++)
                forecast[produced + h] = anchor is { } a ? a.Out(pass.Outputs[h], last) : pass.Outputs[h];
            if (direct) break;
            raw.Add(forecast[produced]);
            raw.AddRange(lastFeatures);
            if (!Settings.Lookback.IsAll) raw.RemoveRange(0, inputSize);
            produced++;
        }
        return forecast;
    }

    /// <summary>
    /// The window with its forecast column and targets expressed against its last input value (<see cref="Anchor.In"/>):
    /// (x / last − 1) / scale with relative scaling, (x − last) / scale with difference scaling. A new window; the
    /// original is left as it is.
    /// </summary>
    internal static Window NormalizeWindow(Window window, Anchor anchor)
    {
        int inputSize = window.InputSize;
        var inputs = window.Inputs.ToArray();
        var targets = window.Targets.ToArray();
        double last = inputs[^inputSize];
        for (int k = 0; k < inputs.Length; k += inputSize) inputs[k] = anchor.In(inputs[k], last);
        for (int h = 0; h < targets.Length; h++) targets[h] = anchor.In(targets[h], last);
        return window.With(inputs, targets);
    }

    /// <summary>
    /// Relative or difference scaling of the forecast column: a value against the window's last one, in units of the
    /// series' typical one-step move (<paramref name="Scale"/>: the mean absolute relative change, or the mean absolute
    /// change, over the training part). Forecasts may leave the range the model was trained on.
    /// </summary>
    /// <param name="Multiplicative">Relative (x / last − 1) rather than difference (x − last).</param>
    /// <param name="Scale">The typical one-step move.</param>
    internal readonly record struct Anchor(bool Multiplicative, double Scale)
    {
        /// <summary>The smallest forecast a relative model gives, as a fraction of the last value: a price does not go below 0.</summary>
        public const double Floor = 1e-3;

        /// <summary>What the network sees of <paramref name="value"/>.</summary>
        public double In(double value, double last) => Multiplicative ? (value / last - 1) / Scale : (value - last) / Scale;

        /// <summary>The value the network's <paramref name="output"/> stands for.</summary>
        public double Out(double output, double last)
        {
            if (!Multiplicative) return last + output * Scale;
            double value = last * (1 + output * Scale);
            return value > 0 ? value : last * Floor;
        }
    }

    /// <summary>The anchor of a prepared series, for an anchored scaling.</summary>
    internal static Anchor AnchorOf(SeriesScalers scalers, ForecastSettings settings)
        => new(settings.IsRelative, scalers.Target.Inverse(1) - scalers.Target.Inverse(0));

    private SeriesScalers CheckServes(TimeSeries series)
    {
        if (!Scalers.TryGetValue(series.Symbol, out var scalers))
            throw new DataException($"the model was trained on {string.Join(", ", Symbols)} and knows nothing of '{series.Symbol}'; " +
                $"forecast it through {nameof(Serving)}, which estimates its scaling from its own history (cold start), or train a model that includes it");
        CheckFeatures(series);
        return scalers;
    }

    private void CheckFeatures(TimeSeries series)
    {
        if (!series.FeatureNames.SequenceEqual(FeatureNames, StringComparer.OrdinalIgnoreCase))
        {
            string Describe(IReadOnlyList<string> f) => f.Count == 0 ? "no features" : $"features {string.Join(", ", f)}";
            throw new DataException($"the data for '{series.Symbol}' has {Describe(series.FeatureNames)}, the model expects {Describe(FeatureNames)}" +
                (FeatureNames.Count > 0 ? $"; use {CsvSettings.FeaturesOf(FeatureNames)}" : $"; leave {CsvSettings.Features} empty"),
                FeatureNames.Count > 0 ? CsvSettings.FeaturesOf(FeatureNames) : CsvSettings.Features);
        }
    }

    private static string Points(int n) => DataStep.Counted(n, "point");

    // Relative scaling divides by the last value: a value at or below 0 needs another scaling.
    private static DataException NotPositive(string what)
    {
        Setting minmax = ForecastFixes.Of(nameof(ForecastSettings.Scaling), "TargetScaling.MinMax"),
            zscore = ForecastFixes.Of(nameof(ForecastSettings.Scaling), "TargetScaling.ZScore");
        return new DataException($"{what}; relative scaling needs values above 0. Use {minmax} or {zscore}", minmax, zscore);
    }

    /// <summary>A series made ready for training: <paramref name="Original"/> as given, the rest from it with its
    /// seasonal pattern (<see cref="Adjustment"/>, or none) taken out.</summary>
    internal sealed record PreparedSeries(TimeSeries Original, TimeSeries Transformed, TimeSplit Split, SeriesScalers Scalers, TimeSeries Scaled)
    {
        /// <summary>The seasonal pattern taken out, or null.</summary>
        public SeasonalAdjustment? Adjustment { get; init; }
    }

    /// <param name="series">The series as read.</param>
    /// <param name="settings">The split fractions, transform, scaling and seasonal settings.</param>
    /// <param name="coldStart">Whether the series is new to a trained model (<see cref="Serving"/>): only a message differs.</param>
    /// <param name="source">The set the series came from, for messages: its file, and whether leaving the series out
    /// is a fix (not for the one series of a file read without a symbol column).</param>
    internal static PreparedSeries Prepare(TimeSeries series, ForecastSettings settings, bool coldStart = false, SeriesSet? source = null)
    {
        double trainFraction = 1 - settings.ValidationFraction - settings.TestFraction;
        int offset = settings.Target == TargetKind.Price ? 0 : 1;
        SeasonalAdjustment? adjustment = null;
        if (settings.Deseasonalize)
        {
            var frequency = Frequency.Infer(series);
            int season = settings.Season ?? frequency.Season;
            int trainEnd = TimeSplit.ByFractions(series.Length - offset, trainFraction, settings.ValidationFraction).TrainEnd + offset;
            adjustment = SeasonalAdjustment.Fit(series.Values.AsSpan(0, Math.Min(trainEnd, series.Length)), season, out _);
            if (adjustment is not null && series.Length > 0 && DataStep.Of(frequency) is { } step)
                adjustment = adjustment with { Anchor = series.Dates[0], Step = step };
        }
        return Prepare(series, adjustment is null ? series : Deseasonalized(series, adjustment), settings, coldStart, source) with { Adjustment = adjustment };
    }

    private static PreparedSeries Prepare(TimeSeries original, TimeSeries series, ForecastSettings settings, bool coldStart, SeriesSet? source)
    {
        var transformed = TargetTransform.Forward(settings.Target, series);
        double trainFraction = 1 - settings.ValidationFraction - settings.TestFraction;
        var split = TimeSplit.ByFractions(transformed.Length, trainFraction, settings.ValidationFraction);
        int needed = settings.Lookback.MinimumSeriesLength(settings.OutputSize);
        bool canLeaveOut = CanLeaveOut(source);
        if (split.TrainEnd < needed && coldStart)
            throw new DataException($"series '{series.Symbol}' is new to the model, so its scaling is estimated from its history as training estimates a series', " +
                $"from its training part: {split.TrainEnd} of its {Points(series.Length)}, fewer than lookback {settings.Lookback} + horizon {settings.OutputSize} = {needed}. " +
                (canLeaveOut ? $"Give it a longer history, or leave it out with {CsvSettings.Symbols}" : "Give it a longer history"),
                source?.SourceFile, settings: canLeaveOut ? [CsvSettings.Symbols] : []);
        if (split.TrainEnd < needed)
        {
            // Only the fixes that can shorten what is needed: a lookback of 1 and one output step are as short as they go.
            var shorter = new List<Setting>();
            if (settings.Lookback.Steps is > 1) shorter.Add(ForecastFixes.Of(nameof(ForecastSettings.Lookback)));
            if (settings.OutputSize > 1) shorter.Add(ForecastFixes.Of(nameof(ForecastSettings.Horizon)));
            var fixes = shorter.Count == 0 ? new List<string>() : [$"use a shorter {string.Join(" or ", shorter)}"];
            fixes.Add(canLeaveOut ? $"leave this series out with {CsvSettings.Symbols}" : "give it a longer history");
            string fix = string.Join(", or ", fixes);
            throw new DataException($"series '{series.Symbol}' has {Points(series.Length)}; its training part ({Points(split.TrainEnd)}) is shorter than " +
                $"lookback {settings.Lookback} + horizon {settings.OutputSize} = {needed}. {char.ToUpperInvariant(fix[0])}{fix[1..]}",
                source?.SourceFile, settings: canLeaveOut ? [.. shorter, CsvSettings.Symbols] : [.. shorter]);
        }
        var scalers = SeriesScalers.Fit(settings.ScalerKind, transformed, split.TrainEnd);
        if (!settings.IsAnchored)
            return new PreparedSeries(original, transformed, split, scalers, scalers.Transform(transformed));
        // Relative or difference: the forecast column stays in its units (each window is expressed against its own
        // last value); the target "scaler" holds the series' typical one-step move, the unit the network sees.
        var values = transformed.Values;
        if (settings.IsRelative)
            for (int t = 0; t < values.Length; t++)           // every value: a forecast from any origin divides by it
                if (!(values[t] > 0)) throw NotPositive($"series '{series.Symbol}' has the value {values[t]} at {Timestamps.Format(transformed.Dates[t])}");
        double sum = 0;
        for (int t = 1; t < split.TrainEnd; t++)
            sum += settings.IsRelative ? Math.Abs(values[t] / values[t - 1] - 1) : Math.Abs(values[t] - values[t - 1]);
        double scale = sum / Math.Max(1, split.TrainEnd - 1);
        if (!(scale > 0))
            throw new DataException($"series '{series.Symbol}' does not change over its training part, so {SettingNames.Scalings.Name(settings.EffectiveScaling)} scaling would divide by zero; leave it out with {CsvSettings.Symbols}", CsvSettings.Symbols);
        var anchored = new SeriesScalers(new ZScoreScaler(0, scale), scalers.Features);
        return new PreparedSeries(original, transformed, split, anchored, new SeriesScalers(IdentityScaler.Instance, scalers.Features).Transform(transformed));
    }

    internal static (SequenceBatch<float> Batch, float[] Targets) ToBatch(IReadOnlyList<Window> windows, int inputSize, int outputs)
    {
        var sequences = windows.Select(w => ToFloats(w.Inputs.Span)).ToList();
        var targets = new float[windows.Count * outputs];
        for (int i = 0; i < windows.Count; i++)
        {
            var values = windows[i].Targets.Span;
            for (int o = 0; o < outputs; o++) targets[i * outputs + o] = (float)values[o];
        }
        return (SequenceBatch<float>.FromFlat(sequences, inputSize), targets);
    }

    /// <summary>
    /// Assembles the batch of windows <paramref name="chosen"/> of <paramref name="windows"/>, read from their series
    /// now: the same floats as <see cref="NormalizeWindow"/> (with the series' anchor, when it has one) and
    /// <see cref="ToBatch(IReadOnlyList{Window}, int, int)"/> give for copies of the same windows. Only the batch is
    /// allocated.
    /// </summary>
    /// <param name="windows">The windows, as views into their series.</param>
    /// <param name="chosen">The indices of the windows of the batch, in batch order.</param>
    /// <param name="anchors">Each series' anchor (by its index in <paramref name="windows"/>), or null for none.</param>
    /// <param name="outputs">The targets per window the network outputs.</param>
    internal static (SequenceBatch<float> Batch, float[] Targets) ToBatch(WindowSet windows, ReadOnlySpan<int> chosen,
        IReadOnlyList<Anchor?> anchors, int outputs)
    {
        int inputSize = windows.InputSize;
        var sequences = new float[chosen.Length][];
        var targets = new float[chosen.Length * outputs];
        double[] inputs = [];
        for (int i = 0; i < chosen.Length; i++)
        {
            var view = windows[chosen[i]];
            int length = view.Steps * inputSize;
            if (inputs.Length < length) inputs = new double[length];
            windows.CopyInputs(view, inputs);
            var values = windows.Targets(view);
            var sequence = sequences[i] = new float[length];
            if (anchors[view.Series] is { } anchor)
            {
                // As NormalizeWindow: the forecast column and the targets against the last input value.
                double last = inputs[length - inputSize];
                for (int k = 0; k < length; k++) sequence[k] = (float)(k % inputSize == 0 ? anchor.In(inputs[k], last) : inputs[k]);
                for (int o = 0; o < outputs; o++) targets[i * outputs + o] = (float)anchor.In(values[o], last);
            }
            else
            {
                for (int k = 0; k < length; k++) sequence[k] = (float)inputs[k];
                for (int o = 0; o < outputs; o++) targets[i * outputs + o] = (float)values[o];
            }
        }
        return (SequenceBatch<float>.FromFlat(sequences, inputSize), targets);
    }

    private static float[] ToFloats(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)values[i];
        return result;
    }
}
