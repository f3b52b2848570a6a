using Unroll.Forecasting;

namespace Unroll.Forecasting.Tests.Intervals;

public sealed class IntervalCalibrationTests
{
    [Theory]
    [InlineData(0.5, 3.0)]     // ⌈6 · 0.5⌉ = 3rd smallest of 1..5
    [InlineData(0.8, 5.0)]     // ⌈6 · 0.8⌉ = ⌈4.8⌉ = 5th
    [InlineData(0.6, 4.0)]     // ⌈3.6⌉ = 4th
    [InlineData(0.95, 5.0)]    // ⌈5.7⌉ = 6th: past the largest, so the largest
    [InlineData(0.1, 1.0)]     // ⌈0.6⌉ = 1st
    public void HalfWidth_IsTheSplitConformalRank(double level, double expected)
    {
        var calibration = new IntervalCalibration([[5, 1, 4, 2, 3]], validationErrors: 5, trainingErrors: 0);

        Assert.Equal(expected, calibration.HalfWidth(1, level));
    }

    [Fact]
    public void HalfWidth_UsesEachStepsOwnErrors_AndWidensAsRootStepPastTheLast()
    {
        var calibration = new IntervalCalibration([[1, 2, 3], [2, 4]], 3, 0);

        Assert.Equal(2, calibration.HalfWidth(1, 0.5));                  // ⌈2⌉ = 2nd of 1, 2, 3
        Assert.Equal(4, calibration.HalfWidth(2, 0.5));                  // ⌈1.5⌉ = 2nd of 2, 4
        Assert.Equal(4 * Math.Sqrt(4 / 2.0), calibration.HalfWidth(4, 0.5), 1e-15);
        Assert.Equal(4 * Math.Sqrt(3 / 2.0), calibration.HalfWidth(3, 0.5), 1e-15);
    }

    [Fact]
    public void NonFiniteErrors_AreDropped_AndAnEmptyStepGivesNaN()
    {
        var calibration = new IntervalCalibration([[double.NaN, 1, double.PositiveInfinity, 2], []], 2, 0);

        Assert.Equal([1.0, 2.0], calibration.Steps[0]);
        Assert.Equal(2, calibration.HalfWidth(1, 0.5));                 // ⌈1.5⌉ = 2nd of the two finite ones
        Assert.True(double.IsNaN(calibration.HalfWidth(2, 0.8)));
        Assert.True(double.IsNaN(new IntervalCalibration([], 0, 0).HalfWidth(1, 0.8)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(80.0)]
    [InlineData(double.NaN)]
    public void HalfWidth_RefusesLevelsOutsideZeroToOne(double level)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new IntervalCalibration([[1.0]], 1, 0).HalfWidth(1, level));

    [Fact]
    public void HalfWidth_RefusesStepZero()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new IntervalCalibration([[1.0]], 1, 0).HalfWidth(0, 0.8));

    /// <summary>
    /// The split conformal guarantee: when new errors come from the same distribution as the calibration ones, the
    /// interval covers at least the level, and at most level + 1/(n + 1), on average over calibration draws.
    /// </summary>
    [Theory]
    [InlineData(0.8)]
    [InlineData(0.95)]
    public void Coverage_OfFreshErrorsFromTheSameDistribution_IsTheLevel(double level)
    {
        var random = new Random(7);
        double Error() => Math.Abs(Math.Log(random.NextDouble()) * (random.NextDouble() < 0.5 ? 1 : 3));   // skewed, mixed scales
        const int draws = 400, n = 39, fresh = 200;
        double covered = 0;
        for (int d = 0; d < draws; d++)
        {
            var calibration = new IntervalCalibration([Enumerable.Range(0, n).Select(_ => Error()).ToArray()], n, 0);
            double half = calibration.HalfWidth(1, level);
            for (int i = 0; i < fresh; i++) if (Error() <= half) covered++;
        }
        double coverage = covered / (draws * fresh);

        Assert.InRange(coverage, level - 0.01, level + 1.0 / (n + 1) + 0.01);
    }

    [Fact]
    public void Json_RoundTripsEveryBit()
    {
        var calibration = new IntervalCalibration([[0.1, 1.0 / 3, Math.PI], [2e-300, 7.5]], 3, 4);

        var back = IntervalCalibration.Parse(calibration.ToJson());

        Assert.Equal(calibration.Steps, back.Steps);
        Assert.Equal(3, back.ValidationErrors);
        Assert.Equal(4, back.TrainingErrors);
    }

    [Theory]
    [InlineData("""{"steps": [["-1"]], "validation": 1, "training": 0}""")]
    [InlineData("""{"steps": [["NaN"]], "validation": 1, "training": 0}""")]
    [InlineData("""{"steps": [[null]], "validation": 1, "training": 0}""")]
    [InlineData("""{"validation": 1, "training": 0}""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""not json""")]
    public void Parse_RefusesWhatToJsonDoesNotWrite(string json)
        => Assert.Throws<FormatException>(() => IntervalCalibration.Parse(json));

    [Fact]
    public void Describe_SaysWhereTheErrorsCameFrom()
    {
        Assert.Equal("calibrated on 71 validation errors per step", new IntervalCalibration([], 71, 0).Describe());
        Assert.Equal("calibrated on 1 validation error per step", new IntervalCalibration([], 1, 0).Describe());
        Assert.StartsWith("calibrated on 12 validation and 30 in-sample training errors per step (few validation points",
            new IntervalCalibration([], 12, 30).Describe());
    }
}
