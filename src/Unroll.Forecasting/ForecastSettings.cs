using System.Globalization;
using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;
using Unroll.Data.Scaling;

namespace Unroll.Forecasting;

/// <summary>How multi-step forecasts are made.</summary>
public enum ForecastStrategy
{
    /// <summary>One step at a time, each prediction fed back as the next input (features held at their last values).</summary>
    Recursive,
    /// <summary>The head outputs all horizon steps at once.</summary>
    Direct,
}

/// <summary>How each series' forecast column is scaled before the network sees it.</summary>
public enum TargetScaling
{
    /// <summary>
    /// Each window is divided by its own last value, less 1 (inputs and targets become changes relative to it), then by
    /// the series' mean absolute one-step relative change on its training part. A price can then leave the range it
    /// was trained on, which a network with a bounded hidden state cannot reach otherwise. Needs the price target and
    /// values above 0.
    /// </summary>
    Relative,
    /// <summary>(x − min) / (max − min) over the series' training part.</summary>
    MinMax,
    /// <summary>(x − mean) / standard deviation over the series' training part.</summary>
    ZScore,
    /// <summary>
    /// Each window less its own last value, divided by the series' mean absolute one-step change on its training part:
    /// relative scaling's additive twin, for series with zeros or negative values (temperatures, rates, anomalies).
    /// </summary>
    Difference,
}

/// <summary>Settings as a training run applies them to its data (<see cref="ForecastSettings.Resolve"/>).</summary>
/// <param name="Settings">The settings used: the scaling chosen, the lookback as shortened.</param>
/// <param name="Notes">What was changed and why, in plain words.</param>
/// <param name="Excluded">Series left out of training, each with why (too short for the network).</param>
public sealed record ResolvedSettings(ForecastSettings Settings, IReadOnlyList<string> Notes, IReadOnlyDictionary<string, string> Excluded);

/// <summary>Everything that decides how a forecaster is built and trained. The defaults work on monthly prices without tuning.</summary>
public sealed record ForecastSettings
{
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer (<see cref="NetworkShape.HiddenSize"/>).</summary>
    public int HiddenSize { get; init; } = 32;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Input steps per window, or all of each series' history.</summary>
    public Lookback Lookback { get; init; } = Lookback.Of(12);
    /// <summary>Steps to forecast.</summary>
    public int Horizon { get; init; } = 1;
    /// <summary>Recursive or direct multi-step forecasts.</summary>
    public ForecastStrategy Strategy { get; init; } = ForecastStrategy.Recursive;
    /// <summary>What the network learns: the price, the return or the log return.</summary>
    public TargetKind Target { get; init; } = TargetKind.Price;
    /// <summary>
    /// How each series' forecast column is scaled for the network; null (the default) chooses by target: relative for
    /// prices, min-max for returns. See <see cref="TargetScaling"/>. Feature columns are scaled min-max, or z-score
    /// when this is <see cref="TargetScaling.ZScore"/>; every scaler is fitted on its series' training part only.
    /// </summary>
    public TargetScaling? Scaling { get; init; }

    /// <summary><see cref="Scaling"/> with the default resolved: relative for the price target, min-max for returns.</summary>
    public TargetScaling EffectiveScaling => Scaling ?? (Target == TargetKind.Price ? TargetScaling.Relative : TargetScaling.MinMax);

    /// <summary>Whether the forecast column is scaled relative to each window's last value.</summary>
    public bool IsRelative => EffectiveScaling == TargetScaling.Relative;

    /// <summary>Whether each window is expressed against its own last value (relative or difference scaling).</summary>
    public bool IsAnchored => EffectiveScaling is TargetScaling.Relative or TargetScaling.Difference;

    /// <summary>The kind of the per-series scalers fitted to the columns: z-score with <see cref="TargetScaling.ZScore"/>, else min-max.</summary>
    public ScalerKind ScalerKind => EffectiveScaling == TargetScaling.ZScore ? ScalerKind.ZScore : ScalerKind.MinMax;

    /// <summary>
    /// Shorten <see cref="Lookback"/> to fit the shortest series' training part when it does not fit (down to
    /// <see cref="MinimumLookback"/> steps); a series too short even for that is left to the classical methods. Off,
    /// a series too short for the lookback is an error.
    /// </summary>
    public bool ShortenLookback { get; init; } = true;

    /// <summary>
    /// Take each series' seasonal pattern out before the network sees it and put it back into the forecasts (see
    /// <see cref="SeasonalAdjustment"/>: only where the season is real). On by default.
    /// </summary>
    public bool Deseasonalize { get; init; } = true;

