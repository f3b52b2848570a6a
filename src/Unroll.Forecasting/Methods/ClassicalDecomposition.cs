namespace Unroll.Forecasting.Methods;

/// <summary>The pieces of R's <c>stats</c> that Theta's seasonality test and seasonal adjustment use.</summary>
internal static class ClassicalDecomposition
{
    /// <summary>
    /// R's <c>acf(x, lag.max)</c>: r(k) = c(k)/c(0), c(k) = (1/n)·Σ_{t=1..n−k} (x(t) − x̄)(x(t+k) − x̄), k = 0..maxLag.
    /// </summary>
    public static double[] Autocorrelations(ReadOnlySpan<double> x, int maxLag)
    {
        int n = x.Length;
        double mean = 0;
        foreach (double v in x) mean += v;
        mean /= n;
        var r = new double[maxLag + 1];
        for (int k = 0; k <= maxLag; k++)
        {
            double c = 0;
            for (int t = 0; t + k < n; t++) c += (x[t] - mean) * (x[t + k] - mean);
            r[k] = c;
        }
        double c0 = r[0];
        for (int k = 0; k <= maxLag; k++) r[k] /= c0;
        return r;
    }

    /// <summary>
    /// thetaf's seasonality test statistic at lag m: |r(m)| in standard errors, √((1 + 2·Σ_{k&lt;m} r(k)²) / n); a season
    /// is taken as real above the normal 95% quantile (1.645, a one-sided test at 90% two-sided).
    /// </summary>
    public static double SeasonalityRatio(ReadOnlySpan<double> x, int m)
    {
        double[] r = Autocorrelations(x, m);
        double sum = 0;
        for (int k = 1; k < m; k++) sum += r[k] * r[k];
        return Math.Abs(r[m]) / Math.Sqrt((1 + 2 * sum) / x.Length);
    }

    /// <summary>
    /// The seasonal figure of R's <c>decompose(x, type = "multiplicative")</c>, figure[j] for the positions t ≡ j (mod m),
    /// 0-based: the trend is the centred moving average (weights ½, 1, …, 1, ½ over m + 1 values, divided by m, for
    /// even m; m equal weights for odd m), each x(t)/trend(t) where the trend exists is averaged per position, and the
    /// m averages are divided by their mean.
    /// </summary>
    /// <param name="x">At least 2m values.</param>
    /// <param name="m">The season, at least 2.</param>
    public static double[] MultiplicativeFigure(ReadOnlySpan<double> x, int m) => Figure(x, m, additive: false);

    /// <summary>
    /// The seasonal figure of R's <c>decompose(x, type = "additive")</c>: as <see cref="MultiplicativeFigure"/> with
    /// x(t) − trend(t) averaged per position and the m averages less their mean.
    /// </summary>
    public static double[] AdditiveFigure(ReadOnlySpan<double> x, int m) => Figure(x, m, additive: true);

    /// <summary>The centred moving average of <see cref="MultiplicativeFigure"/> at t, or NaN within half a season of either end.</summary>
    public static double[] Trend(ReadOnlySpan<double> x, int m)
    {
        int n = x.Length;
        var weights = new double[m % 2 == 0 ? m + 1 : m];
        Array.Fill(weights, 1.0 / m);
        if (m % 2 == 0) weights[0] = weights[^1] = 0.5 / m;
        int half = weights.Length / 2;
        var trend = new double[n];
        Array.Fill(trend, double.NaN);
        for (int t = half; t < n - half; t++)
        {
            double sum = 0;
            for (int j = 0; j < weights.Length; j++) sum += weights[j] * x[t - half + j];
            trend[t] = sum;
        }
        return trend;
    }

    private static double[] Figure(ReadOnlySpan<double> x, int m, bool additive)
    {
        int n = x.Length;
        if (m < 2 || n < 2 * m) throw new ArgumentException($"a decomposition needs a season of at least 2 and two full seasons; got m = {m} and {n} values.");
        var trend = Trend(x, m);
        var sum = new double[m];
        var count = new int[m];
        for (int t = 0; t < n; t++)
        {
            if (double.IsNaN(trend[t])) continue;
            sum[t % m] += additive ? x[t] - trend[t] : x[t] / trend[t];
            count[t % m]++;
        }
        var figure = new double[m];
        double mean = 0;
        for (int j = 0; j < m; j++)
        {
            figure[j] = sum[j] / count[j];
            mean += figure[j];
        }
        mean /= m;
        for (int j = 0; j < m; j++) figure[j] = additive ? figure[j] - mean : figure[j] / mean;
        return figure;
    }

    /// <summary>R's <c>is.constant(x)</c>, that is <c>all.equal(x, rep(x[1], n))</c>: the values that differ from the first
    /// differ from it by at most 1.5e-8 on average, relative to their mean magnitude (absolutely when that is below
    /// 1.5e-8).</summary>
    public static bool IsConstant(ReadOnlySpan<double> x)
    {
        const double tolerance = 1.4901161193847656e-08;   // sqrt(.Machine$double.eps)
        double diff = 0, size = 0;
        int count = 0;
        foreach (double v in x)
        {
            if (v == x[0]) continue;
            diff += Math.Abs(v - x[0]);
            size += Math.Abs(v);
            count++;
        }
        if (count == 0) return true;
        double scale = size / count;
        double xy = diff / count;
        return (scale > tolerance ? xy / scale : xy) <= tolerance;
    }

    /// <summary>The least-squares slope of x on 0..n−1 (R's <c>lsfit(0:(n − 1), x)$coef[2]</c>).</summary>
    public static double Slope(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        double tMean = (n - 1) / 2.0, xMean = 0;
        foreach (double v in x) xMean += v;
        xMean /= n;
        double sxy = 0, sxx = 0;
        for (int t = 0; t < n; t++)
        {
            sxy += (t - tMean) * (x[t] - xMean);
            sxx += (t - tMean) * (t - tMean);
        }
        return sxx > 0 ? sxy / sxx : 0;
    }
}
