using Unroll.Forecasting.Baselines;

namespace Unroll.Forecasting.Methods;

/// <summary>The classical methods a backtest runs beside the network.</summary>
public static class ClassicalMethods
{
    /// <summary>Every classical method, in report order.</summary>
    public static IReadOnlyList<IForecastingMethod> All { get; } =
        [new PointBaseline(ForecastMethod.Naive), new PointBaseline(ForecastMethod.Drift), new PointBaseline(ForecastMethod.MovingAverage)];

    /// <summary>A baseline of <see cref="Baseline.Forecast"/>, with no intervals.</summary>
    private sealed class PointBaseline(ForecastMethod method) : IForecastingMethod, IFittedMethod
    {
        public ForecastMethod Method => method;
        public string Description => method.Name();
        public MethodFit Fit(ReadOnlySpan<double> train, int season) => train.Length == 0 ? MethodFit.Not("no values to start from") : MethodFit.Of(this);
        public MethodForecast Forecast(ReadOnlySpan<double> history, int horizon, IReadOnlyList<double> levels)
            => new(Baseline.Forecast(method, history, horizon), []);
    }
}
