namespace Unroll.Forecasting.Methods;

/// <summary>
/// The h-step forecast mean and variance of an ETS model from its last state, by the analytic formulas of Hyndman,
/// Koehler, Ord and Snyder (2008, ch. 6) in the three classes R's <c>forecast.ets</c> uses (<c>class1</c>,
/// <c>class2</c>, <c>class3</c>); every model with an additive or no trend is in one of them, so nothing is simulated.
/// </summary>
/// <remarks>
/// With σ² the variance of ε, μ_h the point forecast and, for the linear models,
/// c_j = α + β φ_j + γ d_j (φ_j = φ + φ² + … + φ^j, j undamped; d_j = 1 when j is a multiple of m, else 0):
/// <list type="bullet">
/// <item>Class 1, additive errors, season N or A: v_h = σ² (1 + Σ_{j=1}^{h−1} c_j²).</item>
/// <item>Class 2, multiplicative errors, season N or A: θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j=1}^{h−1} c_j² θ_{h−j};
/// v_h = (1 + σ²) θ_h − μ_h².</item>
/// <item>Class 3, multiplicative errors and season: the state splits into x1 = (l, b?) and x2 = (s_1..s_m) with
/// y_t = (H1 x1)(H2 x2)(1 + ε_t), x1_t = (F1 + G1 ε_t) x1_{t−1}, x2_t = (F2 + G2 ε_t) x2_{t−1}; the mean M_h of x1 x2ᵀ and
/// the variance V_h of its vec run forward as in R's class3 (see <see cref="Class3"/>), μ_h = H1 M_h H2ᵀ (which exceeds
/// the point forecast by a σ² term once h > m) and v_h = (1 + σ²) H21 V_h H21ᵀ + σ² μ_h².</item>
/// </list>
/// Where R 8.20's code departs from these formulas, this code follows the formulas (tests check it against R's own
/// simulation of the model, <c>simulate.ets</c>, which runs the recursions):
/// <list type="bullet">
/// <item><c>class1</c> puts γ in the third row of G, which is s_1 only when there is a trend: for ETS(A,N,A) and
/// ETS(M,N,A) the seasonal shock returns after m − 1 steps instead of m, so R's variance is off at h = m, 2m, … for A
/// errors (27% at h = 12 on gas, 12% at h = 4 on woolyrnq) and from h = m on for M errors;</item>
/// <item><c>class3</c> uses the undamped F1 = [[1, 1], [0, φ]], G1 = [[α, α], [β, β]], H1 = (1, 1) for a damped trend,
/// whose model has F1 = [[1, φ], [0, φ]], G1 = [[α, αφ], [β, βφ]], H1 = (1, φ): R's ETS(M,Ad,M) forecasts are
/// (l + b + φb + …) s instead of (l + φb + φ²b + …) s, already at h = 1, where its own fitted values use the latter
/// (over 2m steps on the suite's series, R's means differ from the model's by up to 1.2%, 0.14% on gas, and its
/// variances by up to 24%);</item>
/// <item>not used here but worth knowing: <c>etsforecast</c>, the point forecasts R's simulation path reports, adds φ^j
/// instead of φ^{j+1} at step j + 1, so its damped forecasts are l + (φ + φ + φ² + …) b from h = 2 on.</item>
/// </list>
/// </remarks>
internal static class EtsVariance
{
    /// <summary>The forecast means and variances of steps 1..h from the last state <paramref name="x"/>.</summary>
    public static (double[] Mean, double[] Variance) Forecast(EtsModel model, int m, in EtsSmoothing p, double sigma2,
        ReadOnlySpan<double> x, int horizon)
    {
        if (!model.HasSeason) m = 1;
        if (model.Error == EtsError.Multiplicative && model.Season == EtsSeason.Multiplicative)
            return Class3(model, m, p, sigma2, x, horizon);

        var mean = new double[horizon];
        EtsFilter.PointForecasts(model, m, p.Phi, x, mean);
        // c_j, j = 1..h−1
        var c = new double[Math.Max(horizon - 1, 0)];
        double phiJ = 0, power = 1;
        for (int j = 1; j < horizon; j++)
        {
            power *= model.Damped ? p.Phi : 1;
            phiJ += power;
            c[j - 1] = p.Alpha + (model.HasTrend ? p.Beta * phiJ : 0) + (model.HasSeason && j % m == 0 ? p.Gamma : 0);
        }
        var variance = new double[horizon];
        if (model.Error == EtsError.Additive)
        {
            double sum = 0;
            for (int h = 0; h < horizon; h++)
            {
                variance[h] = sigma2 * (1 + sum);
                if (h < c.Length) sum += c[h] * c[h];
            }
            return (mean, variance);
        }
        var theta = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            double s = 0;
            for (int j = 1; j <= h; j++) s += c[j - 1] * c[j - 1] * theta[h - j];
            theta[h] = mean[h] * mean[h] + sigma2 * s;
            variance[h] = (1 + sigma2) * theta[h] - mean[h] * mean[h];
        }
        return (mean, variance);
    }

    /// <summary>
    /// Class 3 (multiplicative error and season), with M_1 = x1 x2ᵀ, V_1 = 0 and, per step,
    /// <code>
    /// μ_h = H1 M_h H2ᵀ              v_h = (1 + σ²) H21 V_h H21ᵀ + σ² μ_h²
    /// V_{h+1} = F21 V F21ᵀ + σ² [F21 V G21ᵀ + G21 V F21ᵀ + K (V + vec M vec Mᵀ) Kᵀ + σ² G21 (3V + 2 vec M vec Mᵀ) G21ᵀ]
    /// M_{h+1} = F1 M F2ᵀ + σ² G1 M G2ᵀ
    /// </code>
    /// H21 = H2 ⊗ H1, F21 = F2 ⊗ F1, G21 = G2 ⊗ G1, K = G2 ⊗ F1 + F2 ⊗ G1 (vec stacks columns); F2 moves each s_k one
    /// place older and s_m to s_1, G2 has γ at (1, m), H2 picks s_m.
    /// </summary>
    private static (double[] Mean, double[] Variance) Class3(EtsModel model, int m, in EtsSmoothing p, double sigma2,
        ReadOnlySpan<double> x, int horizon)
    {
        int p1 = model.HasTrend ? 2 : 1;
        double phi = p.Phi;
        Matrix h1 = new(1, p1), f1 = new(p1, p1), g1 = new(p1, p1);
        h1[0, 0] = 1;
        f1[0, 0] = 1;
        g1[0, 0] = p.Alpha;
        if (model.HasTrend)
        {
            h1[0, 1] = phi;
            f1[0, 1] = phi;
            f1[1, 1] = phi;
            g1[0, 1] = p.Alpha * phi;
            g1[1, 0] = p.Beta;
            g1[1, 1] = p.Beta * phi;
        }
        Matrix h2 = new(1, m), f2 = new(m, m), g2 = new(m, m);
        h2[0, m - 1] = 1;
        f2[0, m - 1] = 1;
        for (int i = 1; i < m; i++) f2[i, i - 1] = 1;
        g2[0, m - 1] = p.Gamma;

        var mh = new Matrix(p1, m);
        for (int i = 0; i < p1; i++)
            for (int j = 0; j < m; j++) mh[i, j] = x[i] * x[p1 + j];
        int q = p1 * m;
        var vh = new Matrix(q, q);
        Matrix h21 = Matrix.Kronecker(h2, h1), f21 = Matrix.Kronecker(f2, f1), g21 = Matrix.Kronecker(g2, g1);
        Matrix k = Matrix.Kronecker(g2, f1) + Matrix.Kronecker(f2, g1);
        Matrix f21T = f21.Transpose(), g21T = g21.Transpose(), kT = k.Transpose(), f2T = f2.Transpose(), g2T = g2.Transpose();

        var mean = new double[horizon];
        var variance = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            double mu = (h1 * mh * h2.Transpose())[0, 0];
            mean[h] = mu;
            variance[h] = (1 + sigma2) * (h21 * vh * h21.Transpose())[0, 0] + sigma2 * mu * mu;
            if (h == horizon - 1) break;
            var vecM = mh.Vec();
            var outer = vecM * vecM.Transpose();
            var fv = f21 * vh;
            var gv = g21 * vh;
            vh = fv * f21T + sigma2 * (fv * g21T + gv * f21T + k * (vh + outer) * kT + sigma2 * (g21 * (3 * vh + 2 * outer) * g21T));
            mh = f1 * mh * f2T + sigma2 * (g1 * mh * g2T);
        }
        return (mean, variance);
    }

    /// <summary>A small dense matrix, row-major, for class 3's Kronecker products (at most 48 × 48).</summary>
    private sealed class Matrix(int rows, int cols)
    {
        private readonly double[] _a = new double[rows * cols];
        public int Rows { get; } = rows;
        public int Cols { get; } = cols;

        public double this[int i, int j]
        {
            get => _a[i * Cols + j];
            set => _a[i * Cols + j] = value;
        }

        public Matrix Transpose()
        {
            var t = new Matrix(Cols, Rows);
            for (int i = 0; i < Rows; i++)
                for (int j = 0; j < Cols; j++) t[j, i] = this[i, j];
            return t;
        }

        /// <summary>vec: the columns stacked, as a column.</summary>
        public Matrix Vec()
        {
            var v = new Matrix(Rows * Cols, 1);
            for (int j = 0; j < Cols; j++)
                for (int i = 0; i < Rows; i++) v[j * Rows + i, 0] = this[i, j];
            return v;
        }

        public static Matrix Kronecker(Matrix a, Matrix b)
        {
            var r = new Matrix(a.Rows * b.Rows, a.Cols * b.Cols);
            for (int i = 0; i < a.Rows; i++)
                for (int j = 0; j < a.Cols; j++)
                {
                    double aij = a[i, j];
                    if (aij == 0) continue;
                    for (int k = 0; k < b.Rows; k++)
                        for (int l = 0; l < b.Cols; l++) r[i * b.Rows + k, j * b.Cols + l] = aij * b[k, l];
                }
            return r;
        }

        public static Matrix operator *(Matrix a, Matrix b)
        {
            var r = new Matrix(a.Rows, b.Cols);
            for (int i = 0; i < a.Rows; i++)
                for (int k = 0; k < a.Cols; k++)
                {
                    double aik = a[i, k];
                    if (aik == 0) continue;
                    for (int j = 0; j < b.Cols; j++) r._a[i * r.Cols + j] += aik * b._a[k * b.Cols + j];
                }
            return r;
        }

        public static Matrix operator *(double s, Matrix a)
        {
            var r = new Matrix(a.Rows, a.Cols);
            for (int i = 0; i < a._a.Length; i++) r._a[i] = s * a._a[i];
            return r;
        }

        public static Matrix operator +(Matrix a, Matrix b)
        {
            var r = new Matrix(a.Rows, a.Cols);
            for (int i = 0; i < a._a.Length; i++) r._a[i] = a._a[i] + b._a[i];
            return r;
        }
    }

    /// <summary>
    /// The standard normal quantile Φ⁻¹(p), 0 &lt; p &lt; 1, by Wichura's algorithm AS 241 (PPND16, Applied Statistics
    /// 37, 1988), accurate to about 1e-16, the method of R's <c>qnorm</c>.
    /// </summary>
    internal static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            return q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                        + 133.14166789178437745) * r + 3.387132872796366608)
                   / (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                        + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                        + 42.313330701600911252) * r + 1.0);
        }
        double rr = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        double value;
        if (rr <= 5)
        {
            rr -= 1.6;
            value = (((((((7.7454501427834140764e-4 * rr + 0.0227238449892691845833) * rr + 0.24178072517745061177) * rr
                        + 1.27045825245236838258) * rr + 3.64784832476320460504) * rr + 5.7694972214606914055) * rr
                        + 4.6303378461565452959) * rr + 1.42343711074968357734)
                    / (((((((1.05075007164441684324e-9 * rr + 5.475938084995344946e-4) * rr + 0.0151986665636164571966) * rr
                        + 0.14810397642748007459) * rr + 0.68976733498510000455) * rr + 1.6763848301838038494) * rr
                        + 2.05319162663775882187) * rr + 1.0);
        }
        else
        {
            rr -= 5;
            value = (((((((2.01033439929228813265e-7 * rr + 2.71155556874348757815e-5) * rr + 0.0012426609473880784386) * rr
                        + 0.026532189526576123093) * rr + 0.29656057182850489123) * rr + 1.7848265399172913358) * rr
                        + 5.4637849111641143699) * rr + 6.6579046435011037772)
                    / (((((((2.04426310338993978564e-15 * rr + 1.4215117583164458887e-7) * rr + 1.8463183175100546818e-5) * rr
                        + 7.868691311456132591e-4) * rr + 0.0148753612908506148525) * rr + 0.13692988092273580531) * rr
                        + 0.59983220655588793769) * rr + 1.0);
        }
        return q < 0 ? -value : value;
    }
}
