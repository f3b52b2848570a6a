namespace Unroll.Data;

/// <summary>Where one window lies, without its values: a series (its index in the <see cref="WindowSet"/>'s list)
/// and the steps of its inputs and targets.</summary>
/// <param name="Series">The index of the series in <see cref="WindowSet.Series"/>.</param>
/// <param name="InputStart">The series step of the first input.</param>
/// <param name="TargetStart">The series step of the first target, one after the last input.</param>
/// <param name="Horizon">The number of targets, H (0 for a window to forecast from).</param>
public readonly record struct WindowView(int Series, int InputStart, int TargetStart, int Horizon)
{
    /// <summary>The number of input steps, T.</summary>
    public int Steps => TargetStart - InputStart;
}

/// <summary>
/// The windows of many series held as where they lie (series index and steps), never as copies: the values are read
/// from the series when a batch is assembled (<see cref="CopyInputs"/>, <see cref="Targets"/>). The windows are
/// numbered series after series, each series' in time order, exactly as <see cref="Windows.Create(TimeSeries, Lookback, int, int, int)"/>
/// cuts them; window i holds the same values as that list's i-th window.
/// </summary>
/// <remarks>
/// Memory: two ints per series, whatever the number of windows. Copying every window of 5,000 series of 5,000 daily
/// values with a lookback of 12 would take 2.4 GB; this takes 40 KB. Finding window i is a binary search over the
/// series.
/// </remarks>
public sealed class WindowSet
{
    private readonly TimeSeries[] _series;
    private readonly int[] _firstTarget;   // (S) the first target start of each series' windows
    private readonly int[] _start;         // (S + 1) the number of windows before each series'

    private WindowSet(TimeSeries[] series, Lookback lookback, int horizon, int[] firstTarget, int[] start)
    {
        _series = series;
        Lookback = lookback;
        Horizon = horizon;
        _firstTarget = firstTarget;
        _start = start;
    }

