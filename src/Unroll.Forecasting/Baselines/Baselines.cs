namespace Unroll.Forecasting.Baselines;

/// <summary>The simple forecasts every model is reported against.</summary>
public enum BaselineKind
{
    /// <summary>The last value, repeated.</summary>
    Naive,
    /// <summary>The last value plus the average step so far (the line from the first value to the last, extended).</summary>
    Drift,
    /// <summary>The mean of the last few values, repeated.</summary>
    MovingAverage,
}

/// <summary>Baseline forecasts from a history.</summary>
public static class Baseline
{
    /// <summary>Values averaged by <see cref="BaselineKind.MovingAverage"/>.</summary>
    public const int MovingAverageWindow = 3;

    /// <summary>The JSON and report name: naive, drift, moving_average.</summary>
    public static string Name(this BaselineKind kind) => kind switch
    {
        BaselineKind.Naive => "naive",
        BaselineKind.Drift => "drift",
        _ => "moving_average",
    };

    /// <summary>Forecasts <paramref name="horizon"/> steps after <paramref name="history"/> (at least one value).</summary>
    public static double[] Forecast(BaselineKind kind, ReadOnlySpan<double> history, int horizon)
    {
        if (history.Length == 0) throw new ArgumentException("a baseline needs at least one value of history");
        if (horizon < 1) throw new ArgumentException($"horizon must be at least 1, got {horizon}");
        double last = history[^1];
        var result = new double[horizon];
        switch (kind)
        {
            case BaselineKind.Naive:
                Array.Fill(result, last);
                break;
            case BaselineKind.Drift:
                double slope = history.Length > 1 ? (last - history[0]) / (history.Length - 1) : 0;
                for (int h = 0; h < horizon; h++) result[h] = last + slope * (h + 1);
                break;
            case BaselineKind.MovingAverage:
                int k = Math.Min(MovingAverageWindow, history.Length);
                double sum = 0;
                for (int i = history.Length - k; i < history.Length; i++) sum += history[i];
                Array.Fill(result, sum / k);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return result;
    }
}
