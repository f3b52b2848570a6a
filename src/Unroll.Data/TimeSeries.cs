namespace Unroll.Data;

/// <summary>
/// One series: a value to forecast (the target) at each of a run of strictly increasing dates, with an optional
/// vector of extra inputs (features) at each date. Gaps between dates, such as weekends and holidays, are normal.
/// </summary>
/// <remarks>
/// Shapes: <see cref="Values"/> is (T); <see cref="Features"/> is (T)(F), F = <see cref="FeatureNames"/>.Count,
/// possibly 0. The series takes ownership of the arrays it is given and never changes them; treat the arrays it
/// returns as read-only too.
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
    /// <param name="features">The feature vector at each date, each of length <paramref name="featureNames"/>.Count, all
    /// finite; null when there are no features.</param>
    /// <exception cref="ArgumentException">The parts disagree in length, a value is not finite, or the dates do not
    /// increase.</exception>
    public TimeSeries(string symbol, IReadOnlyList<DateTime> dates, double[] values,
        IReadOnlyList<string>? featureNames = null, double[][]? features = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(values);
        featureNames ??= [];
        if (dates.Count != values.Length)
            throw new ArgumentException($"series '{symbol}' has {dates.Count} dates but {values.Length} values.", nameof(values));
        if (features is null)
        {
            if (featureNames.Count != 0)
                throw new ArgumentException($"series '{symbol}' names {featureNames.Count} features but has no feature values.", nameof(features));
            features = new double[values.Length][];
            Array.Fill(features, Array.Empty<double>());
        }
        if (features.Length != values.Length)
            throw new ArgumentException($"series '{symbol}' has {values.Length} values but {features.Length} feature vectors.", nameof(features));

        _dates = dates.ToArray();
        for (int t = 0; t < values.Length; t++)
        {
            if (!double.IsFinite(values[t]))
                throw new ArgumentException($"series '{symbol}' has a non-finite value ({values[t]}) at step {t}.", nameof(values));
            if (t > 0 && _dates[t] <= _dates[t - 1])
                throw new ArgumentException($"series '{symbol}': dates must increase, but step {t} ({Text.Date(_dates[t])}) is not after step {t - 1} ({Text.Date(_dates[t - 1])}).", nameof(dates));
            double[] f = features[t] ?? throw new ArgumentException($"series '{symbol}' has no feature vector at step {t}.", nameof(features));
            if (f.Length != featureNames.Count)
                throw new ArgumentException($"series '{symbol}' has {f.Length} features at step {t}, expected {featureNames.Count}.", nameof(features));
            foreach (double x in f)
            {
                if (!double.IsFinite(x))
                    throw new ArgumentException($"series '{symbol}' has a non-finite feature ({x}) at step {t}.", nameof(features));
            }
        }

        Symbol = symbol;
        Dates = Array.AsReadOnly(_dates);
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

    /// <summary>The feature vector at each date, in <see cref="FeatureNames"/> order; each is empty when there are
    /// no features. (T)(F)</summary>
    public double[][] Features { get; }

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
        return new TimeSeries(Symbol, _dates.AsSpan(start, length).ToArray(), Values.AsSpan(start, length).ToArray(),
            FeatureNames, Features.AsSpan(start, length).ToArray());
    }

    /// <summary>Copies one feature's values over time into a new array. (T)</summary>
    /// <param name="feature">The 0-based index of the feature in <see cref="FeatureNames"/>.</param>
    public double[] FeatureColumn(int feature)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feature);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(feature, FeatureCount);
        var column = new double[Length];
        for (int t = 0; t < column.Length; t++) column[t] = Features[t][feature];
        return column;
    }

    /// <summary>Returns "symbol (T points)".</summary>
    public override string ToString() => $"{Symbol} ({Text.Count(Length, "point")})";
}
