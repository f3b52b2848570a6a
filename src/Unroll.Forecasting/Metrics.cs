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
public sealed record Metrics(double Mae, double Rmse, double Mape, double Mase, double Direction, int Count)
{
    /// <summary>How the prediction intervals did, one entry per level (empty when the points had none).</summary>
    public IReadOnlyList<IntervalScore> Intervals { get; init; } = [];

    /// <summary>The score of the interval at <paramref name="level"/>, or null when there is none.</summary>
    public IntervalScore? At(double level) => Intervals.FirstOrDefault(i => Math.Abs(i.Level - level) < 1e-9);

    /// <summary>No points: every metric NaN.</summary>
    public static Metrics None { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
}

/// <summary>How a prediction interval did over a set of points.</summary>
/// <param name="Level">The level it aimed at: 0.8 for an 80% interval.</param>
/// <param name="Coverage">The fraction of points inside [lower, upper]; near <paramref name="Level"/> when calibrated.</param>
/// <param name="Msis">The mean scaled interval score (M4's MSIS with α = 1 − level): the mean of (U − L) + (2/α)(L − y)[y &lt; L]
/// + (2/α)(y − U)[y &gt; U], divided by the series' in-sample one-step naive MAE (the MASE scale). Lower is better.</param>
public sealed record IntervalScore(double Level, double Coverage, double Msis);

/// <summary>A point's prediction interval at one level.</summary>
/// <param name="Level">The level, in (0, 1).</param>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
public readonly record struct IntervalBounds(double Level, double Lower, double Upper);

/// <summary>One forecast point: what was known, what was forecast, what happened.</summary>
/// <param name="Last">The last known value at the forecast origin.</param>
/// <param name="Forecast">The forecast.</param>
/// <param name="Actual">The value that came.</param>
/// <param name="Scale">The series' in-sample one-step naive MAE (the MASE denominator).</param>
public readonly record struct ScoredPoint(double Last, double Forecast, double Actual, double Scale)
{
    /// <summary>The forecast's prediction intervals, one per level (empty when the method gave none).</summary>
    public IReadOnlyList<IntervalBounds> Bounds { get; init; } = [];
}

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
            scaledCount > 0 ? scaled / scaledCount : double.NaN, (double)direction / n, n)
        {
            Intervals = IntervalScores(points),
        };
    }

    /// <summary>Coverage and MSIS per level, over the points that carry an interval at that level.</summary>
    private static IntervalScore[] IntervalScores(IReadOnlyCollection<ScoredPoint> points)
    {
        var levels = points.SelectMany(p => p.Bounds.Select(b => b.Level)).Distinct().Order().ToList();
        var scores = new IntervalScore[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            double level = levels[i], alpha = 1 - level;
            int inside = 0, count = 0, scored = 0;
            double msis = 0;
            foreach (var p in points)
            {
                foreach (var b in p.Bounds)
                {
                    if (b.Level != level) continue;
                    count++;
                    if (p.Actual >= b.Lower && p.Actual <= b.Upper) inside++;
                    if (!(p.Scale > 0)) continue;
                    // M4's interval score: the width, plus 2/α times the distance by which the actual falls outside.
                    double score = b.Upper - b.Lower + 2 / alpha * (Math.Max(0, b.Lower - p.Actual) + Math.Max(0, p.Actual - b.Upper));
                    msis += score / p.Scale;
                    scored++;
                }
            }
            scores[i] = new IntervalScore(level, count > 0 ? (double)inside / count : double.NaN, scored > 0 ? msis / scored : double.NaN);
        }
        return scores;
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
