namespace Unroll.Forecasting;

/// <summary>A way to forecast, as a backtest scores and a report shows it: the trained network or a baseline.</summary>
/// <remarks>Names for people and files (JSON keys, table rows, chart legends) come from <see cref="ForecastMethods.Name"/>.</remarks>
public enum ForecastMethod
{
    /// <summary>The trained recurrent network (<see cref="Forecaster"/>).</summary>
    Model,
    /// <summary>The last value, repeated.</summary>
    Naive,
    /// <summary>The last value plus the average step so far (the line from the first value to the last, extended).</summary>
    Drift,
    /// <summary>The mean of the last few values (<see cref="Baselines.Baseline.MovingAverageWindow"/>), repeated.</summary>
    MovingAverage,
}

/// <summary>The names of <see cref="ForecastMethod"/>s.</summary>
public static class ForecastMethods
{
    /// <summary>model, naive, drift, moving_average (read also as moving-average).</summary>
    public static Unroll.Core.NameTable<ForecastMethod> Names { get; } = new(
        (ForecastMethod.Model, "model", []),
        (ForecastMethod.Naive, "naive", []),
        (ForecastMethod.Drift, "drift", []),
        (ForecastMethod.MovingAverage, "moving_average", ["moving-average"]));

    /// <summary>The method's name in JSON, tables and charts: model, naive, drift, moving_average.</summary>
    public static string Name(this ForecastMethod method) => Names.Name(method);
}
