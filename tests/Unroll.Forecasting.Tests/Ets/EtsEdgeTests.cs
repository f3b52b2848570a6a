using System.Text.Json;
using Unroll.Data;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>Series at the edges: constant, very short, few seasons, zeros and negatives, long periods, bad input.</summary>
public sealed class EtsEdgeTests
{
    private static readonly Lazy<JsonElement> Edge = new(() => JsonDocument.Parse(File.ReadAllText(EtsReference.Path_("edge.json"))).RootElement);

    private static double[] Values(string name) => EtsReference.Numbers(Edge.Value.GetProperty(name).GetProperty("y"));

    [Fact]
    public void ConstantSeries_GetsRsSimpleExponentialSmoothingWithZeroWidthIntervals()
    {
        // R: ets(ts(rep(5, 20), frequency = 4)) is ses(y, alpha = 0.99999, initial = "simple")$model, σ² = 0.
        var y = Values("constant");

        var fit = Assert.IsType<EtsFit>(new EtsMethod().Fit(y, 4).Fitted);
        var f = fit.Forecast(y, 4, [0.8, 0.95]);

        Assert.Equal("ETS(A,N,N)", fit.Description);
        Assert.Equal(0.99999, fit.Parameters.Alpha);
        Assert.Equal(0, fit.Sigma2);
        Assert.True(double.IsNaN(fit.Aicc));                    // R's object has no likelihood either
        Assert.All(f.Mean, v => Assert.Equal(5, v));
        Assert.All(f.Intervals, i => Assert.Equal(i.Lower, i.Upper));
    }

    [Fact]
    public void EightValues_FitRsModel()
    {
        // R: ets(ts(c(112, 118, 132, 129, 121, 135, 148, 148), frequency = 4)) → ETS(A,N,N); seasonal models have too
        // many parameters (k ≥ n − 1), so only N-season models compete.
        var e = Edge.Value.GetProperty("short8");
        var y = Values("short8");

        var fit = Assert.IsType<EtsFit>(new EtsMethod().Fit(y, 4).Fitted);
        var f = fit.Forecast(y, 4, [0.95]);
        var hi95 = EtsReference.Numbers(e.GetProperty("forecast").GetProperty("hi95"));

        Assert.Equal(e.GetProperty("method").GetString(), fit.Description);
        Assert.Equal(e.GetProperty("aicc").GetDouble(), fit.Aicc, 1e-8);
        for (int h = 0; h < 4; h++) Assert.Equal(hi95[h], f.Intervals[0].Upper[h], 1e-6);
    }

