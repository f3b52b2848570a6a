using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Methods;

public sealed class PredictionIntervalsTests
{
    /// <summary>R 4.2's qnorm(p), printed with 17 digits.</summary>
    [Theory]
    [InlineData(1e-300, -37.047096299361201)]
    [InlineData(9.9999999999999995e-21, -9.2623400897984052)]
    [InlineData(1e-10, -6.3613409024040557)]
    [InlineData(1.0000000000000001e-05, -4.2648907939228256)]
    [InlineData(0.001, -3.0902323061678132)]
    [InlineData(0.01, -2.3263478740408408)]
    [InlineData(0.025000000000000001, -1.9599639845400538)]
    [InlineData(0.050000000000000003, -1.6448536269514726)]
    [InlineData(0.10000000000000001, -1.2815515655446008)]
    [InlineData(0.20000000000000001, -0.84162123357291418)]
    [InlineData(0.29999999999999999, -0.52440051270804067)]
    [InlineData(0.40000000000000002, -0.25334710313579978)]
    [InlineData(0.5, 0)]
    [InlineData(0.59999999999999998, 0.25334710313579978)]
    [InlineData(0.75, 0.67448975019608171)]
    [InlineData(0.80000000000000004, 0.84162123357291441)]
    [InlineData(0.90000000000000002, 1.2815515655446008)]
    [InlineData(0.94999999999999996, 1.6448536269514715)]
    [InlineData(0.97499999999999998, 1.9599639845400536)]
    [InlineData(0.98999999999999999, 2.3263478740408408)]
    [InlineData(0.995, 2.5758293035488999)]
    [InlineData(0.999, 3.0902323061678132)]
    [InlineData(0.99999990000000005, 5.1993375822906618)]
    [InlineData(0.99999999999900002, 7.0344869100478356)]
    public void NormalQuantile_MatchesRsQnorm(double p, double expected)
        => Assert.Equal(expected, PredictionIntervals.NormalQuantile(p), Math.Max(1e-15, 4e-16 * Math.Abs(expected)));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(double.NaN)]
    public void NormalQuantile_OutsideZeroOne_IsRefused(double p)
        => Assert.Throws<ArgumentOutOfRangeException>(() => PredictionIntervals.NormalQuantile(p));

    [Fact]
    public void Z_IsTheCentralIntervalsMultiplier()
    {
        Assert.Equal(1.2815515655446004, PredictionIntervals.Z(0.8), 1e-15);
        Assert.Equal(1.959963984540054, PredictionIntervals.Z(0.95), 1e-15);
    }
}