    /// <summary>
    /// Forecast the mean of the network's forecast and those of ETS and Theta, fitted on each series' data before its
    /// test part (the M4 competition's lesson: a combination beats its parts). The intervals are calibrated on the
    /// combination's own validation errors. On by default; off forecasts with the network alone.
    /// </summary>
    public bool CombineClassical { get; init; } = true;

    /// <summary>The seasonal period m used by <see cref="Deseasonalize"/>; null (the default) infers it from each series' dates.</summary>
    public int? Season { get; init; }

    /// <summary>The fewest input steps <see cref="ShortenLookback"/> goes down to.</summary>
    public const int MinimumLookback = 2;

    /// <summary>Passes over the training windows (early stopping may end sooner).</summary>
    public int Epochs { get; init; } = 150;
    /// <summary>Windows per gradient step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = 0.005;
    /// <summary>The update rule.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>The largest global norm of the gradients: a step whose gradients are longer is scaled down to it (<see cref="TrainerOptions.ClipNorm"/>); null for no clipping.</summary>
    public double? ClipNorm { get; init; } = 1.0;
    /// <summary>The training loss on scaled values.</summary>
    public LossKind Loss { get; init; } = LossKind.MeanSquared;
    /// <summary>Fraction of each series (after the training part) used for validation and early stopping.</summary>
    public double ValidationFraction { get; init; } = 0.15;
    /// <summary>Fraction at the end of each series held out for testing (backtests); 0 when training for use.</summary>
    public double TestFraction { get; init; }
    /// <summary>Epochs without a better validation loss before training stops; the best weights are kept.</summary>
    public int Patience { get; init; } = 20;
    /// <summary>Seed for the initial weights and the shuffling: the same seed and data give the same model, bit for bit.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Horizon steps the network's head outputs: all of them for direct, one for recursive.</summary>
    public int OutputSize => Strategy == ForecastStrategy.Direct ? Horizon : 1;

