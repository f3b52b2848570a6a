namespace Unroll.Forecasting.Methods;

/// <summary>
/// The Theta method of Assimakopoulos and Nikolopoulos (2000) as R's <c>forecast::thetaf</c> computes it: simple
/// exponential smoothing with a drift of half the regression slope (Hyndman and Billah, 2003), on the seasonally
/// adjusted series when a seasonality test says so.
/// </summary>
/// <remarks>
/// <para>Fit on the n training values x, season m:</para>
/// <list type="number">
/// <item>Seasonality test (when m &gt; 1, x is not constant and n &gt; 2m): with r(k) the autocorrelations of x,
/// seasonal when |r(m)| / √((1 + 2·Σ_{k=1..m−1} r(k)²)/n) &gt; Φ⁻¹(0.95) = 1.645.</item>
/// <item>When seasonal: the classical multiplicative decomposition's seasonal indices s(j), j = t mod m
/// (<c>decompose(x, "multiplicative")</c>), and the seasonally adjusted x'(t) = x(t)/s(t mod m). If an index is
/// below 1e-4 in size, R gives up the seasonal adjustment, and so does this. Otherwise s = 1 and x' = x.</item>
/// <item>Simple exponential smoothing fitted to x' as R's <c>ses</c> does it (α, ℓ₀, σ²; see
/// <c>SimpleExponentialSmoothing</c>).</item>
/// <item>The drift b = slope/2, the slope of the least-squares line of x' on 0..n−1.</item>
/// </list>
/// <para>Forecast at origin o (the history's length; o = n at the end of the training part) for step k = 1..h, with
/// the parameters fixed and the level ℓ(o) run on from ℓ₀ through the history (adjusted with the same indices), as
/// <c>../shared/forecast/baselines.R</c> does:
/// ŷ(o + k) = [ℓ(o) + b·(k − 1 + (1 − (1 − α)^o)/α)]·s((o + k − 1) mod m), α floored at 1e-10 in the drift term.</para>
/// <para>Interval, as <c>thetaf</c> (its width is not reseasonalised): ŷ ± z·σ·√((k − 1)·α² + 1).</para>
/// <para>Needs at least 2 training values. A seasonal series with at most two seasons of training values
/// (n ≤ 2m) gets the non-seasonal method, as in <c>thetaf</c>; <see cref="ThetaFit.Description"/> says so.</para>
/// </remarks>
public sealed class ThetaMethod : IForecastingMethod
{
    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Theta;

    /// <inheritdoc/>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(Method, train, season);
        int n = train.Length, m = season;
        if (n < 2)
            return MethodFit.Not($"needs at least 2 points, got {n}");

        string? notSeasonal = null;
        bool seasonal = false;
        if (m > 1)
        {
            if (n <= 2 * m)
                notSeasonal = $"m = {m} needs more than two seasons ({2 * m + 1} points), got {n}";
            else if (ClassicalDecomposition.IsConstant(train))
                notSeasonal = "the values are constant";
            else
            {
                double ratio = ClassicalDecomposition.SeasonalityRatio(train, m);
                seasonal = ratio > PredictionIntervals.NormalQuantile(0.95);
                if (!seasonal) notSeasonal = $"no seasonality at lag {m}: |r({m})| is {ratio:0.##} standard errors, 1.64 needed";
            }
        }

        double[] figure = Enumerable.Repeat(1.0, Math.Max(m, 1)).ToArray();
        if (seasonal)
        {
            double[] f = ClassicalDecomposition.MultiplicativeFigure(train, m);
            if (f.Any(s => Math.Abs(s) < 1e-4))
            {
                seasonal = false;
                notSeasonal = "a seasonal index is near zero";
            }
            else figure = f;
        }

        var adjusted = new double[n];
        for (int t = 0; t < n; t++) adjusted[t] = train[t] / figure[t % figure.Length];
        var ses = SimpleExponentialSmoothing.Fit(adjusted);
        double drift = ClassicalDecomposition.Slope(adjusted) / 2;
        return MethodFit.Of(new ThetaFit(n, m, seasonal, figure, notSeasonal,
            ses.Alpha, ses.InitialLevel, drift, ses.Sigma2));
    }
}

/// <summary>A fitted <see cref="ThetaMethod"/>: its seasonal indices, smoothing parameter, initial level, drift and
/// variance, all fixed.</summary>
public sealed class ThetaFit : IFittedMethod
{
    private readonly double[] _figure;

    internal ThetaFit(int trainLength, int season, bool seasonal, double[] figure, string? notSeasonal,
        double alpha, double initialLevel, double drift, double sigma2)
    {
        TrainLength = trainLength;
        Season = season;
        Seasonal = seasonal;
        _figure = figure;
        NotSeasonalBecause = notSeasonal;
        Alpha = alpha;
        InitialLevel = initialLevel;
        Drift = drift;
        Sigma2 = sigma2;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Theta;

    /// <inheritdoc/>
    public string Description => Seasonal ? $"Theta, seasonal (m = {Season})"
        : NotSeasonalBecause is null ? "Theta" : $"Theta, not seasonal ({NotSeasonalBecause})";

    /// <summary>The number of values it was fitted on.</summary>
    public int TrainLength { get; }

    /// <summary>m, as given to the fit.</summary>
    public int Season { get; }

    /// <summary>Whether the series was seasonally adjusted.</summary>
    public bool Seasonal { get; }

    /// <summary>Why not, when m &gt; 1 and the series was not seasonally adjusted; otherwise null.</summary>
    public string? NotSeasonalBecause { get; }

    /// <summary>s(j), j = 0..m−1 for the positions t ≡ j (mod m) counted from the first training value; all 1 when not seasonal.</summary>
    public IReadOnlyList<double> SeasonalIndices => _figure;

    /// <summary>α, the smoothing parameter.</summary>
    public double Alpha { get; }

    /// <summary>ℓ₀, the seasonally adjusted level before the first training value.</summary>
    public double InitialLevel { get; }

    /// <summary>b, half the slope of the regression line through the seasonally adjusted training values.</summary>
    public double Drift { get; }

    /// <summary>σ², the variance of simple exponential smoothing's one-step errors (on the adjusted scale).</summary>
    public double Sigma2 { get; }

    /// <inheritdoc/>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(Method, TrainLength, history, horizon, levels);
        int o = history.Length, m = _figure.Length;
        double level = InitialLevel;
        for (int t = 0; t < o; t++) level += Alpha * (history[t] / _figure[t % m] - level);
        double a = Math.Max(1e-10, Alpha);
        double catchUp = -double.ExpM1(o * double.LogP1(-a)) / a;   // (1 − (1 − α)^o)/α, without cancellation
        var mean = new double[horizon];
        var sd = new double[horizon];
        double sigma = Math.Sqrt(Sigma2);
        for (int k = 1; k <= horizon; k++)
        {
            mean[k - 1] = (level + Drift * (k - 1 + catchUp)) * _figure[(o + k - 1) % m];
            sd[k - 1] = sigma * Math.Sqrt((k - 1) * a * a + 1);
        }
        return PredictionIntervals.Normal(mean, sd, levels);
    }
}
