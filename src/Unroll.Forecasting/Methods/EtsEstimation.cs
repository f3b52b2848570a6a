namespace Unroll.Forecasting.Methods;

/// <summary>One ETS model fitted by maximum likelihood: what <see cref="EtsEstimation.Fit"/> returns.</summary>
/// <param name="Model">The model.</param>
/// <param name="Period">m (1 without a season).</param>
/// <param name="Smoothing">α, β, γ, φ.</param>
/// <param name="InitialState">x_0 = (l, b?, s_1..s_m?), s_m included.</param>
/// <param name="Lik">−2 log L up to a constant (R's <c>lik</c>) at the estimate.</param>
/// <param name="ParameterCount">k: smoothing parameters plus free initial states (R's <c>length(fit$par)</c>).</param>
/// <param name="Evaluations">Likelihood evaluations the optimiser used.</param>
/// <param name="Converged">False when the optimiser stopped at its evaluation limit (as R's often does).</param>
internal sealed record EtsEstimate(EtsModel Model, int Period, EtsSmoothing Smoothing, double[] InitialState,
    double Lik, int ParameterCount, int Evaluations, bool Converged)
{
    /// <summary>AIC = lik + 2(k + 1): σ² counts as a parameter, as in R.</summary>
    public double Aic => Lik + 2 * (ParameterCount + 1);

    /// <summary>AICc = AIC + 2(k+1)(k+2)/(n − k − 2).</summary>
    public double Aicc(int n) => Aic + 2.0 * (ParameterCount + 1) * (ParameterCount + 2) / (n - ParameterCount - 2);

    /// <summary>BIC = lik + log(n)(k + 1).</summary>
    public double Bic(int n) => Lik + Math.Log(n) * (ParameterCount + 1);
}

/// <summary>
/// Maximum-likelihood estimation of one ETS model as R's <c>forecast:::etsmodel</c> does it by default
/// (<c>opt.crit = "lik"</c>, <c>bounds = "both"</c>): the smoothing parameters and the free initial states are found
/// together by <see cref="EtsNelderMead"/> (at most 2000 evaluations), from <c>initparam</c>'s start and
/// <see cref="EtsInitialStates"/>' guess; a point outside the bounds scores +∞.
/// </summary>
/// <remarks>
/// The criterion is lik = n log Σ e_t² + 2 Σ log |μ_t| (the second term for multiplicative errors), which is −2 log L
/// up to a constant with σ² profiled out (Hyndman et al. 2008, §5.2). Bounds (both must hold):
/// <list type="bullet">
/// <item>usual: 1e-4 ≤ α ≤ 0.9999; 1e-4 ≤ β ≤ min(α, 0.9999); 1e-4 ≤ γ ≤ min(1 − α, 0.9999); 0.8 ≤ φ ≤ 0.98;</item>
/// <item>admissible (the forecast variance stays finite, Hyndman et al. 2008, ch. 10): without a season
/// 1 − 1/φ &lt; α &lt; 1 + 1/φ and α(φ − 1) &lt; β &lt; (1 + φ)(2 − α); with one, max(1 − 1/φ − α, 0) &lt; γ &lt; 1 + 1/φ − α,
/// α &gt; 1 − 1/φ − γ(1 − m + φ + φm)/(2φm), β &gt; −(1 − φ)(γ/m + α), and every root of
/// z^{m+1} + (α + β − φ) z^m + (α + β − αφ)(z^{m−1} + … + z²) + (α + β − αφ + γ − 1) z + φ(1 − α − γ)
/// has modulus at most 1 + 1e-10 (<see cref="RootsWithin"/>);</item>
/// <item>multiplicative seasonal states are not negative.</item>
/// </list>
/// </remarks>
internal static class EtsEstimation
{
    // R's ets defaults: lower = c(rep(1e-4, 3), 0.8), upper = c(rep(0.9999, 3), 0.98) for α, β, γ, φ.
    internal static readonly double[] Lower = [1e-4, 1e-4, 1e-4, 0.8];
    internal static readonly double[] Upper = [0.9999, 0.9999, 0.9999, 0.98];

