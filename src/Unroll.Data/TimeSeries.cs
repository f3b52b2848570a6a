namespace Unroll.Data;

/// <summary>
/// One series: a value to forecast (the target) at each of a run of strictly increasing dates, with an optional
/// vector of extra inputs (features) at each date. Gaps between dates, such as weekends and holidays, are normal.
/// </summary>
/// <remarks>
/// Shapes: <see cref="Values"/> is (T); <see cref="Features"/> is (T × F) row-major, F = <see cref="FeatureNames"/>.Count,
/// possibly 0: the features of step t are <c>Features[t·F .. t·F + F)</c> (<see cref="FeatureRow"/>). One flat array
/// rather than one array per step: 25 million steps as arrays of their own would cost an object header and a
/// reference each, and scatter the rows over the heap. The target values stay double: the classical methods are
/// matched to R to 1e-8 and need the data as given; only the network sees float32.
/// The series takes ownership of the arrays it is given and never changes them; treat the arrays it returns as
/// read-only too. A series made from another's <see cref="Dates"/> shares its date array instead of copying it.
/// </remarks>
public sealed class TimeSeries
{
    private readonly DateTime[] _dates;

    /// <summary>Creates a series, checking that its parts agree.</summary>
    /// <param name="symbol">The series' name: a ticker in a long file, the file name for a one-series file.</param>
    /// <param name="dates">The dates, strictly increasing: midnight for daily and coarser data, the time of day for
    /// intraday data (the clock time as the file wrote it; see <see cref="Timestamps"/>).</param>
    /// <param name="values">The target value at each date, all finite.</param>
    /// <param name="featureNames">The feature columns, in the order of each step's feature vector; null for none.</param>
    /// <param name="features">The feature vectors, (T × F) row-major: step t's features are
    /// <c>features[t·F .. t·F + F)</c>, F = <paramref name="featureNames"/>.Count, all finite; null when there are
    /// no features.</param>
    /// <exception cref="ArgumentException">The parts disagree in length, a value is not finite, or the dates do not
    /// increase.</exception>
    public TimeSeries(string symbol, IReadOnlyList<DateTime> dates, double[] values,
        IReadOnlyList<string>? featureNames = null, double[]? features = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(values);
        featureNames ??= [];
        if (dates.Count != values.Length)
            throw new ArgumentException($"series '{symbol}' has {dates.Count} dates but {values.Length} values.", nameof(values));
        int f = featureNames.Count;
        if (features is null)
        {
            if (f != 0)
                throw new ArgumentException($"series '{symbol}' names {f} features but has no feature values.", nameof(features));
            features = [];
        }
        if (features.Length != (long)values.Length * f)
            throw new ArgumentException($"series '{symbol}' has {values.Length} values of {f} features each, so {(long)values.Length * f} feature values, but {features.Length} were given.", nameof(features));

        // Another series' dates are shared, not copied: scaling and transforming a long series keep one date array.
        _dates = dates is DateList shared ? shared.Array : dates.ToArray();
        for (int t = 0; t < values.Length; t++)
        {
            if (!double.IsFinite(values[t]))
                throw new ArgumentException($"series '{symbol}' has a non-finite value ({values[t]}) at step {t}.", nameof(values));
            if (t > 0 && _dates[t] <= _dates[t - 1])
                throw new ArgumentException($"series '{symbol}': dates must increase, but step {t} ({Text.Date(_dates[t])}) is not after step {t - 1} ({Text.Date(_dates[t - 1])}).", nameof(dates));
        }
        for (int k = 0; k < features.Length; k++)
        {
            if (!double.IsFinite(features[k]))
                throw new ArgumentException($"series '{symbol}' has a non-finite feature ({features[k]}) at step {k / f}.", nameof(features));
        }

        Symbol = symbol;
        Dates = new DateList(_dates);
        Values = values;
        FeatureNames = featureNames.ToArray();
        Features = features;
    }

    /// <summary>The series' name: a ticker in a long file, the file name without extension for a one-series file.</summary>
    public string Symbol { get; }

    /// <summary>The dates, strictly increasing. (T)</summary>
    public IReadOnlyList<DateTime> Dates { get; }

    /// <summary>The target value at each date. (T)</summary>
    public double[] Values { get; }

    /// <summary>The names of the features, in the order of each step's feature vector. (F)</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The feature vectors, (T × F) row-major, each in <see cref="FeatureNames"/> order: step t's are
    /// <c>Features[t·F .. t·F + F)</c>; empty when there are no features. Read one step with
    /// <see cref="FeatureRow"/>, one column with <see cref="FeatureColumn"/>.</summary>
    public double[] Features { get; }

    /// <summary>The feature vector of step <paramref name="t"/>, in <see cref="FeatureNames"/> order; empty when there
    /// are no features. A view of <see cref="Features"/>, not a copy. (F)</summary>
    /// <param name="t">The step, 0 ≤ t &lt; <see cref="Length"/>.</param>
    public ReadOnlySpan<double> FeatureRow(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, Length);
        int f = FeatureCount;
        return Features.AsSpan(t * f, f);
    }

    /// <summary>The number of steps (dates), T.</summary>
    public int Length => Values.Length;

    /// <summary>The number of features per step, F.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>Returns the steps [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
    /// as a new series with the same symbol and features (the arrays are copied).</summary>
    /// <param name="start">The first step to keep.</param>
    /// <param name="length">How many steps to keep.</param>
    public TimeSeries Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, Length, nameof(length));
        int f = FeatureCount;
        return new TimeSeries(Symbol, _dates.AsSpan(start, length).ToArray(), Values.AsSpan(start, length).ToArray(),
            FeatureNames, Features.AsSpan(start * f, length * f).ToArray());
    }

    /// <summary>Copies one feature's values over time into a new array. (T)</summary>
    /// <param name="feature">The 0-based index of the feature in <see cref="FeatureNames"/>.</param>
    public double[] FeatureColumn(int feature)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feature);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(feature, FeatureCount);
        int f = FeatureCount;
        var column = new double[Length];
        for (int t = 0; t < column.Length; t++) column[t] = Features[t * f + feature];
        return column;
    }

    /// <summary>Returns "symbol (T points)".</summary>
    public override string ToString() => $"{Symbol} ({Text.Count(Length, "point")})";
}

/// <summary>A series' dates as a read-only list over its own array, which another series made from them shares.</summary>
internal sealed class DateList(DateTime[] array) : IReadOnlyList<DateTime>
{
    /// <summary>The array, never written.</summary>
    public DateTime[] Array { get; } = array;

    public DateTime this[int index] => Array[index];

    public int Count => Array.Length;

    public IEnumerator<DateTime> GetEnumerator() => ((IEnumerable<DateTime>)Array).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
