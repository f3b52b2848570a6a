using Unroll.Forecasting;

namespace Unroll.Forecasting.Tests.Intervals;

/// <summary>Metrics against values worked out by hand.</summary>
public sealed class MetricsIntervalTests
{
    private static ScoredPoint Point(double last, double forecast, double actual, double scale, params IntervalBounds[] bounds)
        => new(last, forecast, actual, scale) { Bounds = bounds };

    private static readonly ScoredPoint[] Three =
    [
        // 12 is 0.5 above the 80% interval: score 1 + (2 / 0.2) · 0.5 = 6, scaled by 2: 3; inside the 95% one: 4 / 2 = 2.
        Point(10, 11, 12, 2, new IntervalBounds(0.8, 10.5, 11.5), new IntervalBounds(0.95, 9, 13)),
        // On the 80% interval's lower edge: inside; score 2, scaled 1. No 95% interval.
        Point(12, 12, 11, 2, new IntervalBounds(0.8, 11, 13)),
        // 0.5 above again: 1 + 10 · 0.5 = 6, scaled 3.
        Point(11, 10, 10.5, 2, new IntervalBounds(0.8, 9, 10)),
    ];

    [Fact]
    public void PointMetrics_AreTheTextbookOnes()
    {
        var m = MetricsCalculator.Compute(Three);

        Assert.Equal(2.5 / 3, m.Mae, 1e-15);
        Assert.Equal(Math.Sqrt(2.25 / 3), m.Rmse, 1e-15);
        Assert.Equal(100 * (1 / 12.0 + 1 / 11.0 + 0.5 / 10.5) / 3, m.Mape, 1e-12);
        Assert.Equal(1.25 / 3, m.Mase, 1e-15);
        Assert.Equal(2 / 3.0, m.Direction, 1e-15);   // the flat forecast at 12 called no direction; 11 went down
        Assert.Equal(3, m.Count);
    }

    [Fact]
    public void Coverage_CountsPointsInsideTheirInterval_EdgesIncluded()
    {
        var m = MetricsCalculator.Compute(Three);

        Assert.Equal([0.8, 0.95], m.Intervals.Select(i => i.Level));
        Assert.Equal(1 / 3.0, m.At(0.8)!.Coverage, 1e-15);
        Assert.Equal(1.0, m.At(0.95)!.Coverage);     // over the one point that has a 95% interval
        Assert.Null(m.At(0.5));
    }

    [Fact]
    public void Msis_IsM4sIntervalScoreOverTheNaiveScale()
    {
        var m = MetricsCalculator.Compute(Three);

        Assert.Equal((3 + 1 + 3) / 3.0, m.At(0.8)!.Msis, 1e-15);
        Assert.Equal(2.0, m.At(0.95)!.Msis, 1e-15);
    }

    [Fact]
    public void Msis_PenalisesMissesBelowAsAbove()
    {
        var below = MetricsCalculator.Compute([Point(0, 0, -3, 1, new IntervalBounds(0.9, -1, 1))]);
        var above = MetricsCalculator.Compute([Point(0, 0, 3, 1, new IntervalBounds(0.9, -1, 1))]);

        Assert.Equal(2 + 2 / 0.1 * 2, below.At(0.9)!.Msis, 1e-12);
        Assert.Equal(below.At(0.9)!.Msis, above.At(0.9)!.Msis);
    }

    [Fact]
    public void APointWithoutAScale_CountsForCoverageButNotMsis()
    {
        var m = MetricsCalculator.Compute([Point(1, 1, 1, 0, new IntervalBounds(0.8, 0, 2)), Point(1, 1, 5, 2, new IntervalBounds(0.8, 0, 2))]);

        Assert.Equal(0.5, m.At(0.8)!.Coverage);
        Assert.Equal((2 + 10 * 3) / 2.0, m.At(0.8)!.Msis, 1e-12);
    }

    [Fact]
    public void NoIntervals_NoIntervalScores()
        => Assert.Empty(MetricsCalculator.Compute([Point(1, 2, 3, 1)]).Intervals);
}
