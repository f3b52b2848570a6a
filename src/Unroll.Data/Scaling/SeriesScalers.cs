namespace Unroll.Data.Scaling;

/// <summary>
/// The scalers of one series: one for its target values and one per feature column, all fitted on the same
/// training span (the first <c>fitLength</c> steps) and applied to the whole series.
/// </summary>
/// <remarks>Written as the scalers' strings joined by ';', target first: <c>minmax:1:2;zscore:10:3</c>.</remarks>
public sealed class SeriesScalers
{
    /// <summary>Creates the set from its scalers.</summary>
    /// <param name="target">The target's scaler.</param>
    /// <param name="features">One scaler per feature column, in feature order.</param>
    public SeriesScalers(Scaler target, IReadOnlyList<Scaler> features)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(features);
        Target = target;
        Features = features.ToArray();
    }

    /// <summary>The scaler of the target values.</summary>
    public Scaler Target { get; }

    /// <summary>The scalers of the feature columns, in feature order.</summary>
    public IReadOnlyList<Scaler> Features { get; }

    /// <summary>Fits one scaler of <paramref name="kind"/> to the target and one to each feature, on the first
    /// <paramref name="fitLength"/> steps of <paramref name="series"/>.</summary>
    /// <param name="kind">The kind of scaler.</param>
    /// <param name="series">The series.</param>
    /// <param name="fitLength">How many leading steps to fit on: the training span.</param>
    /// <returns>The fitted scalers.</returns>
    /// <exception cref="DataException">The target or a feature is constant over the span, or the span is empty.</exception>
    public static SeriesScalers Fit(ScalerKind kind, TimeSeries series, int fitLength)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegative(fitLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fitLength, series.Length);
        var target = Scaler.Fit(kind, series.Values.AsSpan(0, fitLength), series.Symbol);
        var features = new Scaler[series.FeatureCount];
        for (int j = 0; j < features.Length; j++)
        {
            var column = series.FeatureColumn(j).AsSpan(0, fitLength);
            // A flat feature is the feature's fault, not the series': the fix is to drop the feature.
            if (kind != ScalerKind.None && column.Length > 0 && column.IndexOfAnyExcept(column[0]) < 0)
                throw new DataException($"feature column '{series.FeatureNames[j]}' of series '{series.Symbol}' is constant (all " +
                    $"{Text.Count(column.Length, "value")} fitted are {Text.Number(column[0])}): it tells the network nothing, and scaling it " +
                    $"would divide by zero. Leave it out of {Csv.CsvSettings.Features}.", Csv.CsvSettings.Features);
            features[j] = Scaler.Fit(kind, column, $"{series.Symbol}, column '{series.FeatureNames[j]}'");
        }
        return new SeriesScalers(target, features);
    }

    /// <summary>Returns <paramref name="series"/> with its values and features scaled (a new series; dates and
    /// symbol are kept). Parts whose scaler is the identity (<see cref="ScalerKind.None"/>) are shared with
    /// <paramref name="series"/>, not copied, as are the dates: a long series is not held twice for nothing.</summary>
    /// <param name="series">A series with as many features as there are feature scalers.</param>
    public TimeSeries Transform(TimeSeries series) => Map(series, inverse: false);

    /// <summary>Undoes <see cref="Transform"/>; identity parts are shared as there.</summary>
    /// <param name="series">A scaled series.</param>
    public TimeSeries Inverse(TimeSeries series) => Map(series, inverse: true);

    private TimeSeries Map(TimeSeries series, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.FeatureCount != Features.Count)
            throw new ArgumentException($"series '{series.Symbol}' has {series.FeatureCount} features, these scalers {Features.Count}.", nameof(series));
        double[] values = Target is IdentityScaler ? series.Values
            : inverse ? Target.Inverse(series.Values) : Target.Transform(series.Values);
        double[] features = series.Features;
        int f = Features.Count;
        if (Features.Any(s => s is not IdentityScaler))
        {
            features = new double[series.Features.Length];
            for (int k = 0; k < features.Length; k++)
            {
                double x = series.Features[k];
                var scaler = Features[k % f];
                features[k] = inverse ? scaler.Inverse(x) : scaler.Transform(x);
            }
        }
        return new TimeSeries(series.Symbol, series.Dates, values, series.FeatureNames, features);
    }

    /// <summary>Writes the scalers joined by ';', target first, such as <c>minmax:1:2;zscore:10:3</c>.</summary>
    public override string ToString() => string.Join(";", Features.Prepend(Target).Select(s => s.ToString()));

    /// <summary>Reads what <see cref="ToString"/> wrote.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="DataException">A part is not a scaler.</exception>
    public static SeriesScalers Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scalers = text.Split(';').Select(Scaler.Parse).ToArray();
        return new SeriesScalers(scalers[0], scalers[1..]);
    }
}
