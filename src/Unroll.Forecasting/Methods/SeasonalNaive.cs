namespace Unroll.Forecasting.Methods;

/// <summary>
/// The seasonal naive forecast: the value one season (m steps) before, repeated season after season; R's
/// <c>snaive()</c>, with its intervals.
/// </summary>
/// <remarks>
/// <para>Point forecast at origin o (the history's length) for step k = 1..h: ŷ(o + k) = y(o + k − m·⌈k/m⌉).</para>
/// <para>Interval: ŷ ± z·s_m·√⌈k/m⌉, with s_m² = (1/(n − m))·Σ_{t=m+1..n} (y(t) − y(t−m))², the mean squared
/// seasonal difference over the n training values (R's <c>lagwalk(lag = m)</c> and <c>forecast.lagwalk</c>).</para>
/// <para>Applies to seasonal series (m ≥ 2) with at least two full seasons of training values (n ≥ 2m).</para>
/// </remarks>
public sealed class SeasonalNaiveMethod : IForecastingMethod
{
    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.SeasonalNaive;

    /// <inheritdoc/>
    public MethodFit Fit(ReadOnlySpan<double> train, int season)
    {
        PredictionIntervals.CheckTrain(Method, train, season);
        if (season == 1)
            return MethodFit.Not("not seasonal (season 1)");
        if (train.Length < 2 * season)
            return MethodFit.Not($"needs two full seasons: {train.Length} points, {2 * season} needed (m = {season})");
        double sum = 0;
        for (int t = season; t < train.Length; t++) sum += (train[t] - train[t - season]) * (train[t] - train[t - season]);
        return MethodFit.Of(new SeasonalNaiveFit(train.Length, season, Math.Sqrt(sum / (train.Length - season))));
    }
}

/// <summary>A fitted <see cref="SeasonalNaiveMethod"/>.</summary>
public sealed class SeasonalNaiveFit : IFittedMethod
{
    internal SeasonalNaiveFit(int trainLength, int season, double sigma)
    {
        TrainLength = trainLength;
        Season = season;
        Sigma = sigma;
    }

    /// <inheritdoc/>
    public ForecastMethod Method => ForecastMethod.SeasonalNaive;

    /// <inheritdoc/>
    public string Description => $"seasonal naive (m = {Season})";

    /// <summary>The number of values it was fitted on.</summary>
    public int TrainLength { get; }

    /// <summary>m: steps per season.</summary>
    public int Season { get; }

    /// <summary>s_m: the root mean squared seasonal difference over the training values.</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
    {
        PredictionIntervals.CheckForecastArguments(Method, TrainLength, history, horizon, levels);
        int o = history.Length, m = Season;
        var mean = new double[horizon];
        var sd = new double[horizon];
        for (int k = 1; k <= horizon; k++)
        {
            mean[k - 1] = history[o - m + (k - 1) % m];          // y(o + k − m·⌈k/m⌉), 0-based
            sd[k - 1] = Sigma * Math.Sqrt((k - 1) / m + 1);      // √⌈k/m⌉
        }
        return PredictionIntervals.Normal(mean, sd, levels);
    }
}
