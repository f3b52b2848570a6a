namespace Unroll.Forecasting.Methods;

/// <summary>A fitted simple exponential smoothing: ETS(A,N,N) with its smoothing parameter and initial level.</summary>
/// <param name="Alpha">α, the smoothing parameter.</param>
/// <param name="InitialLevel">ℓ₀, the level before the first value.</param>
/// <param name="Sigma2">σ², the one-step error variance the intervals use.</param>
/// <param name="Sse">The sum of squared one-step errors over the fitted values.</param>
internal readonly record struct SesFit(double Alpha, double InitialLevel, double Sigma2, double Sse);

/// <summary>
/// Simple exponential smoothing fitted as R's <c>ses(x)</c> fits it (<c>ets(x, "ANN", opt.crit = "mse")</c>).
/// </summary>
/// <remarks>
/// <para>Filter: ŷ(t) = ℓ(t−1), e(t) = x(t) − ℓ(t−1), ℓ(t) = ℓ(t−1) + α·e(t), t = 1..n.</para>
/// <para>More than 6 values (R's <c>ets</c>): α and ℓ₀ minimise Σ e(t)² (the MSE criterion; for additive errors the
/// same optimum as the likelihood), α in [1e-4, 0.9999]; σ² = Σ e²/(n − 2). Because every e(t) is linear in ℓ₀ —
/// ℓ(t) = A(t) + (1 − α)ᵗ·ℓ₀ with A the filter started at 0 — the best ℓ₀ for a given α is a least-squares solution
/// in closed form, and α minimises that profile: the local minimum reached downhill from R's start α = 0.2 on a
/// grid, refined by golden-section search. R runs Nelder–Mead on (α, ℓ₀) from α = 0.2, ℓ₀ = the mean of the first 10
/// values, to a relative tolerance of 1.5e-8: it reaches the same minimum, but can stop slightly short of it where
/// the criterion is flat (α within 0.005 on the suite's series, forecasts within 1e-4).</para>
/// <para>6 values or fewer (R's <c>ets</c> then falls back to <c>HoltWintersZZ</c>): ℓ₀ = x(1), α in [0, 1] minimises
/// Σ e² (L-BFGS-B from 0.2 in R), σ² = Σ e²/n (e(1) = 0 counted).</para>
/// <para>Where the criterion does not depend on α (a constant series, two values), α stays at R's starting value.</para>
/// </remarks>
internal static class SimpleExponentialSmoothing
{
    /// <summary>The most values R fits with <c>HoltWintersZZ</c> instead of <c>ets</c> (n ≤ 2 parameters + 4).</summary>
    public const int ShortSeries = 6;

    public static SesFit Fit(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        if (n < 2) throw new ArgumentException($"simple exponential smoothing needs at least 2 values, got {n}.", nameof(x));
        // Centre the values: a shift of x shifts ℓ₀ alike and leaves every error unchanged, and the profile's
        // Σr² − (Σrd)²/Σd² cancels less.
        double centre = 0;
        foreach (double v in x) centre += v;
        centre /= n;
        var xc = new double[n];
        for (int t = 0; t < n; t++) xc[t] = x[t] - centre;

        if (n <= ShortSeries)
        {
            double l0 = xc[0];
            var data = xc;
            double alpha = Minimise(a => Sse(data, a, l0), 0, 1, start: 0.2);
            double sse = Sse(xc, alpha, l0);
            return new SesFit(alpha, l0 + centre, sse / n, sse);
        }
        else
        {
            const double lower = 1e-4, upper = 0.9999;
            var data = xc;
            double alpha = Minimise(a => Profile(data, a).Sse, lower, upper, start: lower + 0.2 * (upper - lower));
            double l0 = Profile(xc, alpha).L0;
            double sse = Sse(xc, alpha, l0);
            return new SesFit(alpha, l0 + centre, sse / (n - 2), sse);
        }
    }

    /// <summary>Σ e(t)² of the filter from ℓ₀.</summary>
    public static double Sse(ReadOnlySpan<double> x, double alpha, double l0)
    {
        double level = l0, sse = 0;
        foreach (double v in x)
        {
            double e = v - level;
            sse += e * e;
            level += alpha * e;
        }
        return sse;
    }

    /// <summary>The level after every value of <paramref name="x"/>, from ℓ₀.</summary>
    public static double Level(ReadOnlySpan<double> x, double alpha, double l0)
    {
        double level = l0;
        foreach (double v in x) level += alpha * (v - level);
        return level;
    }

    /// <summary>For a given α: the ℓ₀ that minimises Σ e², and that minimum. e(t) = r(t) − d(t)·ℓ₀ with r(t) = x(t) − A(t−1),
    /// d(t) = (1 − α)^(t−1); ℓ₀ = Σrd/Σd², Σe² = Σr² − (Σrd)²/Σd².</summary>
    private static (double L0, double Sse) Profile(double[] x, double alpha)
    {
        double a = 0, d = 1, srr = 0, srd = 0, sdd = 0;
        foreach (double v in x)
        {
            double r = v - a;
            srr += r * r;
            srd += r * d;
            sdd += d * d;
            a += alpha * (v - a);
            d *= 1 - alpha;
        }
        double l0 = srd / sdd;
        return (l0, Math.Max(0, srr - srd * l0));
    }

    /// <summary>The local minimiser of <paramref name="f"/> on [lo, hi] that R's optimisers reach from
    /// <paramref name="start"/>: on a grid of 200 intervals, walk downhill from the grid point nearest the start to a
    /// grid minimum, then refine by golden-section search in the two intervals around it. Returns
    /// <paramref name="start"/> unless that point is better than it by more than a relative 1e-12 (so a flat criterion
    /// keeps R's starting value).</summary>
    /// <remarks>Local, not global, on purpose: the SSE of a series can have two minima in α (discoveries: α = 0.148 and
    /// the bound 1e-4, the latter 0.14% lower), and R's Nelder–Mead from α = 0.2 stops in the first; Theta is meant to
    /// forecast as R's <c>thetaf</c> does.</remarks>
    private static double Minimise(Func<double, double> f, double lo, double hi, double start)
    {
        const int grid = 200;
        var values = new double[grid + 1];
        for (int i = 0; i <= grid; i++) values[i] = f(lo + (hi - lo) * i / grid);
        int at = (int)Math.Round((start - lo) / (hi - lo) * grid);
        while (true)
        {
            if (at > 0 && values[at - 1] < values[at] && (at == grid || values[at - 1] <= values[at + 1])) at--;
            else if (at < grid && values[at + 1] < values[at]) at++;
            else break;
        }
        double best = lo + (hi - lo) * at / grid, fBest = values[at];
        double step = (hi - lo) / grid;
        double left = Math.Max(lo, best - step), right = Math.Min(hi, best + step);
        double invPhi = (Math.Sqrt(5) - 1) / 2;
        double c = right - invPhi * (right - left), dd = left + invPhi * (right - left);
        double fc = f(c), fd = f(dd);
        for (int iter = 0; iter < 200 && right - left > 1e-12; iter++)
        {
            if (fc < fd) { right = dd; dd = c; fd = fc; c = right - invPhi * (right - left); fc = f(c); }
            else { left = c; c = dd; fc = fd; dd = left + invPhi * (right - left); fd = f(dd); }
        }
        double refined = (left + right) / 2, fRefined = f(refined);
        if (fRefined > fBest) { refined = best; fRefined = fBest; }
        double fStart = f(start);
        return fRefined < fStart - 1e-12 * Math.Abs(fStart) ? refined : start;
    }
}
