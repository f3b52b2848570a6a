namespace Unroll.Forecasting;

/// <summary>Forecast accuracy: lower is better for all but <see cref="Direction"/>.</summary>
/// <param name="Mae">Mean absolute error, in the series' units.</param>
/// <param name="Rmse">Root mean squared error, in the series' units.</param>
/// <param name="Mape">Mean absolute percentage error, in percent (points whose actual value is 0 are skipped).</param>
/// <param name="Mase">Mean absolute scaled error: errors divided by the in-sample one-step naive MAE of their series.
/// Below 1 beats the naive forecast's in-sample accuracy.</param>
/// <param name="Direction">Fraction of forecasts that called the move from the last known value (up, down or flat)
/// correctly; the naive forecast always says flat.</param>
/// <param name="Count">Forecast points scored.</param>
public sealed record Metrics(double Mae, double Rmse, double Mape, double Mase, double Direction, int Count);

/// <summary>One forecast point: what was known, what was forecast, what happened.</summary>
/// <param name="Last">The last known value at the forecast origin.</param>
/// <param name="Forecast">The forecast.</param>
/// <param name="Actual">The value that came.</param>
/// <param name="Scale">The series' in-sample one-step naive MAE (the MASE denominator).</param>
public readonly record struct ScoredPoint(double Last, double Forecast, double Actual, double Scale);

/// <summary>Computes <see cref="Metrics"/> from forecast points.</summary>
public static class MetricsCalculator
{
    /// <summary>The metrics of the given points (NaN where no point qualifies).</summary>
    public static Metrics Compute(IReadOnlyCollection<ScoredPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return new Metrics(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double abs = 0, sq = 0, pct = 0, scaled = 0;
        int pctCount = 0, scaledCount = 0, direction = 0;
        foreach (var p in points)
        {
            double e = p.Forecast - p.Actual;
            abs += Math.Abs(e);
            sq += e * e;
            if (p.Actual != 0) { pct += Math.Abs(e / p.Actual); pctCount++; }
            if (p.Scale > 0) { scaled += Math.Abs(e) / p.Scale; scaledCount++; }
            if (Math.Sign(p.Forecast - p.Last) == Math.Sign(p.Actual - p.Last)) direction++;
        }
        int n = points.Count;
        return new Metrics(abs / n, Math.Sqrt(sq / n), pctCount > 0 ? 100 * pct / pctCount : double.NaN,
            scaledCount > 0 ? scaled / scaledCount : double.NaN, (double)direction / n, n);
    }

    /// <summary>The in-sample one-step naive MAE: the mean of |y_t − y_(t−1)| over the given values.</summary>
    public static double NaiveScale(ReadOnlySpan<double> values)
    {
        if (values.Length < 2) return double.NaN;
        double sum = 0;
        for (int t = 1; t < values.Length; t++) sum += Math.Abs(values[t] - values[t - 1]);
        return sum / (values.Length - 1);
    }
}
