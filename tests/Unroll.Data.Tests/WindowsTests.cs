namespace Unroll.Data.Tests;

public sealed class WindowsTests
{
    /// <summary>A series whose value at step t is t and whose one feature is 100 + t.</summary>
    private static TimeSeries Ramp(int n, bool withFeature = true)
    {
        var dates = Enumerable.Range(0, n).Select(t => new DateTime(2020, 1, 1).AddDays(t)).ToArray();
        double[] values = Enumerable.Range(0, n).Select(t => (double)t).ToArray();
        return withFeature
            ? new TimeSeries("R", dates, values, ["f"], Enumerable.Range(0, n).Select(t => new double[] { 100 + t }).ToArray())
            : new TimeSeries("R", dates, values);
    }

    [Theory]
    [InlineData(10, 3, 1, 7)]
    [InlineData(10, 3, 2, 6)]
    [InlineData(10, 9, 1, 1)]
    [InlineData(123, 12, 5, 107)]
    public void FixedLookback_GivesNMinusLMinusHPlusOneWindows(int n, int lookback, int horizon, int expected)
    {
        var windows = Windows.Create(Ramp(n), Lookback.Of(lookback), horizon);

        Assert.Equal(expected, windows.Count);
        Assert.All(windows, w => Assert.Equal(lookback, w.Steps));
        Assert.All(windows, w => Assert.Equal(horizon, w.Targets.Length));
    }

    [Fact]
    public void FixedLookback_InputsAreThePrecedingStepsAsValueThenFeatures()
    {
        var windows = Windows.Create(Ramp(6), Lookback.Of(3), 2);

        var w = windows[0];
        Assert.Equal(0, w.InputStart);
        Assert.Equal(3, w.TargetStart);
        Assert.Equal(2, w.InputSize);
        Assert.Equal([0, 100, 1, 101, 2, 102], w.Inputs.ToArray());
        Assert.Equal([3.0, 4], w.Targets.ToArray());
        Assert.Equal([2.0, 102], w.Step(2).ToArray());

        var last = windows[^1];
        Assert.Equal(4, last.TargetStart);
        Assert.Equal([4.0, 5], last.Targets.ToArray());
    }

    [Fact]
    public void NoFeatures_InputSizeIsOne()
    {
        var w = Windows.Create(Ramp(4, withFeature: false), Lookback.Of(2), 1)[0];

        Assert.Equal(1, w.InputSize);
        Assert.Equal([0.0, 1], w.Inputs.ToArray());
    }

    [Fact]
    public void LookbackAll_GivesGrowingWindowsOfTheWholeHistory()
    {
        var windows = Windows.Create(Ramp(6, withFeature: false), Lookback.All, 2);

        Assert.Equal(4, windows.Count); // targets start at 1, 2, 3, 4
        Assert.Equal([1, 2, 3, 4], windows.Select(w => w.Steps));
        Assert.All(windows, w => Assert.Equal(0, w.InputStart));
        Assert.Equal([0.0, 1, 2, 3], windows[^1].Inputs.ToArray());
        Assert.Equal([4.0, 5], windows[^1].Targets.ToArray());
    }

    [Fact]
    public void TooShortSeries_NamesSeriesLengthAndMinimum()
    {
        var e = Assert.Throws<DataException>(() => Windows.Create(Ramp(5), Lookback.Of(4), 2));

        Assert.Contains("series 'R' has 5 points", e.Message);
        Assert.Contains("6 needed (lookback 4 + horizon 2)", e.Message);
    }

    [Fact]
    public void TargetRange_KeepsOnlyWindowsWhoseTargetsLieInside()
    {
        var windows = Windows.Create(Ramp(10), Lookback.Of(2), 2, targetFrom: 5, targetTo: 8);

        Assert.Equal([5, 6], windows.Select(w => w.TargetStart));
        Assert.Equal(3, windows[0].InputStart); // inputs reach back before the range
    }