    [Fact]
    public void FewerThanThreeSeasons_StartsFromRsRegressionGuess_AndFitsRsModel()
    {
        // The first 30 months of wineind (m = 12): initstate regresses on t, sin and cos instead of decomposing.
        var e = Edge.Value.GetProperty("short_seasonal");
        var y = Values("short_seasonal");

        foreach (var s in e.GetProperty("starts").EnumerateArray())
        {
            var model = EtsModel.Parse(s.GetProperty("method").GetString()!);
            var expected = EtsReference.Numbers(s.GetProperty("start"));
            var guess = EtsInitialStates.Guess(y, model, 12);
            Assert.Equal(expected.Length, guess.Length);
            for (int i = 0; i < guess.Length; i++)
                Assert.True(Math.Abs(guess[i] - expected[i]) <= 1e-9 * Math.Max(1, Math.Abs(expected[i])), $"{model} state {i}: {guess[i]:R} vs R's {expected[i]:R}");
        }
        var fit = Assert.IsType<EtsFit>(new EtsMethod().Fit(y, 12).Fitted);
        Assert.Equal(e.GetProperty("method").GetString(), fit.Description);
        Assert.Equal(e.GetProperty("aicc").GetDouble(), fit.Aicc, 1e-6);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void FewerThanSevenValues_IsNotApplicable_AndSaysWhy(int n)
    {
        double[] y = [.. Enumerable.Range(0, n).Select(t => 10.0 + t % 3)];

        var fit = new EtsMethod().Fit(y, 1);

        Assert.Null(fit.Fitted);
        Assert.Equal($"ETS needs at least 7 training values to estimate a model by maximum likelihood, got {n}", fit.NotApplicable);
    }

    [Fact]
    public void AModelWithMoreParametersThanValues_IsNotApplicable()
    {
        // ETS(M,A,M) with m = 12 has 3 smoothing parameters and 13 free states: 16 ≥ 20 − 1 is false, 16 ≥ 15 − 1 true.
        var y = Values("short_seasonal")[..15];

        var fit = new EtsMethod().Fit(y, 12, EtsModel.Parse("MAM"));

        Assert.Null(fit.Fitted);
        Assert.StartsWith("ETS(M,A,M) could not be estimated on 15 values: it has 16 parameters (smoothing parameters and free initial states) and needs at least 18 values", fit.NotApplicable);
    }

    [Fact]
    public void AGivenModel_OnAConstantSeries_IsNotApplicable_PointingToTheSelection()
    {
        var fit = new EtsMethod().Fit([.. Enumerable.Repeat(3.0, 20)], 4, EtsModel.Parse("MAM"));

        Assert.Null(fit.Fitted);
        Assert.Contains("constant series", fit.NotApplicable);
    }

    [Theory]
    [InlineData("discoveries")]      // counts with zeros
    [InlineData("inflation_Dp")]     // negatives
    [InlineData("macro_infl")]
    public void ZerosOrNegatives_LeaveOnlyAdditiveModels(string name)
    {
        var r = EtsReference.Of(name);

        var candidates = EtsMethod.Candidates(r.Train, r.M);
        var forced = new EtsMethod().Fit(r.Train, r.M, EtsModel.Parse("MNN"));

        Assert.NotEmpty(candidates);
        Assert.All(candidates, m => Assert.True(m.Error == EtsError.Additive && m.Season != EtsSeason.Multiplicative));
        Assert.Null(forced.Fitted);
        Assert.Contains("needs values above 0", forced.NotApplicable);
    }

    [Fact]
    public void AdditiveErrorWithMultiplicativeSeason_IsNotFitted()
    {
        var r = EtsReference.Of("wineind");

        var fit = new EtsMethod().Fit(r.Train, 12, EtsModel.Parse("ANM"));

        Assert.Contains("additive errors with a multiplicative season", fit.NotApplicable);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(52)]
    public void NoSeasonOrAPeriodBeyond24_FitsNonSeasonalModelsOnly(int season)
    {
        var r = EtsReference.Of("gas");

        var candidates = EtsMethod.Candidates(r.Train, season);
        var forced = new EtsMethod().Fit(r.Train, season, EtsModel.Parse("MAM"));

        Assert.Equal(6, candidates.Count);
        Assert.All(candidates, m => Assert.False(m.HasSeason));
        Assert.Null(forced.Fitted);
        Assert.NotNull(forced.NotApplicable);
    }

    [Fact]
    public void SeasonalPeriodNotBelowTheLength_LeavesSeasonOut()
        => Assert.All(EtsMethod.Candidates([.. Enumerable.Range(1, 12).Select(t => (double)t)], 12), m => Assert.False(m.HasSeason));

    [Fact]
    public void NaN_NeverReachesEts_TimeSeriesRefusesIt_AndEtsToo()
    {
        var dates = Enumerable.Range(0, 10).Select(d => new DateTime(2020, 1, 1).AddMonths(d)).ToArray();
        double[] y = [1, 2, 3, 4, double.NaN, 6, 7, 8, 9, 10];

        var series = Assert.Throws<ArgumentException>(() => new TimeSeries("x", dates, y));
        var ets = Assert.Throws<ArgumentException>(() => new EtsMethod().Fit(y, 1));

        Assert.Contains("non-finite value", series.Message);
        Assert.Contains("training value 4 is NaN", ets.Message);
    }

    [Fact]
    public void SeasonBelowOne_IsAnError()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new EtsMethod().Fit([1, 2, 3, 4, 5, 6, 7, 8], 0));