    /// <summary>The windows of each series whose targets all lie in its steps [From, To), as
    /// <see cref="Windows.Create(TimeSeries, Lookback, int, int, int)"/> cuts them (inputs may reach back before From).</summary>
    /// <param name="series">The series, usually scaled.</param>
    /// <param name="lookback">The input steps per window.</param>
    /// <param name="horizon">The target steps per window, at least 1.</param>
    /// <param name="targetRanges">For each series, the steps its targets may fill: [From, To).</param>
    /// <exception cref="ArgumentException">The lists differ in length, or a range is outside its series.</exception>
    /// <exception cref="OverflowException">More than <see cref="int.MaxValue"/> windows.</exception>
    public static WindowSet Create(IReadOnlyList<TimeSeries> series, Lookback lookback, int horizon,
        IReadOnlyList<(int From, int To)> targetRanges)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(targetRanges);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (series.Count != targetRanges.Count)
            throw new ArgumentException($"{series.Count} series but {targetRanges.Count} target ranges.", nameof(targetRanges));
        var first = new int[series.Count];
        var start = new int[series.Count + 1];
        for (int s = 0; s < series.Count; s++)
        {
            var (from, to) = targetRanges[s];
            ArgumentNullException.ThrowIfNull(series[s]);
            if (from < 0 || to < from || to > series[s].Length)
                throw new ArgumentException($"target range [{from}, {to}) of series '{series[s].Symbol}' is outside its {series[s].Length} steps.", nameof(targetRanges));
            // As Windows.Create: targets start at max(from, lookback or 1) … to − horizon.
            first[s] = Math.Max(from, lookback.Steps ?? 1);
            int count = Math.Max(0, to - horizon - first[s] + 1);
            start[s + 1] = checked(start[s] + count);
        }
        return new WindowSet(series.ToArray(), lookback, horizon, first, start);
    }

    /// <summary>The training, validation and test windows of every series, each series split by its own
    /// <see cref="TimeSplit"/>, with the checks of <see cref="Windows.CreateSplit"/> (a training part shorter than
    /// one window, or a validation or test part shorter than the horizon, is a <see cref="DataException"/>).</summary>
    /// <param name="series">The series, usually scaled with scalers fitted on each training part only.</param>
    /// <param name="splits">Each series' split, in the same order.</param>
    /// <param name="lookback">The input steps per window.</param>
    /// <param name="horizon">The target steps per window, at least 1.</param>
    public static (WindowSet Train, WindowSet Validation, WindowSet Test) CreateSplit(IReadOnlyList<TimeSeries> series,
        IReadOnlyList<TimeSplit> splits, Lookback lookback, int horizon)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(splits);
        if (series.Count != splits.Count)
            throw new ArgumentException($"{series.Count} series but {splits.Count} splits.", nameof(splits));
        for (int s = 0; s < series.Count; s++) Windows.CheckSplit(series[s], lookback, horizon, splits[s]);
        return (Create(series, lookback, horizon, splits.Select(p => (0, p.TrainEnd)).ToArray()),
            Create(series, lookback, horizon, splits.Select(p => (p.TrainEnd, p.ValidationEnd)).ToArray()),
            Create(series, lookback, horizon, splits.Select(p => (p.ValidationEnd, p.Length)).ToArray()));
    }

    /// <summary>The series the windows are cut from.</summary>
    public IReadOnlyList<TimeSeries> Series => _series;

    /// <summary>The input steps per window.</summary>
    public Lookback Lookback { get; }

    /// <summary>The target steps per window, H.</summary>
    public int Horizon { get; }

    /// <summary>The number of windows.</summary>
    public int Count => _start[^1];

    /// <summary>The number of windows of series <paramref name="series"/>.</summary>
    /// <param name="series">The index of the series.</param>
    public int CountOf(int series) => _start[series + 1] - _start[series];

    /// <summary>Where window <paramref name="index"/> lies.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public WindowView this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            // The last series whose first window is at or before index (series without windows share its start).
            int s = Array.BinarySearch(_start, 0, _series.Length, index);
            if (s < 0) s = ~s - 1;
            else while (s + 1 < _series.Length && _start[s + 1] == index) s++;
            int t = _firstTarget[s] + (index - _start[s]);
            int inputStart = Lookback.IsAll ? 0 : t - Lookback.Steps!.Value;
            return new WindowView(s, inputStart, t, Horizon);
        }
    }

    /// <summary>The length of each input vector, I = 1 + number of features.</summary>
    public int InputSize => 1 + (_series.Length == 0 ? 0 : _series[0].FeatureCount);

    /// <summary>Writes the inputs of <paramref name="view"/>, (T, I) row-major: step t is [value, features...].</summary>
    /// <param name="view">A window of this set.</param>
    /// <param name="destination">Receives T · I values.</param>
    public void CopyInputs(WindowView view, Span<double> destination)
    {
        var series = _series[view.Series];
        int inputSize = 1 + series.FeatureCount, f = series.FeatureCount;
        if (destination.Length < view.Steps * inputSize)
            throw new ArgumentException($"destination has {destination.Length} elements, the window needs {view.Steps * inputSize}.", nameof(destination));
        for (int t = view.InputStart, row = 0; t < view.TargetStart; t++, row += inputSize)
        {
            destination[row] = series.Values[t];
            series.Features.AsSpan(t * f, f).CopyTo(destination.Slice(row + 1));
        }
    }

    /// <summary>The target values of <paramref name="view"/>, a view of its series' values. (H)</summary>
    /// <param name="view">A window of this set.</param>
    public ReadOnlySpan<double> Targets(WindowView view) => _series[view.Series].Values.AsSpan(view.TargetStart, view.Horizon);

    /// <summary>Window <paramref name="index"/> as a <see cref="Window"/> of its own (a copy), as
    /// <see cref="Windows.Create(TimeSeries, Lookback, int, int, int)"/> would cut it.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public Window ToWindow(int index)
    {
        var view = this[index];
        var series = _series[view.Series];
        var inputs = new double[view.Steps * (1 + series.FeatureCount)];
        CopyInputs(view, inputs);
        return new Window(series.Symbol, view.InputStart, view.TargetStart, 1 + series.FeatureCount, inputs, Targets(view).ToArray());
    }
}