    [Fact]
    public void ForecastInput_IsTheLastLookbackStepsWithNoTargets()
    {
        var w = Windows.ForecastInput(Ramp(6), Lookback.Of(2));

        Assert.Equal(6, w.TargetStart);
        Assert.Equal([4, 104, 5, 105], w.Inputs.ToArray());
        Assert.Empty(w.Targets.ToArray());
        Assert.Equal(6, Windows.ForecastInput(Ramp(6), Lookback.All).Steps);
        Assert.Throws<DataException>(() => Windows.ForecastInput(Ramp(2), Lookback.Of(3)));
    }

    [Fact]
    public void Windows_DoNotShareMemoryWithTheSeries()
    {
        var series = Ramp(5);
        var w = Windows.Create(series, Lookback.Of(2), 1)[0];

        // Read-only to its users; even its own arrays are copies, not the series' memory.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(w.Inputs, out var inputs));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(w.Targets, out var targets));
        inputs.Array![0] = -1;
        targets.Array![0] = -1;

        Assert.Equal(0, series.Values[0]);
        Assert.Equal(2, series.Values[2]);
    }
}

public sealed class LookbackTests
{
    [Theory]
    [InlineData("all", "all")]
    [InlineData("ALL", "all")]
    [InlineData(" 20 ", "20")]
    public void Parse_ReadsAllOrAPositiveCount(string text, string expected)
    {
        Assert.Equal(expected, Lookback.Parse(text).ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("1.5")]
    [InlineData("")]
    public void Parse_RejectsOtherText(string text)
    {
        Assert.False(Lookback.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Lookback.Parse(text));
    }

    [Fact]
    public void MinimumSeriesLength_IsLookbackPlusHorizon()
    {
        Assert.Equal(25, Lookback.Of(20).MinimumSeriesLength(5));
        Assert.Equal(6, Lookback.All.MinimumSeriesLength(5));
        Assert.True(default(Lookback).IsAll);
        Assert.Equal(Lookback.Of(3), Lookback.Parse("3"));
        Assert.Null(Lookback.All.Steps);
    }
}

public sealed class TimeSplitTests
{
    [Fact]
    public void ByFractions_SplitsInTimeOrderWithTestAtTheEnd()
    {
        var split = TimeSplit.ByFractions(123, 0.7, 0.15);

        Assert.Equal(86, split.TrainEnd);
        Assert.Equal(104, split.ValidationEnd);
        Assert.Equal(18, split.ValidationLength);
        Assert.Equal(19, split.TestLength);
    }

