namespace Unroll.Forecasting;

/// <summary>A way to forecast, as a backtest scores and a report shows it: the trained network or a baseline.</summary>
/// <remarks>Names for people and files (JSON keys, table rows, chart legends) come from <see cref="ForecastMethods.Name"/>.</remarks>
public enum ForecastMethod
{
    /// <summary>The trained forecaster (<see cref="Forecaster"/>): by default half the recurrent network's forecast and half
    /// ETS's and Theta's (<see cref="ForecastSettings.CombineClassical"/>).</summary>
    Model,
    /// <summary>The recurrent network's own forecast, without the classical methods it is combined with (a backtest
    /// shows it beside the model when they differ).</summary>
    Network,
    /// <summary>The last value, repeated.</summary>
    Naive,
    /// <summary>The last value plus the average step so far (the line from the first value to the last, extended).</summary>
    Drift,
    /// <summary>The mean of the last few values (<see cref="Baselines.Baseline.MovingAverageWindow"/>), repeated.</summary>
    MovingAverage,
    /// <summary>The value one season (m steps) before, repeated season after season.</summary>
    SeasonalNaive,
    /// <summary>The Theta method as R's <c>forecast::thetaf</c>: simple exponential smoothing with drift of half the
    /// regression slope, on the seasonally adjusted series when a seasonality test says so.</summary>
    Theta,
    /// <summary>Exponential smoothing state-space models (errors A/M, trend N/A/Ad, season N/A/M), fitted by maximum
    /// likelihood and chosen by AICc, as R's <c>forecast::ets</c>.</summary>
    Ets,
}

/// <summary>The names of <see cref="ForecastMethod"/>s.</summary>
public static class ForecastMethods
{
    /// <summary>model, network, naive, drift, moving_average, seasonal_naive, theta, ets.</summary>
    public static Unroll.Core.NameTable<ForecastMethod> Names { get; } = new(
        (ForecastMethod.Model, "model", []),
        (ForecastMethod.Network, "network", []),
        (ForecastMethod.Naive, "naive", []),
        (ForecastMethod.Drift, "drift", []),
        (ForecastMethod.MovingAverage, "moving_average", ["moving-average"]),
        (ForecastMethod.SeasonalNaive, "seasonal_naive", ["seasonal-naive", "snaive"]),
        (ForecastMethod.Theta, "theta", []),
        (ForecastMethod.Ets, "ets", []));

    /// <summary>The method's name in JSON, tables and charts.</summary>
    public static string Name(this ForecastMethod method) => Names.Name(method);
}
