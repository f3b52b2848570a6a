using Unroll.Data.Csv;
using Unroll.Data.Scaling;

namespace Unroll.Data.Tests;

public sealed class ScalerFitTests
{
    [Fact]
    public void MinMax_MapsLowToZeroAndHighToOne()
    {
        var s = MinMaxScaler.Fit([12.5, 99.1, 40, 50], "X");

        Assert.Equal(12.5, s.Min);
        Assert.Equal(99.1, s.Max);
        Assert.Equal(0, s.Transform(12.5));
        Assert.Equal(1, s.Transform(99.1));
        Assert.Equal(0.5, s.Transform((12.5 + 99.1) / 2), 12);
    }

    [Fact]
    public void ZScore_GivesMeanZeroAndPopulationStdOne()
    {
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];
        var s = ZScoreScaler.Fit(values, "X");

        Assert.Equal(5, s.Mean);
        Assert.Equal(2, s.StandardDeviation);
        double[] scaled = s.Transform(values);
        Assert.Equal(0, scaled.Average(), 12);
        Assert.Equal(1, Math.Sqrt(scaled.Select(x => x * x).Average()), 12);
    }

    [Theory]
    [InlineData(ScalerKind.MinMax)]
    [InlineData(ScalerKind.ZScore)]
    [InlineData(ScalerKind.None)]
    public void Inverse_UndoesTransformForValuesAndSpans(ScalerKind kind)
    {
        double[] values = [3.25, -1, 17.5, 0, 1e6, 42];
        var s = Scaler.Fit(kind, values.AsSpan(0, 3), "X");

        foreach (double v in values) Assert.Equal(v, s.Inverse(s.Transform(v)), 1e-9 * Math.Max(1, Math.Abs(v)));
        double[] back = s.Inverse(s.Transform(values));
        for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], back[i], 1e-9 * Math.Max(1, Math.Abs(values[i])));
    }

    [Fact]
    public void SpanTransform_WorksInPlace()
    {
        var s = new MinMaxScaler(0, 10);
        double[] buffer = [0, 5, 10];

        s.Transform(buffer, buffer);
        Assert.Equal([0, 0.5, 1], buffer);
        s.Inverse(buffer, buffer);
        Assert.Equal([0.0, 5, 10], buffer);
    }

    [Fact]
    public void SpanTransform_RejectsAShortDestination()
    {
        var s = new MinMaxScaler(0, 10);

        Assert.Throws<ArgumentException>(() => s.Transform([1.0, 2], new double[1]));
    }

    [Theory]
    [InlineData(ScalerKind.MinMax)]
    [InlineData(ScalerKind.ZScore)]
    public void ConstantSeries_IsADataErrorNamingTheSeries(ScalerKind kind)
    {
        var e = Assert.Throws<DataException>(() => Scaler.Fit(kind, [0.1, 0.1, 0.1], "GOOG"));

        Assert.Contains("series 'GOOG' is constant", e.Message);
        Assert.Contains("divide by zero", e.Message);
        Assert.Contains("leave it out", e.Message);
        Assert.DoesNotContain("turn scaling off", e.Message);   // there is no such setting
    }

    [Fact]
    public void ConstantTrainingSpan_IsAnErrorEvenIfTheSeriesMovesLater()
    {
        double[] values = [5, 5, 5, 6, 7];

        Assert.Throws<DataException>(() => Scaler.Fit(ScalerKind.MinMax, values.AsSpan(0, 3), "X"));
        Assert.Throws<DataException>(() => Scaler.Fit(ScalerKind.ZScore, [], "X"));
    }

    [Fact]
    public void FittedOnTrainingSpan_ValuesBeyondTheSpanMayLeaveZeroToOne()
    {
        var s = Scaler.Fit(ScalerKind.MinMax, [1.0, 2.0], "X");

        Assert.Equal(2, s.Transform(3));
    }
}

public sealed class ScalerTextTests
{
    [Fact]
    public void ToString_IsCompactInvariantText()
    {
        Assert.Equal("minmax:12.5:99.1", new MinMaxScaler(12.5, 99.1).ToString());
        Assert.Equal("zscore:-3:0.25", new ZScoreScaler(-3, 0.25).ToString());
        Assert.Equal("none", IdentityScaler.Instance.ToString());
    }

