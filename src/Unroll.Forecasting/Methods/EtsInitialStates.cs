namespace Unroll.Forecasting.Methods;

/// <summary>
/// The starting guess of the initial states x_0 = (l, b?, s_1..s_{m-1}?) that the optimiser then refines, by the
/// heuristics of R's <c>forecast:::initstate</c> (Hyndman et al. 2008, §2.6.1). s_m is not free: the seasonal states
/// sum to 0 (A) or m (M), so it is what the others leave.
/// </summary>
/// <remarks>
/// Season: with at least three full seasons, a classical decomposition (<see cref="Decompose"/>, R's
/// <c>decompose</c>) gives the seasonal figure; with fewer, a regression y_t = a + b t + c sin(2πt/m) + d cos(2πt/m)
/// detrends the series and the detrended values of the first season are the seasonal guesses. s_k is the figure of
/// position m + 1 − k (s_1 is the newest, due m steps later). For M, factors are at least 0.01 and rescaled when they
/// sum past m. Level and slope: from the seasonally adjusted first max(10, 2m) values, their mean (no trend) or the
/// intercept and slope of a least-squares line (trend).
/// </remarks>
internal static class EtsInitialStates
{
    /// <summary>The free initial states, as R's initstate returns them: (l, b?, s_1..s_{m-1}?).</summary>
    /// <exception cref="ArgumentException">A seasonal model on fewer than 4 values (R: "not enough data").</exception>
    public static double[] Guess(ReadOnlySpan<double> y, EtsModel model, int m)
    {
        int n = y.Length;
        double[] adjusted;
        double[] seasonal = [];
        if (model.HasSeason)
        {
            if (n < 4) throw new ArgumentException($"a seasonal ETS model needs at least 4 values, got {n}");
            double[] detrended;       // y.d$seasonal: one seasonal value per observation
            bool mult = model.Season == EtsSeason.Multiplicative;
            if (n < 3 * m)
            {
                (double a, double slope) = FourierTrend(y, m);
                detrended = new double[n];
                for (int t = 0; t < n; t++)
                    detrended[t] = mult ? y[t] / (a + slope * (t + 1)) : y[t] - a - slope * (t + 1);
            }
            else
                detrended = Decompose(y, m, mult);

            seasonal = new double[m - 1];
            for (int k = 0; k < m - 1; k++) seasonal[k] = detrended[m - 1 - k];     // rev(seasonal[2:m])
            adjusted = new double[n];
            if (mult)
            {
                for (int k = 0; k < m - 1; k++) seasonal[k] = Math.Max(seasonal[k], 0.01);
                double sum = Sum(seasonal);
                if (sum > m)
                {
                    double divisor = Sum(seasonal) + 0.01 * (m - 1);                 // sum(init.seas + 0.01)
                    for (int k = 0; k < m - 1; k++) seasonal[k] /= divisor;
                }
                for (int t = 0; t < n; t++) adjusted[t] = y[t] / Math.Max(detrended[t], 0.01);
            }
            else
                for (int t = 0; t < n; t++) adjusted[t] = y[t] - detrended[t];
        }
        else
        {
            m = 1;
            adjusted = y.ToArray();
        }

        int maxn = Math.Min(Math.Max(10, 2 * m), n);
        var states = new List<double>(2 + seasonal.Length);
        if (!model.HasTrend)
            states.Add(Mean(adjusted.AsSpan(0, maxn)));
        else
        {
            (double l0, double b0) = Line(adjusted.AsSpan(0, maxn));
            if (Math.Abs(l0 + b0) < 1e-8)
            {
                l0 *= 1 + 0.001;
                b0 *= 1 - 0.001;
            }
            states.Add(l0);
            states.Add(b0);
        }
        states.AddRange(seasonal);
        return [.. states];
    }

    /// <summary>
    /// R's <c>decompose(y, type)$seasonal</c> for a series starting at the first position of its season: the centred
    /// moving average of order m (2×m when m is even) as the trend; y − trend (or y / trend) averaged per position as
    /// the figure, centred to mean 0 (or 1); the figure repeated along the series.
    /// </summary>
    public static double[] Decompose(ReadOnlySpan<double> y, int m, bool multiplicative)
    {
        int n = y.Length;
        if (m <= 1 || n < 2 * m) throw new ArgumentException($"a decomposition needs two full seasons ({2 * m} values), got {n}");
        // filter(y, w, sides = 2): out_i = Σ_j w_j y_{i + shift − j}, NA where the window leaves the series.
        int nf = m % 2 == 0 ? m + 1 : m;
        var w = new double[nf];
        for (int j = 0; j < nf; j++) w[j] = m % 2 == 0 && (j == 0 || j == nf - 1) ? 0.5 / m : 1.0 / m;
        int shift = nf / 2;
        var sums = new double[m];
        var counts = new int[m];
        for (int i = shift; i + shift < n; i++)
        {
            double trend = 0;
            for (int j = 0; j < nf; j++) trend += w[j] * y[i + shift - j];
            double detrended = multiplicative ? y[i] / trend : y[i] - trend;
            sums[i % m] += detrended;
            counts[i % m]++;
        }
        var figure = new double[m];
        for (int k = 0; k < m; k++) figure[k] = sums[k] / counts[k];
        double centre = Mean(figure);
        for (int k = 0; k < m; k++) figure[k] = multiplicative ? figure[k] / centre : figure[k] - centre;
        var seasonal = new double[n];
        for (int t = 0; t < n; t++) seasonal[t] = figure[t % m];
        return seasonal;
    }

