namespace Unroll.Forecasting.Methods;

/// <summary>
/// The naive forecast: the last value, repeated; a random walk's forecast, with R's <c>naive()</c> intervals.
/// </summary>
/// <remarks>
/// <para>Point forecast at origin o (the history's length) for step k = 1..h: ŷ(o + k) = y(o).</para>
/// <para>Interval: ŷ ± z·s·√k, with s² = (1/(n − 1))·Σ_{t=2..n} (y(t) − y(t−1))², the mean squared one-step
/// difference over the n training values (R's <c>lagwalk</c> <c>sigma2</c>, <c>forecast.lagwalk</c>'s
/// <c>se = sqrt(mse·steps)</c>). s is fixed by the fit; the origin moves on with the history.</para>
/// </remarks>
public sealed class NaiveMethod : IForecastingMethod
{
    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Naive;

    /// <summary>The point forecasts alone: the last value of <paramref name="history"/>, <paramref name="horizon"/> times.</summary>
    /// <param name="history">At least one value.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public static double[] PointForecast(ReadOnlySpan<double> history, int horizon)
    {
        var result = new double[horizon];
        Array.Fill(result, history[^1]);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>Needs at least 2 training values (one difference for s).</remarks>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(Method, train, season);
        if (train.Length < 2)
            return MethodFit.Not($"needs at least 2 points to measure its one-step spread, got {train.Length}");
        double sum = 0;
        for (int t = 1; t < train.Length; t++) sum += (train[t] - train[t - 1]) * (train[t] - train[t - 1]);
        return MethodFit.Of(new NaiveFit(train.Length, Math.Sqrt(sum / (train.Length - 1))));
    }
}

/// <summary>A fitted <see cref="NaiveMethod"/>.</summary>
public sealed class NaiveFit : IFittedMethod
{
    internal NaiveFit(int trainLength, double sigma)
    {
        TrainLength = trainLength;
        Sigma = sigma;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.Naive;

    /// <inheritdoc/>
    public string Description => "naive";

    /// <summary>The number of values it was fitted on.</summary>
    public int TrainLength { get; }

    /// <summary>s: the root mean squared one-step difference over the training values.</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(Method, TrainLength, history, horizon, levels);
        var sd = new double[horizon];
        for (int k = 1; k <= horizon; k++) sd[k - 1] = Sigma * Math.Sqrt(k);
        return PredictionIntervals.Normal(NaiveMethod.PointForecast(history, horizon), sd, levels);
    }
}