    /// <summary>
    /// Every setting as (name, value) text, in a fixed order, for reports, logs and checkpoints. Names are the
    /// command line's flags without the dashes (<c>lr</c>, <c>val</c>); values round-trip exactly.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        ("cell", SettingNames.Cells.Name(Cell)), ("hidden", Text(HiddenSize)), ("layers", Text(Layers)), ("lookback", Lookback.ToString()),
        ("horizon", Text(Horizon)), ("strategy", SettingNames.Strategies.Name(Strategy)), ("target", SettingNames.Targets.Name(Target)),
        ("scaling", SettingNames.Scalings.Name(EffectiveScaling)), ("epochs", Text(Epochs)), ("batch", Text(BatchSize)),
        ("lr", LearningRate.ToString("R", CultureInfo.InvariantCulture)), ("optimizer", SettingNames.Optimizers.Name(Optimizer)),
        ("clip", ClipNorm?.ToString("R", CultureInfo.InvariantCulture) ?? "none"), ("loss", SettingNames.Losses.Name(Loss)),
        ("val", ValidationFraction.ToString("R", CultureInfo.InvariantCulture)), ("test", TestFraction.ToString("R", CultureInfo.InvariantCulture)),
        ("patience", Text(Patience)), ("seed", Text(Seed)), ("deseasonalize", Deseasonalize ? "on" : "off"),
        ("combine", CombineClassical ? "on" : "off"),
        ("season", Season is int m ? Text(m) : "auto"),
    ];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The settings a training run on <paramref name="data"/> uses, and why they differ from these: the default
    /// scaling chosen (relative when every value of every series is above 0, else difference), and the lookback
    /// shortened to fit the shortest series (with <see cref="ShortenLookback"/>; a series too short even for
    /// <see cref="MinimumLookback"/> steps is left out of training, with the reason).
    /// </summary>
    public ResolvedSettings Resolve(SeriesSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var notes = new List<string>();
        var settings = this;
        if (Scaling is null && Target == TargetKind.Price)
        {
            var negative = data.Series.Select(s => (Series: s, Index: Array.FindIndex(s.Values, v => !(v > 0)))).FirstOrDefault(x => x.Index >= 0);
            settings = settings with { Scaling = negative.Series is null ? TargetScaling.Relative : TargetScaling.Difference };
            if (negative.Series is { } s)
                notes.Add($"series '{s.Symbol}' has the value {s.Values[negative.Index].ToString("G6", CultureInfo.InvariantCulture)} on {Timestamps.Format(s.Dates[negative.Index])}, " +
                          "so each window is taken as its difference from its last value (difference scaling) rather than relative to it");
        }
        var excluded = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ShortenLookback && Lookback.Steps is int steps)
        {
            int offset = Target == TargetKind.Price ? 0 : 1;
            var room = data.Series.ToDictionary(s => s.Symbol,
                s => TimeSplit.ByFractions(Math.Max(0, s.Length - offset), 1 - ValidationFraction - TestFraction, ValidationFraction).TrainEnd - OutputSize);
            foreach (var s in data.Series.Where(s => room[s.Symbol] < MinimumLookback))
                excluded[s.Symbol] = $"series '{s.Symbol}' has {Text(s.Length)} points, too few for the network (its training part holds " +
                                     $"{Text(Math.Max(0, room[s.Symbol] + OutputSize))}; {MinimumLookback} input steps and {Text(OutputSize)} to forecast need {Text(MinimumLookback + OutputSize)})";
            var fitting = data.Series.Where(s => !excluded.ContainsKey(s.Symbol)).ToList();
            if (fitting.Count > 0 && fitting.Min(s => room[s.Symbol]) is var shortest && shortest < steps)
            {
                var which = fitting.First(s => room[s.Symbol] == shortest);
                settings = settings with { Lookback = Lookback.Of(shortest) };
                notes.Add($"the lookback is {Text(shortest)} instead of {Text(steps)}: series '{which.Symbol}' has {Text(which.Length)} points, " +
                          $"{Text(shortest + OutputSize)} in its training part");
            }
            if (fitting.Count == 0) excluded.Clear();                 // nothing fits: the usual error names the shortest
        }
        return new ResolvedSettings(settings, notes, excluded);
    }

    /// <summary>The most steps a forecast may run ahead (the command line's --horizon caps there too).</summary>
    public const int MaxHorizon = 10_000;

    /// <summary>The most hidden units a layer may have.</summary>
    public const int MaxHiddenSize = 16_384;

    /// <summary>The most stacked layers.</summary>
    public const int MaxLayers = 64;

    /// <summary>The longest seasonal period.</summary>
    public const int MaxSeason = 10_000;

    /// <summary>Throws <see cref="SettingsException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static SettingsException Bad(string property, string problem)
        {
            var setting = ForecastFixes.Of(property);
            return new SettingsException($"{setting} {problem}", setting);
        }
        // Upper bounds too: a model file's settings pass here, and a damaged or edited one must not ask for a forecast
        // that runs for hours (a horizon of 10^8) or a network that cannot be allocated.
        if (HiddenSize is < 1 or > MaxHiddenSize) throw Bad(nameof(HiddenSize), $"must be from 1 to {MaxHiddenSize:N0}, got {HiddenSize}");
        if (Layers is < 1 or > MaxLayers) throw Bad(nameof(Layers), $"must be from 1 to {MaxLayers}, got {Layers}");
        if (Horizon is < 1 or > MaxHorizon) throw Bad(nameof(Horizon), $"must be from 1 to {MaxHorizon:N0}, got {Horizon}");
        if (Epochs < 1) throw Bad(nameof(Epochs), $"must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw Bad(nameof(BatchSize), $"must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw Bad(nameof(LearningRate), $"must be a positive number, got {LearningRate}");
        if (ClipNorm is double c && !(c > 0)) throw Bad(nameof(ClipNorm), $"must be positive, got {c}");
        if (!(ValidationFraction >= 0 && ValidationFraction < 0.9)) throw Bad(nameof(ValidationFraction), $"must be in [0, 0.9), got {ValidationFraction}");
        if (!(TestFraction >= 0 && TestFraction < 0.9)) throw Bad(nameof(TestFraction), $"must be in [0, 0.9), got {TestFraction}");
        if (ValidationFraction + TestFraction >= 0.9)
        {
            Setting validation = ForecastFixes.Of(nameof(ValidationFraction)), test = ForecastFixes.Of(nameof(TestFraction));
            throw new SettingsException($"{validation} {ValidationFraction} + {test} {TestFraction} leave too little to train on; keep their sum below 0.9", validation, test);
        }
        if (Patience < 1) throw Bad(nameof(Patience), $"must be at least 1 epoch, got {Patience}");
        if (Season is int season && season is < 1 or > MaxSeason) throw Bad(nameof(Season), $"must be from 1 (1 for none) to {MaxSeason:N0}, got {season}");
        if (Scaling == TargetScaling.Relative && Target != TargetKind.Price)
        {
            Setting scaling = ForecastFixes.Of(nameof(Scaling), "TargetScaling.Relative"), target = ForecastFixes.Of(nameof(Target), "TargetKind.Price");
            throw new SettingsException($"relative scaling already forecasts changes relative to the last value ({scaling}); use it with the price target ({target}), not {SettingNames.Targets.Name(Target)}", scaling, target);
        }
    }
}
