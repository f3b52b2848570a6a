using System.Globalization;

namespace Unroll.Data.Scaling;

/// <summary>Which scaler to fit.</summary>
public enum ScalerKind
{
    /// <summary>No scaling: values pass through unchanged.</summary>
    None,
    /// <summary>Min-max: the fitted low maps to 0 and the high to 1 (<see cref="MinMaxScaler"/>).</summary>
    MinMax,
    /// <summary>Z-score: subtract the fitted mean, divide by the standard deviation (<see cref="ZScoreScaler"/>).</summary>
    ZScore,
}

/// <summary>
/// An invertible affine map <c>y = (x − shift) / scale</c>, fitted on one series' training span and applied to
/// the whole series, so that nothing from the validation or test spans leaks into training.
/// </summary>
/// <remarks>
/// A scaler is written as a compact invariant-culture string (<see cref="ToString"/>: <c>none</c>,
/// <c>minmax:LOW:HIGH</c>, <c>zscore:MEAN:STD</c>, numbers in round-trip form) that <see cref="Parse"/> reads back
/// exactly, so a model file's metadata can carry it.
/// </remarks>
public abstract class Scaler
{
    private protected Scaler()
    {
    }

    /// <summary>Which kind of scaler this is.</summary>
    public abstract ScalerKind Kind { get; }

    /// <summary>The value that maps to 0.</summary>
    private protected abstract double Shift { get; }

    /// <summary>The width that maps to 1; never 0.</summary>
    private protected abstract double Scale { get; }

    /// <summary>Fits a scaler of <paramref name="kind"/> on <paramref name="values"/> (the training span only).</summary>
    /// <param name="kind">The kind of scaler.</param>
    /// <param name="values">The values to fit on, all finite.</param>
    /// <param name="seriesName">The series' name for error messages, such as "MSFT" or "MSFT, column 'volume'".</param>
    /// <returns>The fitted scaler.</returns>
    /// <exception cref="DataException">The span is empty, holds a non-finite value, or is constant (scaling would
    /// divide by zero).</exception>
    public static Scaler Fit(ScalerKind kind, ReadOnlySpan<double> values, string seriesName) => kind switch
    {
        ScalerKind.None => IdentityScaler.Instance,
        ScalerKind.MinMax => MinMaxScaler.Fit(values, seriesName),
        ScalerKind.ZScore => ZScoreScaler.Fit(values, seriesName),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown scaler kind."),
    };

    /// <summary>Scales one value.</summary>
    /// <param name="value">The value in the series' own units.</param>
    public double Transform(double value) => (value - Shift) / Scale;

    /// <summary>Undoes <see cref="Transform(double)"/>: maps a scaled value back to the series' units.</summary>
    /// <param name="scaled">The scaled value.</param>
    public double Inverse(double scaled) => scaled * Scale + Shift;

    /// <summary>Scales <paramref name="values"/> into <paramref name="destination"/> (which may be the same memory).</summary>
    /// <param name="values">The values in the series' own units.</param>
    /// <param name="destination">Receives the scaled values; at least as long as <paramref name="values"/>.</param>
    public void Transform(ReadOnlySpan<double> values, Span<double> destination)
    {
        if (destination.Length < values.Length)
            throw new ArgumentException($"destination has {destination.Length} elements, needs {values.Length}.", nameof(destination));
        double shift = Shift, scale = Scale;
        for (int i = 0; i < values.Length; i++) destination[i] = (values[i] - shift) / scale;
    }

    /// <summary>Undoes <see cref="Transform(ReadOnlySpan{double}, Span{double})"/> into <paramref name="destination"/>
    /// (which may be the same memory).</summary>
    /// <param name="scaled">The scaled values.</param>
    /// <param name="destination">Receives the values in the series' units; at least as long as <paramref name="scaled"/>.</param>
    public void Inverse(ReadOnlySpan<double> scaled, Span<double> destination)
    {
        if (destination.Length < scaled.Length)
            throw new ArgumentException($"destination has {destination.Length} elements, needs {scaled.Length}.", nameof(destination));
        double shift = Shift, scale = Scale;
        for (int i = 0; i < scaled.Length; i++) destination[i] = scaled[i] * scale + shift;
    }

