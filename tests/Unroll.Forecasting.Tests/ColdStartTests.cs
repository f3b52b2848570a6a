using Unroll.Data;
using Unroll.Data.Scaling;
using Unroll.Data.Csv;

namespace Unroll.Forecasting.Tests;

/// <summary>Forecaster.Serving: a one-series file stands in for a one-series model's series; a series the model never
/// saw is a cold start, its parts estimated from its own history as training estimates a series'.</summary>
public sealed class ColdStartTests
{
    private static TimeSeries Make(string name, int length, double phase, double level = 50)
    {
        var dates = Enumerable.Range(0, length).Select(i => new DateTime(2001, 1, 1).AddDays(7 * i)).ToArray();
        var values = Enumerable.Range(0, length).Select(i => level * (1 + 0.2 * Math.Sin(i / 4.0 + phase)) + i * 0.1).ToArray();
        return new TimeSeries(name, dates, values);
    }

    private static SeriesSet Long(params TimeSeries[] series) => new(series, "price", [], "long.csv") { SymbolColumn = "symbol" };

    private static SeriesSet OneFile(TimeSeries series) => new([series], "price", [], series.Symbol + ".csv");

    private static readonly ForecastSettings Small = new() { HiddenSize = 8, Lookback = Lookback.Of(6), Epochs = 5, Seed = 11 };

    private static TimeSeries Renamed(TimeSeries s, string name) => new(name, s.Dates, s.Values, s.FeatureNames, s.Features);

    [Fact]
    public void Serving_SeriesItWasTrainedOn_IsTheForecasterItself()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;