    /// <summary>Fits <paramref name="model"/> to <paramref name="y"/>.</summary>
    /// <param name="y">The training values, finite (strictly positive for multiplicative components).</param>
    /// <param name="model">The model.</param>
    /// <param name="m">The seasonal period; used only by seasonal models.</param>
    /// <returns>The estimate, or null where R's etsmodel fails or returns an infinite AIC: too few values for its
    /// parameters (k ≥ n − 1), a start outside the bounds, or a likelihood that cannot be evaluated at the start.</returns>
    public static EtsEstimate? Fit(ReadOnlySpan<double> y, EtsModel model, int m)
    {
        if (!model.HasSeason) m = 1;
        int n = y.Length;
        double[] smoothing = InitialParameters(model, m);
        var start = Unpack(model, smoothing);
        if (!WithinBounds(model, m, start)) return null;
        double[] states;
        try
        {
            states = EtsInitialStates.Guess(y, model, m);
        }
        catch (ArgumentException)
        {
            return null;
        }
        int np = smoothing.Length + states.Length;
        if (np >= n - 1) return null;

        double[] par = [.. smoothing, .. states];
        var objective = new Objective(y.ToArray(), model, m, smoothing.Length);
        var result = EtsNelderMead.Minimize(objective.Evaluate, par);
        if (result is null) return null;
        double[] best = result.Value.Point;
        var p = Unpack(model, best);
        double[] x0 = FullState(model, m, best.AsSpan(smoothing.Length));
        double lik = EtsFilter.Run(y, model, m, p, x0, [], [], []);
        if (double.IsNaN(lik)) return null;
        return new EtsEstimate(model, m, p, x0, lik, np, result.Value.Evaluations, result.Value.Fail == 0);
    }

    /// <summary>R's <c>initparam</c> with bounds "both": α = l + 0.2(u − l)/m, β = l + 0.1(min(u, α) − l),
    /// γ = l + 0.05(min(u, 1 − α) − l), φ = l + 0.99(u − l), each between its lower l and upper u.</summary>
    internal static double[] InitialParameters(EtsModel model, int m)
    {
        var par = new List<double>(4);
        double alpha = Lower[0] + 0.2 * (Upper[0] - Lower[0]) / m;
        if (alpha > 1 || alpha < 0) alpha = Lower[0] + 0.002;
        par.Add(alpha);
        if (model.HasTrend)
        {
            double upper = Math.Min(Upper[1], alpha);
            double beta = Lower[1] + 0.1 * (upper - Lower[1]);
            if (beta < 0 || beta > alpha) beta = alpha - 0.001;
            par.Add(beta);
        }
        if (model.HasSeason)
        {
            double upper = Math.Min(Upper[2], 1 - alpha);
            double gamma = Lower[2] + 0.05 * (upper - Lower[2]);
            if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 0.001;
            par.Add(gamma);
        }
        if (model.Damped)
        {
            double phi = Lower[3] + 0.99 * (Upper[3] - Lower[3]);
            if (phi < 0 || phi > 1) phi = Upper[3] - 0.001;
            par.Add(phi);
        }
        return [.. par];
    }

    /// <summary>α, β, γ, φ from the first entries of the optimiser's vector (α, then β, γ, φ where the model has them).</summary>
    internal static EtsSmoothing Unpack(EtsModel model, ReadOnlySpan<double> par)
    {
        int j = 0;
        double alpha = par[j++];
        double beta = model.HasTrend ? par[j++] : 0;
        double gamma = model.HasSeason ? par[j++] : 0;
        double phi = model.Damped ? par[j] : 1;
        return new EtsSmoothing(alpha, beta, gamma, phi);
    }

    /// <summary>The whole initial state from the free one: s_m = m (M) or 0 (A) minus the other seasonal states.</summary>
    internal static double[] FullState(EtsModel model, int m, ReadOnlySpan<double> free)
    {
        if (!model.HasSeason) return free.ToArray();
        var x = new double[free.Length + 1];
        free.CopyTo(x);
        double sum = 0;
        for (int i = model.HasTrend ? 2 : 1; i < free.Length; i++) sum += free[i];
        x[^1] = (model.Season == EtsSeason.Multiplicative ? m : 0) - sum;
        return x;
    }

    /// <summary>The usual bounds, then the admissible region (R's <c>check.param</c> with bounds "both").</summary>
    internal static bool WithinBounds(EtsModel model, int m, in EtsSmoothing p)
    {
        double alpha = p.Alpha, beta = p.Beta, gamma = p.Gamma, phi = p.Phi;
        if (alpha < Lower[0] || alpha > Upper[0]) return false;
        if (model.HasTrend && (beta < Lower[1] || beta > alpha || beta > Upper[1])) return false;
        if (model.Damped && (phi < Lower[3] || phi > Upper[3])) return false;
        if (model.HasSeason && (gamma < Lower[2] || gamma > 1 - alpha || gamma > Upper[2])) return false;
        return Admissible(alpha, model.HasTrend ? beta : null, model.HasSeason ? gamma : null, phi, m);
    }

