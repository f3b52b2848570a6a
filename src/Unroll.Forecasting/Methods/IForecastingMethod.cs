namespace Unroll.Forecasting.Methods;

/// <summary>
/// A classical forecasting method (naive, seasonal naive, drift, moving average, Theta, ETS): fitted once on a
/// series' training part, its parameters then fixed while it forecasts from every later origin (its state, such as
/// a smoothed level, moves on with the data), as the network's weights are fixed after training.
/// </summary>
public interface IForecastingMethod
{
    /// <summary>Which method this is.</summary>
    ForecastMethod Method { get; }

    /// <summary>Fits the method to <paramref name="train"/> (the values before the first forecast origin).</summary>
    /// <param name="train">The training values, oldest first.</param>
    /// <param name="season">The seasonal period m (1 for none), from <c>Unroll.Data.Frequency</c> or the user.</param>
    /// <returns>The fitted method, or why the method does not apply to this series (too short, not seasonal…).</returns>
    MethodFit Fit(ReadOnlySpan<double> train, int season);
}

/// <summary>A method with its parameters fixed by a fit.</summary>
public interface IFittedMethod
{
    /// <summary>Which method this is.</summary>
    ForecastMethod Method { get; }

    /// <summary>What was fitted, for reports and JSON: "ETS(M,Ad,N)", "Theta, seasonal (m = 12)", "seasonal naive (m = 4)".</summary>
    string Description { get; }

    /// <summary>
    /// Forecasts the <paramref name="horizon"/> steps after <paramref name="history"/> with prediction intervals at
    /// each of <paramref name="levels"/>, from the method's own theory (as R's forecast package computes them).
    /// </summary>
    /// <param name="history">The series up to the forecast origin, oldest first; it begins with the values the method
    /// was fitted on (and may be just those).</param>
    /// <param name="horizon">Steps ahead, at least 1.</param>
    /// <param name="levels">Interval levels in (0, 1), such as 0.8 and 0.95; empty for none.</param>
    MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels);
}

/// <summary>The outcome of <see cref="IForecastingMethod.Fit"/>: a fitted method, or the reason it does not apply.</summary>
/// <param name="Fitted">The fitted method; null when it does not apply.</param>
/// <param name="NotApplicable">Why not, in plain words ("needs two full seasons: 19 points, 24 needed"); null when fitted.</param>
public sealed record MethodFit(IFittedMethod? Fitted, string? NotApplicable)
{
    /// <summary>A method that applies.</summary>
    public static MethodFit Of(IFittedMethod fitted) => new(fitted, null);

    /// <summary>A method that does not apply, and why.</summary>
    public static MethodFit Not(string why) => new(null, why);
}

/// <summary>Point forecasts with their prediction intervals.</summary>
/// <param name="Mean">The point forecast of each step ahead (h).</param>
/// <param name="Intervals">One interval per level asked for, in the order asked.</param>
public sealed record MethodForecast(double[] Mean, IReadOnlyList<PredictionInterval> Intervals);

/// <summary>A prediction interval for each step ahead.</summary>
/// <param name="Level">The coverage it aims at, in (0, 1): 0.8 for an 80% interval.</param>
/// <param name="Lower">The lower bound of each step (h).</param>
/// <param name="Upper">The upper bound of each step (h).</param>
public sealed record PredictionInterval(double Level, double[] Lower, double[] Upper);
