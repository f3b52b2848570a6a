using Unroll.Core;
using Unroll.Data;
using Unroll.Forecasting;

namespace Unroll.Forecasting.Tests;

/// <summary>
/// The forecaster against a known noise floor: on series built as signal + Gaussian noise, the best possible one-step
/// forecast is the signal itself (the oracle), so its error on the test points is the floor no model can beat.
/// </summary>
public class LearningTests
{
    private static (SeriesSet Data, double[] Oracle) Synthetic(string name, int length, Func<double[], int, double> mean, double noise, int seed)
    {
        var random = new Random(seed);
        var values = new double[length];
        var oracle = new double[length];
        for (int t = 0; t < length; t++)
        {
            oracle[t] = mean(values, t);
            values[t] = oracle[t] + noise * Gaussian(random);
        }
        var dates = Enumerable.Range(0, length).Select(i => new DateTime(2000, 1, 1).AddDays(i)).ToArray();
        return (new SeriesSet([new TimeSeries(name, dates, values)], "value", [], name + ".csv"), oracle);
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static void AssertNearNoiseFloor(SeriesSet data, double[] oracle, ForecastSettings settings)
    {
        var result = Backtester.Run(data, settings);
        var series = result.Series[0];
        double oracleSq = 0;
        foreach (var origin in series.Origins)
        {
            double e = oracle[origin.Origin] - origin.Actual[0];
            oracleSq += e * e;
        }
        double floor = Math.Sqrt(oracleSq / series.Origins.Count);
        double model = series.Metrics[ForecastMethod.Model].Rmse;
        Assert.True(model <= 1.10 * floor, $"model RMSE {model:F4} is more than 10% above the noise floor {floor:F4} (naive {series.Metrics[ForecastMethod.Naive].Rmse:F4})");
        Assert.True(model < series.Metrics[ForecastMethod.Naive].Rmse, "the model should beat the naive forecast on a predictable series");
    }

    [Fact]
    public void Lstm_NoisySine_ForecastsWithinTenPercentOfTheNoiseFloor()
    {
        var (data, oracle) = Synthetic("sine", 700, (_, t) => Math.Sin(2 * Math.PI * t / 25), noise: 0.1, seed: 1);
        AssertNearNoiseFloor(data, oracle, new ForecastSettings
        {
            Cell = CellKind.Lstm, HiddenSize = 16, Lookback = Lookback.Of(25), Epochs = 150, LearningRate = 0.005,
            ValidationFraction = 0.15, TestFraction = 0.25, Patience = 15, Seed = 3, Scaling = TargetScaling.MinMax,
            CombineClassical = false, Deseasonalize = false,   // the network alone is what these tests measure
        });
    }

    [Fact]
    public void Lstm_Ar2Series_ForecastsWithinTenPercentOfTheNoiseFloor()
    {
        // y_t = 1.2·y_(t−1) − 0.5·y_(t−2) + ε: stationary, oscillating; the best forecast is the AR part.
        var (data, oracle) = Synthetic("ar2", 1000, (y, t) => t < 2 ? 0 : 1.2 * y[t - 1] - 0.5 * y[t - 2], noise: 0.1, seed: 2);
        AssertNearNoiseFloor(data, oracle, new ForecastSettings
        {
            Cell = CellKind.Lstm, HiddenSize = 16, Lookback = Lookback.Of(6), Epochs = 80, LearningRate = 0.01,
            ValidationFraction = 0.15, TestFraction = 0.25, Patience = 15, Seed = 3, Scaling = TargetScaling.ZScore,
            CombineClassical = false, Deseasonalize = false,
        });
    }
}