        Assert.Same(model, model.Serving(Long(Make("B", 55, 1))));
    }

    [Fact]
    public void Serving_OneSeriesFileForAOneSeriesModel_StandsInForTheModelsSeriesWithItsParts()
    {
        var trained = Make("yahoo_clean", 70, 0);
        var model = Forecaster.Fit(OneFile(trained), Small).Forecaster;
        var latest = Renamed(trained, "AAPL_latest");

        var serving = model.Serving(OneFile(latest));

        Assert.Equal(new Dictionary<string, string> { ["AAPL_latest"] = "yahoo_clean" }, serving.StandsFor);
        Assert.Empty(serving.ColdStart);
        Assert.Equal(model.Scalers["yahoo_clean"].ToString(), serving.Scalers["AAPL_latest"].ToString());
        Assert.Equal(model.Predict(trained, 3, [0.8]).Values, serving.Predict(latest, 3, [0.8]).Values);
        Assert.Equal("AAPL_latest", serving.Predict(latest, 3).Symbol);
    }

    [Fact]
    public void Serving_OneSymbolOfALongFile_IsAColdStartNotAStandIn()
    {
        var model = Forecaster.Fit(OneFile(Make("yahoo_clean", 70, 0)), Small).Forecaster;

        var serving = model.Serving(Long(Make("MSFT", 70, 2)));

        Assert.Empty(serving.StandsFor);
        Assert.Equal(["MSFT"], serving.ColdStart);
    }

    [Theory]
    [InlineData(TargetScaling.Relative)]
    [InlineData(TargetScaling.MinMax)]
    [InlineData(TargetScaling.ZScore)]
    public void Serving_NewSeriesWithATrainedSeriesHistory_EstimatesTheSamePartsAndForecast(TargetScaling scaling)
    {
        var a = Make("A", 60, 0);
        var model = Forecaster.Fit(Long(a, Make("B", 50, 1)), Small with { Scaling = scaling }).Forecaster;
        var twin = Renamed(a, "NEW");

        var serving = model.Serving(Long(twin));

        Assert.Equal(["NEW"], serving.ColdStart);
        Assert.Equal(model.Scalers["A"].ToString(), serving.Scalers["NEW"].ToString());
        Assert.Equal(model.NaiveScales["A"], serving.NaiveScales["NEW"]);
        Assert.Equal(model.ClassicalFitLengths["A"], serving.ClassicalFitLengths["NEW"]);
        Assert.Equal(model.LeftOut.GetValueOrDefault("A")?.Order(), serving.LeftOut.GetValueOrDefault("NEW")?.Order());
        var expected = model.Predict(a, 3, [0.8, 0.95]);
        var cold = serving.Predict(twin, 3, [0.8, 0.95]);
        Assert.Equal(expected.Values, cold.Values);
        Assert.Equal(expected.Intervals.Select(i => i.Upper), cold.Intervals.Select(i => i.Upper));
    }

    [Fact]
    public void Serving_RelativeScaling_NewSeriesAtThreeTimesTheLevel_NetworkForecastsThreeTimesAsMuch()
    {
        var a = Make("A", 60, 0);
        var model = Forecaster.Fit(Long(a, Make("B", 50, 1)), Small with { Scaling = TargetScaling.Relative, CombineClassical = false }).Forecaster;
        var tripled = new TimeSeries("BIG", a.Dates, a.Values.Select(v => 3 * v).ToArray());

        var forecast = model.Serving(Long(tripled)).Predict(tripled, 3).Values;

        var expected = model.Predict(a, 3).Values;
        for (int k = 0; k < 3; k++) Assert.Equal(3 * expected[k], forecast[k], 3 * expected[k] * 1e-5);
    }

    [Fact]
    public void Serving_WithATestFraction_EstimatesTheNewSeriesPartsBeforeItsTestPart()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small with { Deseasonalize = false }).Forecaster;
        var fresh = Make("NEW", 80, 2, level: 200);

        var serving = model.Serving(Long(fresh), testFraction: 0.25);

        var settings = model.Settings with { TestFraction = 0.25 };
        var prepared = Forecaster.Prepare(fresh, settings);
        Assert.Equal(prepared.Scalers.ToString(), serving.Scalers["NEW"].ToString());
        Assert.Equal(prepared.Split.ValidationEnd, serving.ClassicalFitLengths["NEW"]);
        Assert.True(serving.ClassicalFitLengths["NEW"] <= 60, "ETS and Theta must not see the 20 test points");
        var untouched = new TimeSeries("NEW", fresh.Dates, fresh.Values.Select((v, t) => t < 60 ? v : v * 5).ToArray());
        Assert.Equal(serving.Scalers["NEW"].ToString(), model.Serving(Long(untouched), testFraction: 0.25).Scalers["NEW"].ToString());
    }

    [Fact]
    public void Serving_NewSeriesTooShortToEstimateFrom_SaysItIsNewAndWhatItNeeds()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;

        var e = Assert.Throws<DataException>(() => model.Serving(Long(Make("NEW", 8, 0))));

        Assert.Equal("long.csv: series 'NEW' is new to the model, so its scaling is estimated from its history as training estimates a series', from its training part: " +
                     "6 of its 8 points, fewer than lookback 6 + horizon 1 = 7. Give it a longer history, or leave it out with CsvReadOptions.Symbols", e.Message);
        Assert.Equal([CsvSettings.Symbols], e.Settings);
    }

    [Fact]
    public void Serving_OneSeriesFileTooShortToEstimateFrom_DoesNotOfferToLeaveItOut()
    {
        // A file without a symbol column holds one series: leaving it out would leave nothing, so the fix is its history.
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;

        var e = Assert.Throws<DataException>(() => model.Serving(OneFile(Make("NEW", 8, 0))));

        Assert.Equal("NEW.csv: series 'NEW' is new to the model, so its scaling is estimated from its history as training estimates a series', from its training part: " +
                     "6 of its 8 points, fewer than lookback 6 + horizon 1 = 7. Give it a longer history", e.Message);
        Assert.Empty(e.Settings);
    }

    [Fact]
    public void Fit_SeriesTooShortForTheLookback_OffersLeavingItOutOnlyWhereTheFileHasOthers()
    {
        var alone = Assert.Throws<DataException>(() => Forecaster.Fit(OneFile(Make("ONE", 1, 0)), Small));
        var among = Assert.Throws<DataException>(() => Forecaster.Fit(Long(Make("ONE", 1, 0)), Small));

        Assert.Equal("ONE.csv: series 'ONE' has 1 point; its training part (0 points) is shorter than lookback 6 + horizon 1 = 7. " +
                     "Use a shorter ForecastSettings.Lookback, or give it a longer history", alone.Message);
        Assert.DoesNotContain(CsvSettings.Symbols, alone.Settings);
        Assert.EndsWith(", or leave this series out with CsvReadOptions.Symbols", among.Message);
        Assert.Contains(CsvSettings.Symbols, among.Settings);
        // A lookback of 1 and one output step cannot be shortened: only the history, or the horizon of a direct model.
        var shortest = Assert.Throws<DataException>(() => Forecaster.Fit(OneFile(Make("ONE", 2, 0)), Small with { Lookback = Lookback.Of(1) }));
        Assert.EndsWith("lookback 1 + horizon 1 = 2. Give it a longer history", shortest.Message);
        Assert.Empty(shortest.Settings);
        var direct = Assert.Throws<DataException>(() => Forecaster.Fit(OneFile(Make("ONE", 2, 0)),
            Small with { Lookback = Lookback.Of(1), Strategy = ForecastStrategy.Direct, Horizon = 3 }));
        Assert.EndsWith("lookback 1 + horizon 3 = 4. Use a shorter ForecastSettings.Horizon, or give it a longer history", direct.Message);
    }

    [Fact]
    public void Predict_SeriesNotServed_NamesServing()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;

        var e = Assert.Throws<DataException>(() => model.Predict(Make("NEW", 60, 0)));

        Assert.Contains("knows nothing of 'NEW'; forecast it through Serving", e.Message);
    }

    [Fact]
    public void Save_ForecasterServingNewSeries_IsRefusedSoTheyNeverLookTrained()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;
        var path = Path.Combine(Path.GetTempPath(), $"unroll-cold-{Guid.NewGuid():N}.safetensors");

        var e = Assert.Throws<ArgumentException>(() => ModelBundle.Save(model.Serving(Long(Make("NEW", 60, 2))), path));

        Assert.Contains("not trained on (NEW)", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ColdStartEstimates_NamesWhatTheSettingsEstimate()
    {
        var model = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small).Forecaster;
        Assert.Equal("its typical relative one-step move, its seasonal pattern and its ETS and Theta fits", model.ColdStartEstimates());

        var plain = Forecaster.Fit(Long(Make("A", 60, 0), Make("B", 50, 1)), Small with { Scaling = TargetScaling.ZScore, Deseasonalize = false, CombineClassical = false }).Forecaster;
        Assert.Equal("its mean and standard deviation", plain.ColdStartEstimates());
    }
}
