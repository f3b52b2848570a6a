using System.Text.Json;
using Unroll.Data;
using Unroll.Forecasting;

namespace Unroll.Forecasting.Tests.Seasonal;

/// <summary>SeasonalAdjustment against R's decompose (fixtures/seasonal/make_seasonal.R), and its contract.</summary>
public sealed class SeasonalAdjustmentTests
{
    private sealed record Case(string Name, int M, double[] X, double TestRatio, double[] AdditiveFigure, double AdditiveStrength,
        double[]? MultiplicativeFigure, double? MultiplicativeStrength);

    private static readonly IReadOnlyDictionary<string, Case> Cases = Load();

    private static Dictionary<string, Case> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "seasonal", "seasonal.json")));
        double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return doc.RootElement.EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!, c.GetProperty("m").GetInt32(), Numbers(c.GetProperty("x")), c.GetProperty("test_ratio").GetDouble(),
            Numbers(c.GetProperty("additive_figure")), c.GetProperty("additive_strength").GetDouble(),
            c.TryGetProperty("multiplicative_figure", out var mf) ? Numbers(mf) : null,
            c.TryGetProperty("multiplicative_strength", out var ms) ? ms.GetDouble() : null)).ToDictionary(c => c.Name);
    }

    public static TheoryData<string> Seasonal => new(["synthetic_monthly", "synthetic_quarterly_negative", "wineind", "inflation_Dp", "taylor_daily"]);

    [Theory]
    [MemberData(nameof(Seasonal))]
    public void Fit_ASeasonalSeries_GivesRsFigureAndStrength(string name)
    {
        var c = Cases[name];

        var adjustment = SeasonalAdjustment.Fit(c.X, c.M, out string why);

        Assert.True(adjustment is not null, why);
        bool positive = c.X.All(v => v > 0);
        Assert.Equal(!positive, adjustment.Additive);
        var figure = positive ? c.MultiplicativeFigure! : c.AdditiveFigure;
        double strength = positive ? c.MultiplicativeStrength!.Value : c.AdditiveStrength;
        Assert.Equal(c.M, adjustment.Period);
        for (int j = 0; j < c.M; j++) Assert.Equal(figure[j], adjustment.Indices[j], 1e-12 * Math.Max(1, Math.Abs(figure[j])));
        Assert.Equal(strength, adjustment.Strength, 1e-10);
    }

    [Theory]
    [InlineData("synthetic_monthly")]
    [InlineData("synthetic_quarterly_negative")]
    [InlineData("trend_only")]
    [InlineData("wineind")]
    [InlineData("taylor_daily")]
    public void SeasonalityRatio_IsThetafsTestStatistic(string name)
    {
        var c = Cases[name];

        Assert.Equal(c.TestRatio, Unroll.Forecasting.Methods.ClassicalDecomposition.SeasonalityRatio(c.X, c.M), 1e-12 * c.TestRatio);
    }

    [Theory]
    [InlineData("trend_only")]
    [InlineData("macro_cpi")]
    public void Fit_ATrendWithoutASeason_PassesTheLagTestButIsTooWeak(string name)
    {
        var c = Cases[name];

        var adjustment = SeasonalAdjustment.Fit(c.X, c.M, out string why);

        Assert.True(c.TestRatio > 1.645, "the fixture should pass thetaf's test, as trending series do");
        Assert.Null(adjustment);
        Assert.Contains("the seasonal pattern is weak (strength 0.", why);
        Assert.True(c.MultiplicativeStrength < SeasonalAdjustment.MinimumStrength);
    }

    [Fact]
    public void Fit_NoSeasonTooShortOrConstant_SaysWhy()
    {
        SeasonalAdjustment.Fit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 1, out string one);
        SeasonalAdjustment.Fit(Cases["wineind"].X.AsSpan(0, 35), 12, out string shortOne);
        SeasonalAdjustment.Fit(Enumerable.Repeat(4.0, 40).ToArray(), 4, out string constant);
        var noise = new Random(3);
        SeasonalAdjustment.Fit(Enumerable.Range(0, 60).Select(_ => noise.NextDouble()).ToArray(), 12, out string none);

        Assert.Equal("not seasonal (season 1)", one);
        Assert.Equal("season 12 needs three seasons of training values (36), got 35", shortOne);
        Assert.Equal("the values are constant", constant);
        Assert.StartsWith("no seasonality at lag 12: |r(12)| is ", none);
    }

    [Theory]
    [InlineData("synthetic_monthly")]
    [InlineData("inflation_Dp")]
    public void RemoveThenRestore_GivesTheValuesBack(string name)
    {
        var c = Cases[name];
        var adjustment = SeasonalAdjustment.Fit(c.X, c.M, out _)!;

        var adjusted = adjustment.Remove(c.X);

        for (int t = 0; t < c.X.Length; t++) Assert.Equal(c.X[t], adjustment.Restore(adjusted[t], t), 1e-12 * Math.Abs(c.X[t]) + 1e-15);
        // The pattern is gone: each position's mean departure from the series' mean is far smaller than before.
        double Spread(double[] v) => Enumerable.Range(0, c.M).Select(j => Math.Abs(v.Where((_, t) => t % c.M == j).Average() - v.Average())).Max();
        Assert.True(Spread(adjusted) < Spread(c.X) / 3, $"{Spread(adjusted)} vs {Spread(c.X)}");
    }

    [Fact]
    public void Json_RoundTripsEveryBit()
    {
        var adjustment = SeasonalAdjustment.Fit(Cases["wineind"].X, 12, out _)!;

        var back = SeasonalAdjustment.Parse(adjustment.ToJson());

        Assert.Equal(adjustment.Indices, back.Indices);
        Assert.Equal(adjustment.Strength, back.Strength);
        Assert.Equal((12, false), (back.Period, back.Additive));
        Assert.Equal("multiplicative, season 12 (strength 0.86)", back.Describe());
    }

    [Theory]
    [InlineData("""{"period": 1, "additive": false, "strength": "0.9", "indices": ["1"]}""")]
    [InlineData("""{"period": 2, "additive": false, "strength": "0.9", "indices": ["1"]}""")]
    [InlineData("""{"period": 2, "additive": false, "strength": "0.9", "indices": ["1", "-1"]}""")]
    [InlineData("""{"period": 2, "additive": true, "strength": "0.9", "indices": ["1", "NaN"]}""")]
    [InlineData("""{"period": 2, "additive": true, "indices": ["1", "-1"]}""")]
    [InlineData("""[]""")]
    public void Parse_RefusesWhatToJsonDoesNotWrite(string json)
        => Assert.Throws<FormatException>(() => SeasonalAdjustment.Parse(json));

    [Fact]
    public void From_TurnsTheIndicesByTheStepsFromTheAnchor_AndTheJsonKeepsBoth()
    {
        DataStep.TryParse("months", out var months);
        var adjustment = new SeasonalAdjustment(12, Enumerable.Range(1, 12).Select(i => 1 + i / 100.0).ToArray(), false, 0.8)
        {
            Anchor = new DateTime(2010, 1, 31),
            Step = months,
        };

        Assert.Equal(1.04, adjustment.From(new DateTime(2010, 4, 30)).Indices[0]);            // April's factor first
        Assert.Equal(1.11, adjustment.From(new DateTime(2009, 11, 30)).Indices[0]);           // before the anchor: November's
        Assert.Equal(1.05, adjustment.From(new DateTime(2031, 5, 1)).Indices[0]);
        Assert.Same(adjustment, adjustment.From(new DateTime(2010, 1, 31)));
        var turned = adjustment.From(new DateTime(2010, 4, 30));
        Assert.Equal(7, turned.Remove(1.03 * 7, 11), 12);                                   // position 11 of an April start: March's factor
        Assert.Equal(adjustment.Indices, turned.From(new DateTime(2010, 1, 31)).Indices);       // and back

        var read = SeasonalAdjustment.Parse(adjustment.ToJson());
        Assert.Equal((adjustment.Anchor, "months"), (read.Anchor, read.Step?.ToString()));
        Assert.Equal(adjustment.Indices, read.Indices);
        // A file written before the anchor: positions count from any series' first value, as then.
        var old = SeasonalAdjustment.Parse("""{"period": 4, "additive": true, "strength": "0.5", "indices": ["1", "2", "3", "4"]}""");
        Assert.Null(old.Anchor);
        Assert.Same(old, old.From(new DateTime(2020, 1, 1)));
        Assert.Throws<FormatException>(() => SeasonalAdjustment.Parse("""{"period": 4, "additive": true, "strength": "0.5", "indices": ["1", "2", "3", "4"], "anchor": "2020-01-01T00:00:00"}"""));
        Assert.Throws<FormatException>(() => SeasonalAdjustment.Parse("""{"period": 4, "additive": true, "strength": "0.5", "indices": ["1", "2", "3", "4"], "anchor": "soon", "step": "quarters"}"""));
    }

    [Theory]
    [InlineData("months", "2010-01-31", "2011-03-01", 14)]
    [InlineData("months", "2011-03-01", "2010-01-31", -14)]
    [InlineData("quarters", "2010-03-31", "2010-12-31", 3)]
    [InlineData("quarters", "2010-01-01", "2011-04-01", 5)]
    [InlineData("years", "2010-12-31", "2014-01-01", 4)]
    [InlineData("weeks", "2020-01-03", "2020-03-06", 9)]
    [InlineData("days", "2020-02-27", "2020-03-02", 4)]
    [InlineData("business_days", "2020-01-03", "2020-01-06", 1)]     // Friday to Monday
    [InlineData("business_days", "2020-01-06", "2020-01-20", 10)]
    [InlineData("business_days", "2020-01-04", "2020-01-06", 0)]     // a Saturday counts as the Monday after
    [InlineData("intraday:1800", "2020-01-06T09:30:00", "2020-01-09T12:00:00", 5)]
    [InlineData("intraday:3600", "2020-01-06T15:00:00", "2020-01-07T10:00:00", -5)]
    public void StepsBetween_CountsTheSeriesOwnSteps(string step, string from, string to, long steps)
    {
        Assert.True(DataStep.TryParse(step, out var s));
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(steps, s.StepsBetween(DateTime.Parse(from, culture), DateTime.Parse(to, culture)));
    }
}
