using Unroll.Data.Scaling;

namespace Unroll.Data.Tests;

/// <summary>Features are stored once, (T × F) row-major, and read by step or by column.</summary>
public sealed class TimeSeriesFeaturesTests
{
    private static readonly DateTime[] ThreeDays = [new(2020, 1, 1), new(2020, 1, 2), new(2020, 1, 3)];

    private static TimeSeries TwoFeatures() =>
        new("X", ThreeDays, [1, 2, 3], ["open", "volume"], [10, 100, 20, 200, 30, 300]);

    [Fact]
    public void FeatureRow_IsStepTsVectorInFeatureOrder()
    {
        var s = TwoFeatures();

        Assert.Equal([10.0, 100], s.FeatureRow(0).ToArray());
        Assert.Equal([30.0, 300], s.FeatureRow(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => s.FeatureRow(3).ToArray());
    }

    [Fact]
    public void FeatureColumn_IsOneFeatureOverTime()
    {
        var s = TwoFeatures();

        Assert.Equal([10.0, 20, 30], s.FeatureColumn(0));
        Assert.Equal([100.0, 200, 300], s.FeatureColumn(1));
    }

    [Fact]
    public void Features_IsTheFlatArrayGiven()
    {
        double[] flat = [10, 100, 20, 200, 30, 300];

        var s = new TimeSeries("X", ThreeDays, [1, 2, 3], ["open", "volume"], flat);

        Assert.Same(flat, s.Features);
        Assert.Empty(new TimeSeries("Y", ThreeDays, [1, 2, 3]).Features);
        Assert.True(new TimeSeries("Y", ThreeDays, [1, 2, 3]).FeatureRow(1).IsEmpty);
    }

    [Fact]
    public void Constructor_RefusesAFlatArrayOfTheWrongLengthOrANonFiniteFeature()
    {
        var e = Assert.Throws<ArgumentException>(() => new TimeSeries("X", ThreeDays, [1, 2, 3], ["open", "volume"], [1, 2, 3, 4, 5]));
        Assert.Contains("so 6 feature values, but 5 were given", e.Message);
        var nan = Assert.Throws<ArgumentException>(() => new TimeSeries("X", ThreeDays, [1, 2, 3], ["open"], [1, double.NaN, 3]));
        Assert.Contains("at step 1", nan.Message);
    }

    [Fact]
    public void Slice_CutsTheFlatFeaturesByStep()
    {
        var part = TwoFeatures().Slice(1, 2);

        Assert.Equal([20.0, 200, 30, 300], part.Features);
    }

    [Fact]
    public void IdentityScaling_SharesTheArraysInsteadOfCopyingThem()
    {
        var s = TwoFeatures();
        var identity = new SeriesScalers(IdentityScaler.Instance, [IdentityScaler.Instance, IdentityScaler.Instance]);

        var same = identity.Transform(s);

        Assert.Same(s.Values, same.Values);
        Assert.Same(s.Features, same.Features);
    }

    [Fact]
    public void Scaling_SharesTheDatesAndScalesEachFeatureColumnWithItsOwnScaler()
    {
        var s = TwoFeatures();
        var scalers = SeriesScalers.Fit(ScalerKind.MinMax, s, 3);

        var scaled = scalers.Transform(s);

        Assert.NotSame(s.Values, scaled.Values);
        Assert.Equal([0.0, 0, 0.5, 0.5, 1, 1], scaled.Features);
        Assert.Same(((DateList)s.Dates).Array, ((DateList)scaled.Dates).Array);
    }
}
