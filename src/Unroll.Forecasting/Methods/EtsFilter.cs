using System.Diagnostics;

namespace Unroll.Forecasting.Methods;

// Glossary (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with Exponential Smoothing", ch. 2; R's etscalc.c):
//   n   observations y_1..y_n            m   the seasonal period (1 without a season)
//   l   level       b  slope (trend)     s   seasonal states s_1..s_m, s_1 the newest, s_m = s_{t-m} the one due now
//   x   the state vector, laid out as R's ets lays out `states` and `initstate`: (l, b?, s_1..s_m?)   (1 + [b] + [m])
//   α β γ φ  the smoothing parameters (β = 0 without a trend, γ = 0 without a season, φ = 1 unless damped)
//   μ_t the one-step forecast of y_t made at t-1; e_t its error: y_t - μ_t (A errors) or (y_t - μ_t)/μ_t (M errors)

/// <summary>α, β, γ, φ as the recursions use them: β = 0 without a trend, γ = 0 without a season, φ = 1 undamped.</summary>
internal readonly record struct EtsSmoothing(double Alpha, double Beta, double Gamma, double Phi)
{
    public static EtsSmoothing Of(EtsModel model, EtsParameters p) => new(
        p.Alpha,
        model.HasTrend ? p.Beta ?? throw new ArgumentException($"{model} needs β (Beta)") : 0,
        model.HasSeason ? p.Gamma ?? throw new ArgumentException($"{model} needs γ (Gamma)") : 0,
        model.Damped ? p.Phi ?? throw new ArgumentException($"{model} needs φ (Phi)") : 1);
}

/// <summary>
/// The ETS recursions: the one-step forecast μ_t, its error e_t, and the state update, for every model with an
/// additive or no trend (the ones <c>forecast::ets</c> fits by default).
/// </summary>
/// <remarks>
/// Written in R's <c>etscalc</c> "smoothing" form, which serves both error types (the error type changes only e_t and
/// the likelihood). With q = l_{t-1} + φ b_{t-1} (q = l_{t-1} without a trend):
/// <code>
/// μ_t = q                    (season N)     q + s_m                  (A)     q · s_m                  (M)
/// l_t = q + α (p − q),       p = y_t         p = y_t − s_m                    p = y_t / s_m
/// b_t = φ b_{t-1} + (β/α) (l_t − l_{t-1} − φ b_{t-1})
/// s_1 ← s_m + γ (u − s_m),   u = y_t − q (A)   u = y_t / q (M);   the other s_k move one place older
/// e_t = y_t − μ_t (A errors)     (y_t − μ_t) / μ_t (M errors)
/// lik = n log Σ e_t² + 2 Σ log |μ_t| (the last term for M errors only) = −2 log L + constant
/// </code>
/// A divisor below 1e-10 in size makes the ratio 1e10, as in R. The seasonal states live in a ring (the oldest slot
/// takes the new value), so a step costs the same for m = 4 and m = 24.
/// </remarks>
internal static class EtsFilter
{
    internal const double Tolerance = 1e-10;
    internal const double Huge = 1e10;

    /// <summary>1 + [1 with a trend] + [m with a season]: the length of x.</summary>
    public static int StateLength(EtsModel model, int m) => 1 + (model.HasTrend ? 1 : 0) + (model.HasSeason ? m : 0);