    /// <summary>Scales <paramref name="values"/> into a new array.</summary>
    /// <param name="values">The values in the series' own units.</param>
    public double[] Transform(ReadOnlySpan<double> values)
    {
        var result = new double[values.Length];
        Transform(values, result);
        return result;
    }

    /// <summary>Maps scaled values back to the series' units, into a new array.</summary>
    /// <param name="scaled">The scaled values.</param>
    public double[] Inverse(ReadOnlySpan<double> scaled)
    {
        var result = new double[scaled.Length];
        Inverse(scaled, result);
        return result;
    }

    /// <summary>Reads a scaler written by <see cref="ToString"/>: <c>none</c>, <c>minmax:LOW:HIGH</c> or
    /// <c>zscore:MEAN:STD</c> (kind ignoring case, numbers invariant).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The scaler.</returns>
    /// <exception cref="DataException">The text is not a scaler, or describes one that would divide by zero.</exception>
    public static Scaler Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split(':');
        string kind = parts[0].ToLowerInvariant();
        if (kind == "none" && parts.Length == 1) return IdentityScaler.Instance;
        if (parts.Length == 3 && TryNumber(parts[1], out double a) && TryNumber(parts[2], out double b))
        {
            if (kind == "minmax")
            {
                if (b > a) return new MinMaxScaler(a, b);
                throw new DataException($"scaler '{text}' has high {Text.Number(b)} not above low {Text.Number(a)}; a min-max scaler needs low < high.");
            }
            if (kind == "zscore")
            {
                if (b > 0) return new ZScoreScaler(a, b);
                throw new DataException($"scaler '{text}' has standard deviation {Text.Number(b)}; a z-score scaler needs one above 0.");
            }
        }
        throw new DataException(
            $"scaler '{text}' is not understood; expected 'none', 'minmax:LOW:HIGH' or 'zscore:MEAN:STD' " +
            "with invariant numbers, such as 'minmax:12.5:99.1'.");
    }

    /// <summary>Writes the scaler as <c>none</c>, <c>minmax:LOW:HIGH</c> or <c>zscore:MEAN:STD</c>, numbers in
    /// invariant round-trip form, which <see cref="Parse"/> reads back exactly.</summary>
    public abstract override string ToString();

    private static bool TryNumber(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Formats a parameter in round-trip form.</summary>
    private protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Checks the span a scaler is fitted on: not empty, finite, not constant.</summary>
    private protected static void CheckFitSpan(ReadOnlySpan<double> values, string seriesName, string kind)
    {
        ArgumentNullException.ThrowIfNull(seriesName);
        if (values.IsEmpty)
            throw new DataException($"series '{seriesName}' has no values to fit a scaler on; the training span is empty. Use more data or a larger training fraction.");
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
                throw new DataException($"series '{seriesName}' has a non-finite value ({v}) in the span a scaler is fitted on; expected finite values.");
        }
        // Checked exactly here, not through the deviation: the mean of 0.1, 0.1, 0.1 is not exactly 0.1.
        if (values.IndexOfAnyExcept(values[0]) < 0) throw Constant(seriesName, values[0], values.Length, kind);
    }

    /// <summary>The error for a series whose fitted span is constant.</summary>
    private protected static DataException Constant(string seriesName, double value, int count, string kind) => new(
        $"series '{seriesName}' is constant (all {Text.Count(count, "value")} fitted are {Text.Number(value)}), so " +
        $"{kind} scaling would divide by zero. A flat series cannot be scaled: leave it out ({Csv.CsvSettings.Symbols} names the series to use).",
        Csv.CsvSettings.Symbols);
}

/// <summary>Min-max scaling: <c>y = (x − Min) / (Max − Min)</c>, so the fitted low maps to 0 and the high to 1.</summary>
public sealed class MinMaxScaler : Scaler
{
    /// <summary>Creates a scaler from its low and high.</summary>
    /// <param name="min">The value that maps to 0.</param>
    /// <param name="max">The value that maps to 1; above <paramref name="min"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, or <paramref name="max"/> is not above
    /// <paramref name="min"/>.</exception>
    public MinMaxScaler(double min, double max)
    {
        if (!double.IsFinite(min)) throw new ArgumentOutOfRangeException(nameof(min), min, "must be finite.");
        if (!double.IsFinite(max) || max <= min || !double.IsFinite(max - min))
            throw new ArgumentOutOfRangeException(nameof(max), max, $"must be finite and above min ({min}).");
        Min = min;
        Max = max;
    }

