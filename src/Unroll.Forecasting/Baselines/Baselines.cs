namespace Unroll.Forecasting.Baselines;

/// <summary>Baseline forecasts from a history.</summary>
public static class Baseline
{
    /// <summary>Values averaged by <see cref="ForecastMethod.MovingAverage"/>.</summary>
    public const int MovingAverageWindow = 3;

    /// <summary>Forecasts <paramref name="horizon"/> steps after <paramref name="history"/> (at least one value).</summary>
    /// <param name="method">A baseline: <see cref="ForecastMethod.Naive"/>, <see cref="ForecastMethod.Drift"/> or
    /// <see cref="ForecastMethod.MovingAverage"/> (the model forecasts with <see cref="Forecaster.PredictFrom"/>).</param>
    /// <param name="history">The values before the first forecast step.</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    public static double[] Forecast(ForecastMethod method, ReadOnlySpan<double> history, int horizon)
    {
        if (history.Length == 0) throw new ArgumentException("a baseline needs at least one value of history");
        if (horizon < 1) throw new ArgumentException($"horizon must be at least 1, got {horizon}");
        double last = history[^1];
        var result = new double[horizon];
        switch (method)
        {
            case ForecastMethod.Naive:
                Array.Fill(result, last);
                break;
            case ForecastMethod.Drift:
                double slope = history.Length > 1 ? (last - history[0]) / (history.Length - 1) : 0;
                for (int h = 0; h < horizon; h++) result[h] = last + slope * (h + 1);
                break;
            case ForecastMethod.MovingAverage:
                int k = Math.Min(MovingAverageWindow, history.Length);
                double sum = 0;
                for (int i = history.Length - k; i < history.Length; i++) sum += history[i];
                Array.Fill(result, sum / k);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, $"{method.Name()} is not a baseline");
        }
        return result;
    }
}