    [Fact]
    public void ByFractions_IsNotFooledByFloatingPoint()
    {
        var split = TimeSplit.ByFractions(10, 0.7, 0.2);

        Assert.Equal(7, split.TrainEnd);
        Assert.Equal(9, split.ValidationEnd);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(1.1, 0)]
    [InlineData(0.8, 0.3)]
    [InlineData(0.5, -0.1)]
    public void ByFractions_RejectsFractionsOutOfRange(double train, double validation)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeSplit.ByFractions(100, train, validation));
    }

    [Fact]
    public void CreateSplit_KeepsEachPartsTargetsInsideItAndInTimeOrder()
    {
        var series = Ramp(40);
        var split = TimeSplit.ByFractions(40, 0.6, 0.2); // 24 | 8 | 8

        var parts = Windows.CreateSplit(series, Lookback.Of(5), 3, split);

        Assert.All(parts.Train, w => Assert.True(w.TargetStart + 3 <= 24));
        Assert.All(parts.Validation, w => Assert.True(w.TargetStart >= 24 && w.TargetStart + 3 <= 32));
        Assert.All(parts.Test, w => Assert.True(w.TargetStart >= 32 && w.TargetStart + 3 <= 40));
        Assert.Equal(24 - 5 - 3 + 1, parts.Train.Count);
        Assert.Equal(8 - 3 + 1, parts.Validation.Count);
        Assert.Equal(8 - 3 + 1, parts.Test.Count);
        var all = parts.Train.Concat(parts.Validation).Concat(parts.Test).Select(w => w.TargetStart).ToList();
        Assert.Equal(all.Order(), all);
        Assert.True(parts.Train[^1].TargetStart < parts.Validation[0].TargetStart);
        Assert.True(parts.Validation[^1].TargetStart < parts.Test[0].TargetStart);
    }

    [Fact]
    public void CreateSplit_ValidationInputsMayReachIntoTraining()
    {
        var parts = Windows.CreateSplit(Ramp(20), Lookback.Of(4), 1, new TimeSplit(20, 10, 15));

        Assert.Equal(6, parts.Validation[0].InputStart);
        Assert.Equal(10, parts.Validation[0].TargetStart);
    }

    [Fact]
    public void CreateSplit_TrainingPartTooShort_IsADataErrorNamingTheSeries()
    {
        var split = TimeSplit.ByFractions(20, 0.3, 0.3); // train 6

        var e = Assert.Throws<DataException>(() => Windows.CreateSplit(Ramp(20), Lookback.Of(6), 1, split));

        Assert.Contains("series 'R'", e.Message);
        Assert.Contains("first 6 points of 20", e.Message);
        Assert.Contains("needs 7", e.Message);
    }

    [Fact]
    public void CreateSplit_TestPartShorterThanHorizon_IsADataError()
    {
        var e = Assert.Throws<DataException>(() =>
            Windows.CreateSplit(Ramp(20), Lookback.Of(2), 5, new TimeSplit(20, 14, 17)));

        Assert.Contains("validation part has 3 points, fewer than the horizon 5", e.Message);
    }

    [Fact]
    public void CreateSplit_EmptyPartsAreAllowed()
    {
        var parts = Windows.CreateSplit(Ramp(10), Lookback.All, 1, TimeSplit.ByFractions(10, 1, 0));

        Assert.Equal(9, parts.Train.Count);
        Assert.Empty(parts.Validation);
        Assert.Empty(parts.Test);
    }

    private static TimeSeries Ramp(int n) => new("R",
        Enumerable.Range(0, n).Select(t => new DateTime(2020, 1, 1).AddDays(t)).ToArray(),
        Enumerable.Range(0, n).Select(t => (double)t).ToArray());
}

public sealed class TimeSeriesTests
{
    [Fact]
    public void Constructor_RejectsDatesThatDoNotIncrease()
    {
        Assert.Throws<ArgumentException>(() => new TimeSeries("X", [new(2020, 1, 2), new(2020, 1, 1)], [1, 2]));
        Assert.Throws<ArgumentException>(() => new TimeSeries("X", [new(2020, 1, 1), new(2020, 1, 1)], [1, 2]));
    }

    [Fact]
    public void Constructor_RejectsMismatchedLengthsAndNonFiniteValues()
    {
        Assert.Throws<ArgumentException>(() => new TimeSeries("X", [new(2020, 1, 1)], [1, 2]));
        Assert.Throws<ArgumentException>(() => new TimeSeries("X", [new(2020, 1, 1)], [double.NaN]));
        Assert.Throws<ArgumentException>(() => new TimeSeries("X", [new(2020, 1, 1)], [1], ["a", "b"], [[1]]));
    }

    [Fact]
    public void Slice_KeepsTheStepsAsked()
    {
        var s = new TimeSeries("X", [new(2020, 1, 1), new(2020, 1, 2), new(2020, 1, 3)], [1, 2, 3], ["f"], [[10], [20], [30]]);

        var part = s.Slice(1, 2);

        Assert.Equal([2.0, 3], part.Values);
        Assert.Equal(new DateTime(2020, 1, 2), part.Dates[0]);
        Assert.Equal([20.0], part.Features[0]);
        Assert.Equal("X", part.Symbol);
    }

    [Fact]
    public void SeriesSet_RejectsSeriesWithOtherFeatures()
    {
        var a = new TimeSeries("A", [new(2020, 1, 1)], [1], ["f"], [[1]]);

        Assert.Throws<ArgumentException>(() => new SeriesSet([a], "price", [], "x.csv"));
    }
}
