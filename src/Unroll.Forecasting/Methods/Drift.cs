namespace Unroll.Forecasting.Methods;

/// <summary>
/// The drift forecast: the last value plus the average step so far (the line from the first value to the last,
/// extended); a random walk with drift, with R's <c>rwf(drift = TRUE)</c> intervals.
/// </summary>
/// <remarks>
/// <para>Point forecast at origin o (the history's length) for step k = 1..h: ŷ(o + k) = y(o) + k·(y(o) − y(1))/(o − 1)
/// (0 slope when o = 1). The slope is re-estimated from the whole history at each origin, as the backtest and
/// <c>../shared/forecast/baselines.R</c> have always computed it.</para>
/// <para>Interval, from the n training values' differences d(t) = y(t) − y(t−1), t = 2..n, with mean b:
/// ŷ ± z·√(σ²·k + k²·se_b²), σ² = Σ (d − b)²/(n − 2) and se_b² = σ²/(n − 1) (R's <c>lagwalk(drift = TRUE)</c>: the
/// residual variance and the drift's standard error of <c>lm(d ~ 1)</c>; <c>forecast.lagwalk</c>'s
/// <c>se = sqrt(mse·steps + (steps·drift.se)²)</c>). Where b is exactly 0, R's <c>mse</c> divides by n − 1
/// instead (it counts the drift as a parameter only when it is not 0); so does this. σ and se_b are fixed by the
/// fit.</para>
/// </remarks>
public sealed class DriftMethod : IForecastingMethod
{
    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Drift;

    /// <summary>The point forecasts alone (see the class remarks).</summary>
    /// <param name="history">At least one value.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public static double[] PointForecast(ReadOnlySpan<double> history, int horizon)
    {
        double last = history[^1];
        double slope = history.Length > 1 ? (last - history[0]) / (history.Length - 1) : 0;
        var result = new double[horizon];
        for (int h = 0; h < horizon; h++) result[h] = last + slope * (h + 1);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Needs at least 3 training values (two differences for a variance around their mean).</remarks>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(Method, train, season);
        int n = train.Length;
        if (n < 3)
            return MethodFit.Not($"needs at least 3 points to measure the spread of its steps around their mean, got {n}");
        double b = (train[^1] - train[0]) / (n - 1);   // the mean difference
        double ss = 0;
        for (int t = 1; t < n; t++) ss += (train[t] - train[t - 1] - b) * (train[t] - train[t - 1] - b);
        double sigma2Lm = ss / (n - 2);                 // lm's residual variance: n − 1 differences, 1 parameter
        double mse = b != 0 ? sigma2Lm : ss / (n - 1);   // R: sum(res²)/(count − (drift != 0))
        return MethodFit.Of(new DriftFit(n, Math.Sqrt(mse), Math.Sqrt(sigma2Lm / (n - 1))));
    }
}

/// <summary>A fitted <see cref="DriftMethod"/>.</summary>
public sealed class DriftFit : IFittedMethod
{
    internal DriftFit(int trainLength, double sigma, double driftStandardError)
    {
        TrainLength = trainLength;
        Sigma = sigma;
        DriftStandardError = driftStandardError;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Drift;

    /// <inheritdoc/>
    public string Description => "drift";

    /// <summary>The number of values it was fitted on.</summary>
    public int TrainLength { get; }

    /// <summary>σ: the standard deviation of the training differences around their mean.</summary>
    public double Sigma { get; }

    /// <summary>se_b: the standard error of the training drift (the mean difference).</summary>
    public double DriftStandardError { get; }

    /// <inheritdoc/>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(Method, TrainLength, history, horizon, levels);
        var sd = new double[horizon];
        for (int k = 1; k <= horizon; k++)
            sd[k - 1] = Math.Sqrt(Sigma * Sigma * k + k * k * DriftStandardError * DriftStandardError);
        return PredictionIntervals.Normal(DriftMethod.PointForecast(history, horizon), sd, levels);
    }
}
