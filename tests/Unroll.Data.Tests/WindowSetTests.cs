namespace Unroll.Data.Tests;

/// <summary>Window views give the windows the copying <see cref="Windows"/> cuts: same places, same values, same order.</summary>
public sealed class WindowSetTests
{
    /// <summary>A series of <paramref name="n"/> steps with values 1000·k + t and <paramref name="features"/> features.</summary>
    private static TimeSeries Series(int k, int n, int features)
    {
        var dates = Enumerable.Range(0, n).Select(t => new DateTime(2020, 1, 1).AddDays(t)).ToArray();
        var values = Enumerable.Range(0, n).Select(t => 1000.0 * k + t).ToArray();
        var flat = Enumerable.Range(0, n * features).Select(i => -(1000.0 * k + i)).ToArray();
        return new TimeSeries($"S{k}", dates, values, Enumerable.Range(0, features).Select(j => $"f{j}").ToArray(), flat);
    }

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 3, 1, 0 }, { 3, 2, 2 }, { 1, 1, 1 }, { 0, 1, 0 }, { 0, 3, 2 }, { 7, 4, 1 },   // lookback 0 stands for all
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Create_GivesTheWindowsOfWindowsCreateInTheirOrder(int lookbackSteps, int horizon, int features)
    {
        var lookback = lookbackSteps == 0 ? Lookback.All : Lookback.Of(lookbackSteps);
        // Lengths that give no window (2), exactly one, and many; a range that starts inside the series.
        TimeSeries[] series = [Series(0, 12, features), Series(1, 2, features), Series(2, lookback.MinimumSeriesLength(horizon), features), Series(3, 30, features)];
        (int, int)[] ranges = [(0, 12), (0, 2), (0, series[2].Length), (9, 25)];

        var set = WindowSet.Create(series, lookback, horizon, ranges);
        var copies = series.Zip(ranges).SelectMany(p => Windows.Create(p.First, lookback, horizon, p.Second.Item1, p.Second.Item2)).ToList();

        Assert.Equal(copies.Count, set.Count);
        Assert.True(set.Count > 10, $"{set.Count} windows: too few to test");
        for (int i = 0; i < copies.Count; i++)
        {
            var view = set[i];
            var copy = copies[i];
            Assert.Equal(copy.Symbol, set.Series[view.Series].Symbol);
            Assert.Equal((copy.InputStart, copy.TargetStart), (view.InputStart, view.TargetStart));
            var inputs = new double[view.Steps * set.InputSize];
            set.CopyInputs(view, inputs);
            Assert.Equal(copy.Inputs.ToArray(), inputs);
            Assert.Equal(copy.Targets.ToArray(), set.Targets(view).ToArray());
            Assert.Equal(copy.Inputs.ToArray(), set.ToWindow(i).Inputs.ToArray());
        }
    }

    [Fact]
    public void CountOf_IsEachSeriesShare()
    {
        TimeSeries[] series = [Series(0, 10, 0), Series(1, 3, 0), Series(2, 6, 0)];

        var set = WindowSet.Create(series, Lookback.Of(3), 1, series.Select(s => (0, s.Length)).ToArray());

        Assert.Equal([7, 0, 3], Enumerable.Range(0, 3).Select(set.CountOf));
        Assert.Equal(2, set[7].Series);   // series 1 has none: window 7 is series 2's first
        Assert.Throws<ArgumentOutOfRangeException>(() => set[10]);
    }

    [Fact]
    public void CreateSplit_GivesEachPartsWindowsAndChecksAsWindowsCreateSplitDoes()
    {
        TimeSeries[] series = [Series(0, 40, 1), Series(1, 25, 1)];
        var splits = series.Select(s => TimeSplit.ByFractions(s.Length, 0.6, 0.2)).ToArray();

        var (train, validation, test) = WindowSet.CreateSplit(series, splits, Lookback.Of(4), 2);

        for (int s = 0; s < series.Length; s++)
        {
            var copies = Windows.CreateSplit(series[s], Lookback.Of(4), 2, splits[s]);
            Assert.Equal(copies.Train.Count, train.CountOf(s));
            Assert.Equal(copies.Validation.Count, validation.CountOf(s));
            Assert.Equal(copies.Test.Count, test.CountOf(s));
        }
        var tooShort = Assert.Throws<DataException>(() => WindowSet.CreateSplit(series, splits, Lookback.Of(20), 2));
        var copied = Assert.Throws<DataException>(() => Windows.CreateSplit(series[1], Lookback.Of(20), 2, splits[1]));
        Assert.Equal(copied.Message, tooShort.Message);
    }
}