    [Fact]
    public void Forecast_FromAHistoryShorterThanTheTrainingValues_SaysToPassTheWholeSeries()
    {
        var r = EtsReference.Of("nhtemp");
        var fit = new EtsMethod().Fit(r.Train, 1).Fitted!;

        var e = Assert.Throws<ArgumentException>(() => fit.Forecast(r.Train.AsSpan(10), 1, []));

        Assert.Contains("the history has 38 values, but the method was fitted on 48", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(95.0)]
    public void Forecast_AtALevelOutsideZeroToOne_IsAnError(double level)
    {
        var r = EtsReference.Of("nhtemp");
        var fit = new EtsMethod().Fit(r.Train, 1).Fitted!;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fit.Forecast(r.Train, 1, [level]));

        Assert.Contains("above 0 and below 1", e.Message);
    }

    [Fact]
    public void Forecast_WalkingForward_GivesTheFittedValuesOfTheSameModelOverTheWholeSeries()
    {
        // Fixed parameters and initial states, the state moving on with the data: forecasting from y_1..y_o is the
        // filter's one-step forecast of y_{o+1} when it runs over the whole series.
        var r = EtsReference.Of("woolyrnq");
        var fit = Assert.IsType<EtsFit>(new EtsMethod().Fit(r.Train, 4).Fitted);
        var whole = EtsFit.Create(fit.Model, 4, fit.Parameters, fit.InitialState, r.Y);

        for (int o = r.T; o < r.Y.Length; o++)
            Assert.Equal(whole.Fitted[o], fit.Forecast(r.Y.AsSpan(0, o), 1, []).Mean[0], 1e-12 * Math.Abs(whole.Fitted[o]));
        Assert.Equal(ForecastMethod.Ets, fit.Method);
        Assert.Equal(ForecastMethod.Ets, new EtsMethod().Method);
    }

    [Fact]
    public void SingleValue_IsAConstantSeries()
    {
        var fit = Assert.IsType<EtsFit>(new EtsMethod().Fit([42.0], 1).Fitted);

        Assert.Equal(0, fit.Sigma2);
        Assert.True(double.IsNaN(fit.Aicc));
        Assert.Equal([42.0, 42.0], fit.Forecast([42.0], 2, []).Mean);
    }

    [Theory]
    [InlineData("ETS(M,Ad,M)", EtsError.Multiplicative, EtsTrend.AdditiveDamped, EtsSeason.Multiplicative)]
    [InlineData("A,N,N", EtsError.Additive, EtsTrend.None, EtsSeason.None)]
    [InlineData("MAdA", EtsError.Multiplicative, EtsTrend.AdditiveDamped, EtsSeason.Additive)]
    [InlineData(" ets(a,a,m) ", EtsError.Additive, EtsTrend.Additive, EtsSeason.Multiplicative)]
    public void EtsModel_ParsesRsSpellings_AndPrintsRsName(string text, EtsError error, EtsTrend trend, EtsSeason season)
    {
        var model = EtsModel.Parse(text);

        Assert.Equal(new EtsModel(error, trend, season), model);
        Assert.Equal(model, EtsModel.Parse(model.ToString()));
    }

    [Theory]
    [InlineData("ETS(M,M,N)", "the trend is N, A or Ad")]
    [InlineData("XNN", "the error is A or M")]
    [InlineData("MNd", "the season is N, A or M")]
    [InlineData("AN", "not an ETS model")]
    public void EtsModel_RefusesOtherText_SayingWhatItExpects(string text, string message)
        => Assert.Contains(message, Assert.Throws<FormatException>(() => EtsModel.Parse(text)).Message);
}
