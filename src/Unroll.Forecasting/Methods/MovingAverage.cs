namespace Unroll.Forecasting.Methods;

/// <summary>
/// The moving-average forecast: the mean of the last w values (w = <see cref="Window"/>, 3 by default), repeated.
/// </summary>
/// <remarks>
/// <para>Point forecast at origin o for step k = 1..h: ŷ(o + k) = (1/w)·Σ_{j=0..w−1} y(o − j) (the mean of all the
/// history when it is shorter than w).</para>
/// <para>Interval. A moving average is not the forecast of a standard model (R's forecast package has no such
/// method), so there is no textbook variance; the interval is empirical instead, ŷ ± z·σ_k, with σ_k² the mean
/// squared error of the method's own k-step forecasts within the n training values: every origin o with a full
/// window (o ≥ w) and its target inside them (o + k ≤ n), n − w − k + 1 errors for step k. Each σ_k is measured for
/// k ≤ K = max(1, ⌊(n − w)/2⌋), so that at least half the possible origins inform it; beyond K it grows as a random
/// walk's would, σ_k = σ_K·√(k/K). The errors are treated as normal. The σ_k are fixed by the fit.</para>
/// <para>Needs at least w + 1 training values (one error to measure).</para>
/// </remarks>
public sealed class MovingAverageMethod : IForecastingMethod
{
    /// <summary>A moving average of the last <paramref name="window"/> values.</summary>
    /// <param name="window">Values averaged, at least 1.</param>
    public MovingAverageMethod(int window = Baselines.Baseline.MovingAverageWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Window = window;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.MovingAverage;

    /// <summary>w: the values averaged.</summary>
    public int Window { get; }

    /// <summary>The point forecasts alone: the mean of the last <paramref name="window"/> values of
    /// <paramref name="history"/> (all of them when fewer), <paramref name="horizon"/> times.</summary>
    /// <param name="history">At least one value.</param>
    /// <param name="window">Values averaged, at least 1.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public static double[] PointForecast(ReadOnlySpan<double> history, int window, int horizon)
    {
        int k = Math.Min(window, history.Length);
        double sum = 0;
        for (int i = history.Length - k; i < history.Length; i++) sum += history[i];
        var result = new double[horizon];
        Array.Fill(result, sum / k);
        return result;
    }

    /// <inheritdoc/>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(Method, train, season);
        int n = train.Length, w = Window;
        if (n < w + 1)
            return MethodFit.Not($"needs at least {w + 1} points (a window of {w} and a value to check it against), got {n}");
        int maxMeasured = Math.Max(1, (n - w) / 2);
        var sigma = new double[maxMeasured];
        var ss = new double[maxMeasured];
        for (int o = w; o < n; o++)
        {
            double mean = 0;
            for (int j = o - w; j < o; j++) mean += train[j];
            mean /= w;
            for (int k = 1; k <= maxMeasured && o + k <= n; k++)
                ss[k - 1] += (train[o + k - 1] - mean) * (train[o + k - 1] - mean);
        }
        for (int k = 1; k <= maxMeasured; k++) sigma[k - 1] = Math.Sqrt(ss[k - 1] / (n - w - k + 1));
        return MethodFit.Of(new MovingAverageFit(n, w, sigma));
    }
}

/// <summary>A fitted <see cref="MovingAverageMethod"/>.</summary>
public sealed class MovingAverageFit : IFittedMethod
{
    private readonly double[] _sigma;

    internal MovingAverageFit(int trainLength, int window, double[] sigma)
    {
        TrainLength = trainLength;
        Window = window;
        _sigma = sigma;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.MovingAverage;

    /// <inheritdoc/>
    public string Description => $"moving average of {Window}";

    /// <summary>The number of values it was fitted on.</summary>
    public int TrainLength { get; }

    /// <summary>w: the values averaged.</summary>
    public int Window { get; }

    /// <summary>σ_k, k = 1..K: the root mean squared in-sample k-step error (see <see cref="MovingAverageMethod"/>).</summary>
    public IReadOnlyList<double> MeasuredSigma => _sigma;

    /// <summary>σ_k for any step k ≥ 1: measured up to K, then σ_K·√(k/K).</summary>
    public double SigmaAt(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int kMax = _sigma.Length;
        return k <= kMax ? _sigma[k - 1] : _sigma[kMax - 1] * Math.Sqrt((double)k / kMax);
    }

    /// <inheritdoc/>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(Method, TrainLength, history, horizon, levels);
        var sd = new double[horizon];
        for (int k = 1; k <= horizon; k++) sd[k - 1] = SigmaAt(k);
        return PredictionIntervals.Normal(MovingAverageMethod.PointForecast(history, Window, horizon), sd, levels);
    }
}