    /// <summary>R's <c>forecast:::admissible</c>: whether the parameters keep the model forecastable (see the class
    /// remarks); β null without a trend, γ null without a season, φ = 1 undamped.</summary>
    internal static bool Admissible(double alpha, double? beta, double? gamma, double phi, int m)
    {
        if (phi < 0 || phi > 1 + 1e-8) return false;
        if (gamma is not double g)
        {
            if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
            if (beta is double bt && (bt < alpha * (phi - 1) || bt > (1 + phi) * (2 - alpha))) return false;
            return true;
        }
        if (m <= 1) return true;
        double b = beta ?? 0;
        if (g < Math.Max(1 - 1 / phi - alpha, 0) || g > 1 + 1 / phi - alpha) return false;
        if (alpha < 1 - 1 / phi - g * (1 - m + phi + phi * m) / (2 * phi * m)) return false;
        if (b < -(1 - phi) * (g / m + alpha)) return false;

        // The characteristic polynomial, coefficients of z^0..z^{m+1}.
        Span<double> poly = stackalloc double[m + 2];
        poly[0] = phi * (1 - alpha - g);
        poly[1] = alpha + b - alpha * phi + g - 1;
        for (int k = 2; k < m; k++) poly[k] = alpha + b - alpha * phi;
        poly[m] = alpha + b - phi;
        poly[m + 1] = 1;
        if (beta is null && phi == 1)
        {
            // Without a trend the polynomial has the root z = 1 exactly (its coefficients sum to mβ = 0): divide it
            // out, so the test below judges the other roots and not rounding at a root on the circle.
            Span<double> q = stackalloc double[m + 1];
            double carry = 0;
            for (int k = m + 1; k >= 1; k--)
            {
                carry = poly[k] + carry;
                q[k - 1] = carry;
            }
            return RootsWithin(q, 1 + 1e-10);
        }
        return RootsWithin(poly, 1 + 1e-10);
    }

    /// <summary>
    /// Whether every root of Σ c_k z^k (c_0 first, leading c_d ≠ 0) has modulus below <paramref name="radius"/>: the
    /// Schur–Cohn test on the polynomial in w = z / radius. With a_k the coefficients of degree d, all roots lie inside
    /// the unit circle iff |a_0| &lt; |a_d| and the same holds for the degree-d−1 polynomial
    /// b_k = a_d a_{k+1} − a_0 a_{d−1−k} (Marden, "Geometry of Polynomials", §42).
    /// </summary>
    internal static bool RootsWithin(ReadOnlySpan<double> coefficients, double radius)
    {
        int d = coefficients.Length - 1;
        Span<double> a = stackalloc double[d + 1];
        double scale = 1;
        for (int k = 0; k <= d; k++)
        {
            a[k] = coefficients[k] * scale;
            scale *= radius;
        }
        Span<double> next = stackalloc double[d + 1];
        for (; d > 0; d--)
        {
            double a0 = a[0], ad = a[d];
            if (!(Math.Abs(a0) < Math.Abs(ad))) return false;
            for (int k = 0; k < d; k++) next[k] = ad * a[k + 1] - a0 * a[d - 1 - k];
            double lead = next[d - 1];
            for (int k = 0; k < d; k++) a[k] = next[k] / lead;
        }
        return true;
    }

    /// <summary>The criterion the optimiser minimises, as R's <c>EtsTargetFunction::eval</c>: +∞ outside the bounds or
    /// with a negative multiplicative seasonal state, lik otherwise (at least −1e10; NaN counts as +∞).</summary>
    private sealed class Objective(double[] y, EtsModel model, int m, int smoothingCount)
    {
        private readonly double[] _x0 = new double[EtsFilter.StateLength(model, m)];

        public double Evaluate(double[] par)
        {
            var p = Unpack(model, par);
            if (!WithinBounds(model, m, p)) return double.PositiveInfinity;
            var free = par.AsSpan(smoothingCount);
            free.CopyTo(_x0);
            if (model.HasSeason)
            {
                int first = model.HasTrend ? 2 : 1;
                double sum = 0;
                for (int i = first; i < free.Length; i++) sum += free[i];
                _x0[^1] = (model.Season == EtsSeason.Multiplicative ? m : 0) - sum;
                if (model.Season == EtsSeason.Multiplicative)
                    for (int i = first; i < _x0.Length; i++)
                        if (_x0[i] < 0) return double.PositiveInfinity;
            }
            double lik = EtsFilter.Run(y, model, m, p, _x0, [], [], []);
            if (lik < -1e10) lik = -1e10;
            return double.IsNaN(lik) ? double.PositiveInfinity : lik;
        }
    }
}
