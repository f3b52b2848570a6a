using Unroll.Data;
using Unroll.Forecasting;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Seasonal;

/// <summary>The forecaster's parts: the seasonal pattern taken out and put back, and the combination with ETS and
/// Theta, each checked against the same computation done by hand from the public pieces.</summary>
public sealed class ForecasterPartsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-parts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Monthly, strongly seasonal (multiplicative), 96 months; and a quarterly one with negative values.</summary>
    private static SeriesSet Data()
    {
        var noise = new Random(5);
        TimeSeries Make(string name, int n, Func<int, DateTime> date, Func<int, double> value)
            => new(name, Enumerable.Range(0, n).Select(date).ToArray(), Enumerable.Range(0, n).Select(value).ToArray());
        var monthly = Make("SALES", 96, i => new DateTime(2010, 1, 1).AddMonths(i),
            i => (200 + 1.5 * i) * (1 + 0.3 * Math.Sin(2 * Math.PI * i / 12)) + 4 * noise.NextDouble());
        var quarterly = Make("TEMP", 96, i => new DateTime(2000, 1, 1).AddMonths(3 * i),
            i => new[] { -4.0, 2, 6, -1 }[i % 4] + 0.02 * i + noise.NextDouble());
        return new SeriesSet([monthly, quarterly], "value", [], "parts.csv");
    }

    private static readonly ForecastSettings Quick = new() { HiddenSize = 6, Epochs = 8, Seed = 2, TestFraction = 0.2 };

    [Fact]
    public void Fit_TakesOutTheSeasonsThatAreReal()
    {
        var fit = Forecaster.Fit(Data(), Quick);

        var sales = fit.Forecaster.Adjustments["SALES"];
        var temp = fit.Forecaster.Adjustments["TEMP"];
        Assert.Equal((12, false), (sales.Period, sales.Additive));
        Assert.Equal((4, true), (temp.Period, temp.Additive));   // negative values: additive
        // Fitted on each training part only: the first 65% of the values.
        var expected = SeasonalAdjustment.Fit(Data().Series[0].Values.AsSpan(0, 62), 12, out _)!;
        Assert.Equal(expected.Indices, sales.Indices);
        Assert.Contains(fit.Notes, n => n.StartsWith("seasonal patterns taken out before the network and put back into its forecasts for 2 of 2 series (SALES: multiplicative, season 12", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_DeseasonalizeOff_TakesNothingOut()
        => Assert.Empty(Forecaster.Fit(Data(), Quick with { Deseasonalize = false }).Forecaster.Adjustments);

    [Fact]
    public void NetworkForecast_IsTheAdjustedSeriesForecastWithTheSeasonPutBack()
    {
        var forecaster = Forecaster.Fit(Data(), Quick with { CombineClassical = false }).Forecaster;
        var series = Data().Series[0];
        var adjustment = forecaster.Adjustments[series.Symbol];
        var plain = forecaster.WithParts(new Dictionary<string, SeasonalAdjustment>(), forecaster.ClassicalFitLengths);
        var adjusted = new TimeSeries(series.Symbol, series.Dates, adjustment.Remove(series.Values));

        var forecast = forecaster.NetworkFrom(series, 80, 3);
        var byHand = plain.NetworkFrom(adjusted, 80, 3).Select((v, k) => adjustment.Restore(v, 80 + k)).ToArray();

        Assert.Equal(byHand, forecast);
    }

    [Fact]
    public void NetworkForecast_OfTheSameSeriesStartingLater_TakesTheSeasonsPhaseFromTheDates()
    {
        // A fresh download of the series that starts three months later (April, not January) and one that starts a
        // year and five months later: each value must meet its own month's index, so the network's forecast of the
        // same last values is the same.
        var forecaster = Forecaster.Fit(Data(), Quick with { CombineClassical = false }).Forecaster;
        var series = Data().Series[0];
        Assert.Equal((new DateTime(2010, 1, 1), "months"), (forecaster.Adjustments["SALES"].Anchor, forecaster.Adjustments["SALES"].Step?.ToString()));

        var full = forecaster.NetworkFrom(series, series.Length, 3);
        foreach (int drop in new[] { 3, 17 })
        {
            var later = series.Slice(drop, series.Length - drop);
            Assert.Equal(series.Dates[drop], later.Dates[0]);
            var forecast = forecaster.NetworkFrom(later, later.Length, 3);
            for (int k = 0; k < 3; k++) Assert.Equal(full[k], forecast[k], 1e-9);
        }
        // Counted from the file's first row, as before the anchor, the April start would meet January's index.
        var positional = forecaster.WithParts(new Dictionary<string, SeasonalAdjustment> { ["SALES"] = new(12, forecaster.Adjustments["SALES"].Indices, false, 0.9) },
            forecaster.ClassicalFitLengths);
        var shifted = series.Slice(3, series.Length - 3);
        Assert.True(Math.Abs(positional.NetworkFrom(shifted, shifted.Length, 1)[0] - full[0]) > 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Combination_IsHalfTheNetworkAndHalfEtsAndTheta_FittedBeforeTheTestPart(int which)
    {
        var forecaster = Forecaster.Fit(Data(), Quick).Forecaster;
        var series = Data().Series[which];
        int m = which == 0 ? 12 : 4, fitted = forecaster.ClassicalFitLengths[series.Symbol];
        var leftOut = forecaster.LeftOut.TryGetValue(series.Symbol, out var l) ? l : new HashSet<ForecastMethod>();
        IForecastingMethod[] methods = [new EtsMethod(), new ThetaMethod()];
        var partners = methods.Where(method => !leftOut.Contains(method.Method))
            .Select(method => method.Fit(series.Values.AsSpan(0, fitted), m).Fitted!.Forecast(series.Values.AsSpan(0, 85), 2, [0.8])).ToList();

        var forecast = forecaster.ForecastFrom(series, 85, 2, [0.8]);

        Assert.Equal(76, fitted);                                    // ⌊0.8 · 96⌋: the backtest's test part starts there
        Assert.NotEmpty(partners);
        double share = leftOut.Contains(ForecastMethod.Model) ? 0 : 0.5;
        var network = forecaster.NetworkFrom(series, 85, 2);
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(share * network[k] + (1 - share) * partners.Average(p => p.Mean[k]), forecast.Mean[k], 1e-9);
            // The interval: centred on the combined forecast, as wide as the partners' on average.
            double half = partners.Average(p => (p.Intervals[0].Upper[k] - p.Intervals[0].Lower[k]) / 2);
            Assert.Equal(forecast.Mean[k] - half, forecast.Intervals[0].Lower[k], 1e-9);
            Assert.Equal(forecast.Mean[k] + half, forecast.Intervals[0].Upper[k], 1e-9);
        }
    }

    [Fact]
    public void LeftOut_IsEveryPartWhoseValidationErrorsExceedNaives()
    {
        // Beside the two seasonal series, a random walk: no network beats the naive forecast on it but by luck.
        var walk = new Random(8);
        double level = 50;
        var steps = Enumerable.Range(0, 96).Select(_ => level += walk.NextDouble() * 2 - 1).ToArray();
        var data = new SeriesSet([.. Data().Series, new TimeSeries("WALK", Data().Series[0].Dates, steps)], "value", [], "parts.csv");
        var forecaster = Forecaster.Fit(data, Quick).Forecaster;

        foreach (var (series, m) in data.Series.Zip([12, 4, 12]))
        {
            // By hand: one-step forecasts from every origin of the validation part (steps 62..75), each part's absolute
            // errors against naive's; ETS and Theta fitted on the training part (62 values).
            var ets = new EtsMethod().Fit(series.Values.AsSpan(0, 62), m).Fitted!;
            var theta = new ThetaMethod().Fit(series.Values.AsSpan(0, 62), m).Fitted!;
            double network = 0, e = 0, t = 0, naive = 0;
            for (int origin = 62; origin < 76; origin++)
            {
                double y = series.Values[origin];
                network += Math.Abs(forecaster.NetworkFrom(series, origin, 1)[0] - y);
                e += Math.Abs(ets.Forecast(series.Values.AsSpan(0, origin), 1, []).Mean[0] - y);
                t += Math.Abs(theta.Forecast(series.Values.AsSpan(0, origin), 1, []).Mean[0] - y);
                naive += Math.Abs(series.Values[origin - 1] - y);
            }
            var expected = new[] { (ForecastMethod.Ets, e), (ForecastMethod.Theta, t) }.Where(x => x.Item2 > naive).Select(x => x.Item1).ToHashSet();
            if (expected.Count == 2) expected.Clear();                 // both classical parts worse: both stay
            if (network > naive) expected.Add(ForecastMethod.Model);
            var actual = forecaster.LeftOut.TryGetValue(series.Symbol, out var l) ? l : new HashSet<ForecastMethod>();
            Assert.Equal(expected.Order(), actual.Order());
        }
        Assert.Contains("WALK", forecaster.NetworkLeftOut);           // both outcomes occur here, so neither branch goes untested
        Assert.DoesNotContain("SALES", forecaster.NetworkLeftOut);
        Assert.DoesNotContain("half the network", forecaster.DescribeFor("WALK"));
        Assert.Contains("the network", forecaster.DescribeFor("WALK"));
    }

    [Fact]
    public void CombineOff_ForecastsWithTheNetworkAlone()
    {
        var forecaster = Forecaster.Fit(Data(), Quick with { CombineClassical = false }).Forecaster;
        var series = Data().Series[1];

        Assert.Equal(forecaster.NetworkFrom(series, 90, 3), forecaster.PredictFrom(series, 90, 3));
    }

    [Fact]
    public void SavedAndLoaded_ForecastsTheSameBits()
    {
        var fit = Forecaster.Fit(Data(), Quick);
        var path = Path.Combine(_folder, "m.safetensors");
        ModelBundle.Save(fit.Forecaster, path);

        var loaded = ModelBundle.Load(path);

        Assert.Equal(fit.Forecaster.ClassicalFitLengths, loaded.ClassicalFitLengths);
        Assert.Equal(fit.Forecaster.LeftOut.Keys.Order(), loaded.LeftOut.Keys.Order());
        foreach (var (symbol, parts) in fit.Forecaster.LeftOut) Assert.Equal(parts.Order(), loaded.LeftOut[symbol].Order());
        Assert.Equal(fit.Forecaster.Adjustments["TEMP"].Indices, loaded.Adjustments["TEMP"].Indices);
        Assert.True(loaded.Settings.Deseasonalize && loaded.Settings.CombineClassical);
        foreach (var series in Data().Series)
        {
            var before = fit.Forecaster.ForecastFrom(series, series.Length, 4, [0.8, 0.95]);
            var after = loaded.ForecastFrom(series, series.Length, 4, [0.8, 0.95]);
            Assert.Equal(before.Mean, after.Mean);
            Assert.Equal(before.Intervals[1].Upper, after.Intervals[1].Upper);
        }
    }

    [Fact]
    public void SameSeed_SameForecasts()
    {
        var a = Forecaster.Fit(Data(), Quick).Forecaster;
        var b = Forecaster.Fit(Data(), Quick).Forecaster;

        Assert.Equal(a.PredictFrom(Data().Series[0], 96, 5), b.PredictFrom(Data().Series[0], 96, 5));
    }
}