    [Fact]
    public void Parse_RoundTripsFittedScalersBitForBit()
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 500; trial++)
        {
            double[] values = Enumerable.Range(0, 2 + random.Next(20))
                .Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9))).ToArray();
            foreach (var kind in new[] { ScalerKind.MinMax, ScalerKind.ZScore })
            {
                var s = Scaler.Fit(kind, values, "X");
                var back = Scaler.Parse(s.ToString());

                Assert.Equal(s.Kind, back.Kind);
                Assert.Equal(s.ToString(), back.ToString());
                foreach (double v in values) Assert.Equal(s.Transform(v), back.Transform(v)); // exact
            }
        }
    }

    [Fact]
    public void Parse_AcceptsAnyCaseAndNone()
    {
        Assert.IsType<MinMaxScaler>(Scaler.Parse("MinMax:1:2"));
        Assert.Same(IdentityScaler.Instance, Scaler.Parse("none"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("minmax:1")]
    [InlineData("minmax:a:b")]
    [InlineData("robust:1:2")]
    [InlineData("minmax:1,5:2")]
    [InlineData("zscore:0:NaN")]
    public void Parse_RejectsTextThatIsNotAScaler(string text)
    {
        var e = Assert.Throws<DataException>(() => Scaler.Parse(text));

        Assert.Contains("minmax:LOW:HIGH", e.Message);
    }

    [Theory]
    [InlineData("minmax:5:5", "low < high")]
    [InlineData("zscore:1:0", "above 0")]
    public void Parse_RejectsScalersThatWouldDivideByZero(string text, string expected)
    {
        var e = Assert.Throws<DataException>(() => Scaler.Parse(text));

        Assert.Contains(expected, e.Message);
    }
}

public sealed class SeriesScalersTests
{
    private static TimeSeries Series() => new("MSFT",
        [new(2020, 1, 1), new(2020, 1, 2), new(2020, 1, 3), new(2020, 1, 4)],
        [10, 20, 30, 100],
        ["volume"],
        [1000, 3000, 2000, 9000]);

    [Fact]
    public void Fit_UsesOnlyTheTrainingSpan()
    {
        var scalers = SeriesScalers.Fit(ScalerKind.MinMax, Series(), fitLength: 3);

        Assert.Equal("minmax:10:30;minmax:1000:3000", scalers.ToString());
    }

    [Fact]
    public void Transform_ScalesValuesAndFeaturesAndInverseRestoresThem()
    {
        var series = Series();
        var scalers = SeriesScalers.Fit(ScalerKind.MinMax, series, 3);

        var scaled = scalers.Transform(series);
        Assert.Equal([0, 0.5, 1, 4.5], scaled.Values);
        Assert.Equal([0.0], scaled.FeatureRow(0).ToArray());
        Assert.Equal([4.0], scaled.FeatureRow(3).ToArray());
        Assert.Equal(series.Dates, scaled.Dates);

        var back = scalers.Inverse(scaled);
        Assert.Equal(series.Values, back.Values);
        Assert.Equal(series.FeatureColumn(0), back.FeatureColumn(0));
    }

    [Fact]
    public void ConstantFeature_NamesTheSeriesAndColumn_AndLeavingTheFeatureOut()
    {
        var series = new TimeSeries("IBM", [new(2020, 1, 1), new(2020, 1, 2)], [1, 2], ["volume"], [0, 0]);

        var e = Assert.Throws<DataException>(() => SeriesScalers.Fit(ScalerKind.ZScore, series, 2));

        Assert.Equal("feature column 'volume' of series 'IBM' is constant (all 2 values fitted are 0): it tells the network nothing, " +
                     "and scaling it would divide by zero. Leave it out of CsvReadOptions.Features.", e.Message);
        Assert.Equal([CsvSettings.Features], e.Settings);
        Assert.Same(IdentityScaler.Instance, SeriesScalers.Fit(ScalerKind.None, series, 2).Features[0]);
    }

    [Fact]
    public void Parse_RoundTripsText()
    {
        var scalers = SeriesScalers.Fit(ScalerKind.ZScore, Series(), 4);

        var back = SeriesScalers.Parse(scalers.ToString());

        Assert.Equal(scalers.ToString(), back.ToString());
        Assert.Single(back.Features);
    }
}