    /// <summary>The value that maps to 0.</summary>
    public double Min { get; }

    /// <summary>The value that maps to 1.</summary>
    public double Max { get; }

    /// <inheritdoc/>
    public override ScalerKind Kind => ScalerKind.MinMax;

    private protected override double Shift => Min;

    private protected override double Scale => Max - Min;

    /// <summary>Fits the low and high of <paramref name="values"/>.</summary>
    /// <param name="values">The training span, all finite.</param>
    /// <param name="seriesName">The series' name for error messages.</param>
    /// <exception cref="DataException">The span is empty, non-finite or constant.</exception>
    public static MinMaxScaler Fit(ReadOnlySpan<double> values, string seriesName)
    {
        CheckFitSpan(values, seriesName, "min-max");
        double min = values[0], max = values[0];
        foreach (double v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (max == min) throw Constant(seriesName, min, values.Length, "min-max");
        return new MinMaxScaler(min, max);
    }

    /// <summary>Returns <c>minmax:LOW:HIGH</c>.</summary>
    public override string ToString() => $"minmax:{Format(Min)}:{Format(Max)}";
}

/// <summary>Z-score scaling: <c>y = (x − Mean) / StandardDeviation</c>, with the population standard deviation
/// (divided by n, as scikit-learn's StandardScaler).</summary>
public sealed class ZScoreScaler : Scaler
{
    /// <summary>Creates a scaler from its mean and standard deviation.</summary>
    /// <param name="mean">The value that maps to 0.</param>
    /// <param name="standardDeviation">The width that maps to 1; above 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite, or the deviation is not above 0.</exception>
    public ZScoreScaler(double mean, double standardDeviation)
    {
        if (!double.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "must be finite.");
        if (!double.IsFinite(standardDeviation) || standardDeviation <= 0)
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "must be finite and above 0.");
        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    /// <summary>The fitted mean, which maps to 0.</summary>
    public double Mean { get; }

    /// <summary>The fitted (population) standard deviation, which maps to 1.</summary>
    public double StandardDeviation { get; }

    /// <inheritdoc/>
    public override ScalerKind Kind => ScalerKind.ZScore;

    private protected override double Shift => Mean;

    private protected override double Scale => StandardDeviation;

    /// <summary>Fits the mean and population standard deviation of <paramref name="values"/> (two passes).</summary>
    /// <param name="values">The training span, all finite.</param>
    /// <param name="seriesName">The series' name for error messages.</param>
    /// <exception cref="DataException">The span is empty, non-finite or constant.</exception>
    public static ZScoreScaler Fit(ReadOnlySpan<double> values, string seriesName)
    {
        CheckFitSpan(values, seriesName, "z-score");
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Length;
        double squares = 0;
        foreach (double v in values) squares += (v - mean) * (v - mean);
        double std = Math.Sqrt(squares / values.Length);
        if (!(std > 0)) throw Constant(seriesName, values[0], values.Length, "z-score");
        return new ZScoreScaler(mean, std);
    }

    /// <summary>Returns <c>zscore:MEAN:STD</c>.</summary>
    public override string ToString() => $"zscore:{Format(Mean)}:{Format(StandardDeviation)}";
}

/// <summary>No scaling: every value passes through unchanged.</summary>
public sealed class IdentityScaler : Scaler
{
    private IdentityScaler()
    {
    }

    /// <summary>The one instance.</summary>
    public static IdentityScaler Instance { get; } = new();

    /// <inheritdoc/>
    public override ScalerKind Kind => ScalerKind.None;

    private protected override double Shift => 0;

    private protected override double Scale => 1;

    /// <summary>Returns <c>none</c>.</summary>
    public override string ToString() => "none";
}
