using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Baselines;

/// <summary>Point forecasts of the fit-free baselines (naive, drift, moving average) from a history: a thin wrapper
/// over <see cref="NaiveMethod.PointForecast"/>, <see cref="DriftMethod.PointForecast"/> and
/// <see cref="MovingAverageMethod.PointForecast"/>. For intervals, and for seasonal naive and Theta, fit an
/// <see cref="IForecastingMethod"/> from <see cref="ClassicalMethods"/> instead.</summary>
public static class Baseline
{
    /// <summary>Values averaged by <see cref="ForecastMethod.MovingAverage"/>.</summary>
    public const int MovingAverageWindow = 3;

    /// <summary>Forecasts <paramref name="horizon"/> steps after <paramref name="history"/> (at least one value).</summary>
    /// <param name="method">A baseline: <see cref="ForecastMethod.Naive"/>, <see cref="ForecastMethod.Drift"/> or
    /// <see cref="ForecastMethod.MovingAverage"/> (the model forecasts with <see cref="Forecaster.PredictFrom(Unroll.Data.TimeSeries, int, int)"/>).</param>
    /// <param name="history">The values before the first forecast step.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public static double[] Forecast(ForecastMethod method, ReadOnlySpan<double> history, int horizon)
    {
        if (history.Length == 0) throw new ArgumentException("a baseline needs at least one value of history");
        if (horizon < 1) throw new ArgumentException($"horizon must be at least 1, got {horizon}");
        return method switch
        {
            ForecastMethod.Naive => NaiveMethod.PointForecast(history, horizon),
            ForecastMethod.Drift => DriftMethod.PointForecast(history, horizon),
            ForecastMethod.MovingAverage => MovingAverageMethod.PointForecast(history, MovingAverageWindow, horizon),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method,
                $"{method.Name()} is not a baseline{(method is ForecastMethod.Model or ForecastMethod.Network ? "" : "; fit it with ClassicalMethods (it needs a fit or a season)")}"),
        };
    }
}
