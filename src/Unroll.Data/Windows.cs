namespace Unroll.Data;

/// <summary>
/// Cuts a (scaled) series into training examples: inputs are the <see cref="Lookback"/> steps before a target
/// time t, each [value, features...]; targets are the next H values. Windows advance one step at a time.
/// </summary>
/// <remarks>
/// With <c>Lookback.Of(L)</c> the targets start at t = L … n − H, giving n − L − H + 1 windows of L steps. With
/// <see cref="Lookback.All"/> they start at t = 1 … n − H, and the window for t holds all t earlier steps, so
/// the windows grow in length (n − H windows).
/// <para>Each <see cref="Window"/> here is a copy of its steps: right for one series or a few windows. Training on
/// many series uses <see cref="WindowSet"/>, which holds the same windows as views (series index and step) and reads
/// their values into each batch.</para>
/// </remarks>
public static class Windows
{
    /// <summary>Cuts every window of <paramref name="series"/>.</summary>
    /// <param name="series">The series, usually scaled.</param>
    /// <param name="lookback">The input steps per window.</param>
    /// <param name="horizon">The target steps per window, at least 1.</param>
    /// <returns>The windows, in time order.</returns>
    /// <exception cref="DataException">The series is shorter than one window (lookback + horizon), named with its
    /// length and the minimum.</exception>
    public static IReadOnlyList<Window> Create(TimeSeries series, Lookback lookback, int horizon)
    {
        ArgumentNullException.ThrowIfNull(series);
        Validation.RequireMinLength(series, lookback.MinimumSeriesLength(horizon), Reason(lookback, horizon), file: null);
        return Create(series, lookback, horizon, 0, series.Length);
    }

    /// <summary>Cuts the windows whose targets all lie in steps [<paramref name="targetFrom"/>,
    /// <paramref name="targetTo"/>); their inputs may reach back before <paramref name="targetFrom"/>.</summary>
    /// <param name="series">The series, usually scaled.</param>
    /// <param name="lookback">The input steps per window.</param>
    /// <param name="horizon">The target steps per window, at least 1.</param>
    /// <param name="targetFrom">The first step a target may be.</param>
    /// <param name="targetTo">One after the last step a target may be.</param>
    /// <returns>The windows in time order; empty when the range holds none.</returns>
    public static IReadOnlyList<Window> Create(TimeSeries series, Lookback lookback, int horizon, int targetFrom, int targetTo)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(targetFrom);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTo, targetFrom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetTo, series.Length);

        int first = Math.Max(targetFrom, lookback.Steps ?? 1);
        int last = targetTo - horizon; // the last target start
        var windows = new List<Window>(Math.Max(0, last - first + 1));
        for (int t = first; t <= last; t++)
        {
            int start = lookback.IsAll ? 0 : t - lookback.Steps!.Value;
            windows.Add(Cut(series, start, t, series.Values.AsSpan(t, horizon).ToArray()));
        }
        return windows;
    }

    /// <summary>Cuts the windows of each part of <paramref name="split"/>: a window belongs to the part that holds
    /// all its targets (a window whose targets straddle two parts is left out).</summary>
    /// <param name="series">The series, usually scaled with scalers fitted on the training part only.</param>
    /// <param name="lookback">The input steps per window.</param>
    /// <param name="horizon">The target steps per window, at least 1.</param>
    /// <param name="split">The split of this series' time axis.</param>
    /// <returns>The windows of each part, in time order.</returns>
    /// <exception cref="DataException">The training part holds no window, or a non-empty validation or test part
    /// is shorter than the horizon.</exception>
    public static SplitWindows CreateSplit(TimeSeries series, Lookback lookback, int horizon, TimeSplit split)
    {
        CheckSplit(series, lookback, horizon, split);
        return new SplitWindows(
            Create(series, lookback, horizon, 0, split.TrainEnd),
            Create(series, lookback, horizon, split.TrainEnd, split.ValidationEnd),
            Create(series, lookback, horizon, split.ValidationEnd, split.Length));
    }

    /// <summary>The checks of <see cref="CreateSplit"/>: the split fits the series, its training part holds a window,
    /// and a non-empty validation or test part is at least the horizon.</summary>
    internal static void CheckSplit(TimeSeries series, Lookback lookback, int horizon, TimeSplit split)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (split.Length != series.Length)
            throw new ArgumentException($"the split is for {split.Length} steps, series '{series.Symbol}' has {series.Length}.", nameof(split));

        int needed = lookback.MinimumSeriesLength(horizon);
        if (split.TrainEnd < needed)
        {
            throw new DataException(
                $"series '{series.Symbol}': the training part (the first {Text.Count(split.TrainEnd, "point")} of " +
                $"{series.Length}) is shorter than one window, which needs {needed} ({Reason(lookback, horizon)}). " +
                "Use a shorter lookback or horizon, or a larger training fraction.");
        }
        CheckPart(series, "validation", split.ValidationLength, horizon);
        CheckPart(series, "test", split.TestLength, horizon);
    }

    /// <summary>The window to forecast the steps after the end of <paramref name="series"/> from: its last
    /// lookback steps as inputs, no targets (<see cref="Window.TargetStart"/> is the series' length).</summary>
    /// <param name="series">The series, usually scaled.</param>
    /// <param name="lookback">The input steps.</param>
    /// <exception cref="DataException">The series is shorter than the lookback.</exception>
    public static Window ForecastInput(TimeSeries series, Lookback lookback)
    {
        ArgumentNullException.ThrowIfNull(series);
        int steps = lookback.Steps ?? series.Length;
        Validation.RequireMinLength(series, Math.Max(1, steps), $"lookback {lookback}", file: null);
        return Cut(series, series.Length - steps, series.Length, []);
    }

    private static void CheckPart(TimeSeries series, string part, int length, int horizon)
    {
        if (length == 0 || length >= horizon) return;
        throw new DataException(
            $"series '{series.Symbol}': the {part} part has {Text.Count(length, "point")}, fewer than the horizon " +
            $"{horizon}, so it holds no window. Use a larger {part} fraction (or 0 for none) or a shorter horizon.");
    }

    private static string Reason(Lookback lookback, int horizon) =>
        lookback.IsAll ? $"1 input step with lookback all + horizon {horizon}" : $"lookback {lookback} + horizon {horizon}";

    // Inputs (T, I), row-major: row k is [value[start + k], features[start + k]...].
    private static Window Cut(TimeSeries series, int start, int end, double[] targets)
    {
        int inputSize = 1 + series.FeatureCount;
        var inputs = new double[(end - start) * inputSize];
        for (int t = start, row = 0; t < end; t++, row += inputSize)
        {
            inputs[row] = series.Values[t];
            series.FeatureRow(t).CopyTo(inputs.AsSpan(row + 1));
        }
        return new Window(series.Symbol, start, end, inputSize, inputs, targets);
    }
}