    /// <summary>Intercept and slope of y_t = a + b t + c sin(2πt/m) + d cos(2πt/m), t = 1..n, by least squares (R's
    /// <c>tslm(y ~ trend + fourier(y, 1))</c>); the sine is left out when m = 2, where it is zero.</summary>
    public static (double Intercept, double Slope) FourierTrend(ReadOnlySpan<double> y, int m)
    {
        int n = y.Length;
        int p = m == 2 ? 3 : 4;
        var x = new double[n, p];
        for (int t = 0; t < n; t++)
        {
            int time = t + 1;
            x[t, 0] = 1;
            x[t, 1] = time;
            if (p == 4) x[t, 2] = Math.Sin(2 * Math.PI * time / m);
            x[t, p - 1] = Math.Cos(2 * Math.PI * time / m);
        }
        double[] coef = LeastSquares(x, y);
        return (coef[0], coef[1]);
    }

    /// <summary>Least squares by Householder QR: the coefficients c minimising |y − X c|.</summary>
    internal static double[] LeastSquares(double[,] x, ReadOnlySpan<double> y)
    {
        int n = x.GetLength(0), p = x.GetLength(1);
        var a = (double[,])x.Clone();
        var r = y.ToArray();
        for (int k = 0; k < p; k++)
        {
            double norm = 0;
            for (int i = k; i < n; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            if (norm == 0) continue;
            double alpha = a[k, k] > 0 ? -norm : norm;
            double v0 = a[k, k] - alpha;
            // v = (v0, a[k+1..n-1, k]); H = I − 2 v vᵀ / vᵀv
            double vtv = v0 * v0;
            for (int i = k + 1; i < n; i++) vtv += a[i, k] * a[i, k];
            if (vtv == 0) continue;
            for (int j = k + 1; j < p; j++)
            {
                double dot = v0 * a[k, j];
                for (int i = k + 1; i < n; i++) dot += a[i, k] * a[i, j];
                double f = 2 * dot / vtv;
                a[k, j] -= f * v0;
                for (int i = k + 1; i < n; i++) a[i, j] -= f * a[i, k];
            }
            double dy = v0 * r[k];
            for (int i = k + 1; i < n; i++) dy += a[i, k] * r[i];
            double fy = 2 * dy / vtv;
            r[k] -= fy * v0;
            for (int i = k + 1; i < n; i++) r[i] -= fy * a[i, k];
            a[k, k] = alpha;
        }
        var c = new double[p];
        for (int k = p - 1; k >= 0; k--)
        {
            double s = r[k];
            for (int j = k + 1; j < p; j++) s -= a[k, j] * c[j];
            c[k] = a[k, k] == 0 ? 0 : s / a[k, k];
        }
        return c;
    }

    /// <summary>R's <c>lsfit(1:n, y)</c>: intercept and slope of the least-squares line through (t, y_t), t = 1..n.</summary>
    public static (double Intercept, double Slope) Line(ReadOnlySpan<double> y)
    {
        int n = y.Length;
        if (n == 1) return (y[0], 0);
        double tBar = (n + 1) / 2.0, yBar = Mean(y);
        double sty = 0, stt = 0;
        for (int t = 0; t < n; t++)
        {
            double dt = t + 1 - tBar;
            sty += dt * (y[t] - yBar);
            stt += dt * dt;
        }
        double slope = sty / stt;
        return (yBar - slope * tBar, slope);
    }

    /// <summary>The mean as R's <c>mean</c> computes it: the sum over n, then corrected by the mean of the residuals.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double s = Sum(values) / values.Length;
        double r = 0;
        foreach (double v in values) r += v - s;
        return s + r / values.Length;
    }

    /// <summary>A compensated (Neumaier) sum, close to R's long-double accumulation.</summary>
    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0, c = 0;
        foreach (double v in values)
        {
            double t = sum + v;
            c += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return sum + c;
    }
}