    /// <summary>Runs the recursions over <paramref name="y"/> from the state <paramref name="x0"/>.</summary>
    /// <param name="y">The observations (n).</param>
    /// <param name="model">Which recursions.</param>
    /// <param name="m">The seasonal period (ignored without a season).</param>
    /// <param name="p">α, β, γ, φ.</param>
    /// <param name="x0">The state before y_1: (l, b?, s_1..s_m?).</param>
    /// <param name="xEnd">Receives the state after y_n (same layout); empty to skip.</param>
    /// <param name="fitted">Receives μ_t (n); empty to skip.</param>
    /// <param name="errors">Receives e_t (n); empty to skip.</param>
    /// <returns>R's <c>lik</c>: n log Σ e² (+ 2 Σ log |μ| for M errors); NaN or ∞ when the filter breaks down.</returns>
    public static double Run(ReadOnlySpan<double> y, EtsModel model, int m, in EtsSmoothing p, ReadOnlySpan<double> x0,
        Span<double> xEnd, Span<double> fitted, Span<double> errors)
    {
        bool trend = model.HasTrend;
        EtsSeason season = model.Season;
        if (season == EtsSeason.None) m = 1;
        int n = y.Length;
        Debug.Assert(x0.Length == StateLength(model, m));
        Debug.Assert(fitted.IsEmpty || fitted.Length == n);
        Debug.Assert(errors.IsEmpty || errors.Length == n);

        double alpha = p.Alpha, beta = p.Beta, gamma = p.Gamma, phi = p.Phi;
        double betaOverAlpha = beta / alpha;
        bool multError = model.Error == EtsError.Multiplicative;
        double l = x0[0], b = trend ? x0[1] : 0;
        int k0 = trend ? 2 : 1;
        // Ring of seasonal states: s_j (j = 1..m, s_1 newest) sits at ring[(head + j - 1) % m].
        Span<double> ring = stackalloc double[season == EtsSeason.None ? 1 : m];
        int head = 0;
        if (season != EtsSeason.None) x0.Slice(k0, m).CopyTo(ring);

        double sse = 0, sumLog = 0;
        for (int t = 0; t < n; t++)
        {
            double yt = y[t];
            int due = head == 0 ? m - 1 : head - 1;          // slot of s_m = s_{t-m}
            double phib = trend ? phi * b : 0;
            double q = l + phib;
            double mu, pt;
            switch (season)
            {
                case EtsSeason.Additive:
                    mu = q + ring[due];
                    pt = yt - ring[due];
                    break;
                case EtsSeason.Multiplicative:
                    mu = q * ring[due];
                    pt = Math.Abs(ring[due]) < Tolerance ? Huge : yt / ring[due];
                    break;
                default:
                    mu = q;
                    pt = yt;
                    break;
            }
            double e = multError ? (yt - mu) / mu : yt - mu;
            if (!fitted.IsEmpty) fitted[t] = mu;
            if (!errors.IsEmpty) errors[t] = e;
            sse += e * e;
            if (multError) sumLog += Math.Log(Math.Abs(mu));

            double lNew = q + alpha * (pt - q);
            if (trend) b = phib + betaOverAlpha * (lNew - l - phib);
            if (season != EtsSeason.None)
            {
                double u = season == EtsSeason.Additive ? yt - q : Math.Abs(q) < Tolerance ? Huge : yt / q;
                ring[due] += gamma * (u - ring[due]);
                head = due;
            }
            l = lNew;
        }

        if (!xEnd.IsEmpty)
        {
            Debug.Assert(xEnd.Length == x0.Length);
            xEnd[0] = l;
            if (trend) xEnd[1] = b;
            for (int j = 0; season != EtsSeason.None && j < m; j++) xEnd[k0 + j] = ring[(head + j) % m];
        }
        double lik = n * Math.Log(sse);
        return multError ? lik + 2 * sumLog : lik;
    }

    /// <summary>The point forecasts μ_{n+1..n+h} from the state <paramref name="x"/>: (l + φ_h b) ⊕ s_{m-((h-1) mod m)},
    /// φ_h = φ + φ² + … + φ^h (h for an undamped trend), ⊕ the season's + or ×.</summary>
    public static void PointForecasts(EtsModel model, int m, double phi, ReadOnlySpan<double> x, Span<double> mean)
    {
        double l = x[0], b = model.HasTrend ? x[1] : 0;
        int k0 = model.HasTrend ? 2 : 1;
        double phiH = 0, power = 1;
        for (int h = 0; h < mean.Length; h++)
        {
            power *= model.Damped ? phi : 1;
            phiH += power;
            double f = model.HasTrend ? l + phiH * b : l;
            if (model.HasSeason)
            {
                double s = x[k0 + m - 1 - h % m];
                f = model.Season == EtsSeason.Additive ? f + s : f * s;
            }
            mean[h] = f;
        }
    }
}
