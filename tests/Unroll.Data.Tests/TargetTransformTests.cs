namespace Unroll.Data.Tests;

public sealed class TargetTransformTests
{
    private static readonly double[] Prices = [100, 110, 99, 99, 120.5];

    [Fact]
    public void Price_IsACopy()
    {
        double[] t = TargetTransform.Forward(TargetKind.Price, Prices);

        Assert.Equal(Prices, t);
        Assert.NotSame(Prices, t);
        Assert.Equal([1.0, 2], TargetTransform.Inverse(TargetKind.Price, 5, [1.0, 2]));
    }

    [Fact]
    public void Return_HasLengthNMinusOneAndTheSimpleReturns()
    {
        double[] r = TargetTransform.Forward(TargetKind.Return, Prices);

        Assert.Equal(Prices.Length - 1, r.Length);
        Assert.Equal(0.1, r[0], 12);
        Assert.Equal(-0.1, r[1], 12);
        Assert.Equal(0, r[2]);
    }

    [Fact]
    public void LogReturn_IsTheLogOfTheRatio()
    {
        double[] r = TargetTransform.Forward(TargetKind.LogReturn, Prices);

        Assert.Equal(Math.Log(1.1), r[0], 12);
        Assert.Equal(Math.Log(120.5 / 99), r[3], 12);
    }

    [Theory]
    [InlineData(TargetKind.Return)]
    [InlineData(TargetKind.LogReturn)]
    public void Inverse_FromTheFirstPrice_ChainsBackToEveryPrice(TargetKind kind)
    {
        double[] r = TargetTransform.Forward(kind, Prices);

        double[] back = TargetTransform.Inverse(kind, Prices[0], r);

        Assert.Equal(Prices.Length - 1, back.Length);
        for (int i = 0; i < back.Length; i++) Assert.Equal(Prices[i + 1], back[i], 1e-9);
    }

    [Fact]
    public void Inverse_MultiStep_CompoundsFromTheLastKnownPrice()
    {
        Assert.Equal([110.0, 121.0], TargetTransform.Inverse(TargetKind.Return, 100, [0.1, 0.1]).Select(p => Math.Round(p, 9)));
        double[] log = TargetTransform.Inverse(TargetKind.LogReturn, 50, [Math.Log(2), -Math.Log(4)]);
        Assert.Equal(100, log[0], 9);
        Assert.Equal(25, log[1], 9);
    }

    [Fact]
    public void ZeroPrice_IsADataErrorForReturnsNamingTheSeries()
    {
        var e = Assert.Throws<DataException>(() => TargetTransform.Forward(TargetKind.Return, [1.0, 0, 2], "ABC"));

        Assert.Contains("series 'ABC'", e.Message);
        Assert.Contains("step 1", e.Message);
    }

    [Fact]
    public void NegativePrice_IsADataErrorForLogReturnsNamingTheDate()
    {
        var series = new TimeSeries("ABC", [new(2020, 1, 1), new(2020, 1, 2), new(2020, 1, 3)], [1, -2, 3]);

        var e = Assert.Throws<DataException>(() => TargetTransform.Forward(TargetKind.LogReturn, series));

        Assert.Contains("2020-01-02", e.Message);
        Assert.Contains("above 0", e.Message);
    }

    [Fact]
    public void SeriesForward_AlignsReturnsWithTheLaterDateAndItsFeatures()
    {
        var series = new TimeSeries("S", [new(2020, 1, 1), new(2020, 1, 2), new(2020, 1, 6)], [100, 110, 121],
            ["v"], [[1], [2], [3]]);

        var r = TargetTransform.Forward(TargetKind.Return, series);

        Assert.Equal(2, r.Length);
        Assert.Equal(new DateTime(2020, 1, 2), r.Dates[0]);
        Assert.Equal(new DateTime(2020, 1, 6), r.Dates[1]);
        Assert.Equal([2.0], r.Features[0]);
        Assert.Equal(0.1, r.Values[1], 12);
        Assert.Same(series, TargetTransform.Forward(TargetKind.Price, series));
    }

    [Fact]
    public void SeriesForward_NeedsTwoPoints()
    {
        var series = new TimeSeries("ONE", [new(2020, 1, 1)], [5]);

        var e = Assert.Throws<DataException>(() => TargetTransform.Forward(TargetKind.Return, series));

        Assert.Contains("series 'ONE' has 1 point", e.Message);
    }
}
