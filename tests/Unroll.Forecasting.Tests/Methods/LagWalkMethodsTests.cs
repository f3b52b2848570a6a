using Unroll.Forecasting.Baselines;
using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Methods;

/// <summary>Naive, seasonal naive, drift and moving average: hand-worked values and where they do not apply.</summary>
public sealed class LagWalkMethodsTests
{
    private static readonly double[] Levels = [0.8, 0.95];
    private const double Z80 = 1.2815515655446004, Z95 = 1.959963984540054;

    private static IFittedMethod Fitted(IForecastingMethod method, double[] train, int season = 1)
    {
        var fit = method.Fit(train, season);
        Assert.True(fit.Fitted is not null, $"{method.Method.Name()} did not fit: {fit.NotApplicable}");
        Assert.Null(fit.NotApplicable);
        return fit.Fitted;
    }

    private static string NotApplicable(IForecastingMethod method, double[] train, int season = 1)
    {
        var fit = method.Fit(train, season);
        Assert.Null(fit.Fitted);
        Assert.False(string.IsNullOrWhiteSpace(fit.NotApplicable));
        return fit.NotApplicable;
    }

    // ---- naive

    [Fact]
    public void Naive_TwoPoints_RepeatsTheLastWithWidthGrowingAsRootH()
    {
        var f = Fitted(new NaiveMethod(), [1, 3]).Forecast([1, 3], 3, Levels);   // s = |3 − 1| = 2

        Assert.Equal([3, 3, 3], f.Mean);
        for (int k = 1; k <= 3; k++)
        {
            Assert.Equal(3 - Z80 * 2 * Math.Sqrt(k), f.Intervals[0].Lower[k - 1], 1e-12);
            Assert.Equal(3 + Z95 * 2 * Math.Sqrt(k), f.Intervals[1].Upper[k - 1], 1e-12);
        }
        Assert.Equal([0.8, 0.95], f.Intervals.Select(i => i.Level));
    }

    [Fact]
    public void Naive_OnePoint_DoesNotApply()
        => Assert.Contains("at least 2 points", NotApplicable(new NaiveMethod(), [5]));

    // ---- seasonal naive

    [Fact]
    public void SeasonalNaive_NotSeasonal_DoesNotApply()
        => Assert.Equal("not seasonal (season 1)", NotApplicable(new SeasonalNaiveMethod(), [1, 2, 3, 4, 5, 6, 7, 8]));

    [Fact]
    public void SeasonalNaive_FewerThanTwoSeasons_SaysHowManyPointsItNeeds()
        => Assert.Equal("needs two full seasons: 19 points, 24 needed (m = 12)",
            NotApplicable(new SeasonalNaiveMethod(), Enumerable.Range(0, 19).Select(t => (double)t).ToArray(), 12));

    [Fact]
    public void SeasonalNaive_RepeatsTheLastSeasonWithWidthGrowingPerSeason()
    {
        double[] train = [1, 5, 2, 6, 1, 7];   // m = 2: seasonal differences 1, 1, −1, 1 → s² = 1
        var fit = Assert.IsType<SeasonalNaiveFit>(Fitted(new SeasonalNaiveMethod(), train, 2));
        Assert.Equal(1, fit.Sigma, 1e-15);
        Assert.Equal("seasonal naive (m = 2)", fit.Description);

        var f = fit.Forecast(train, 5, Levels);

        Assert.Equal([1, 7, 1, 7, 1], f.Mean);
        double[] widths = [1, 1, Math.Sqrt(2), Math.Sqrt(2), Math.Sqrt(3)];
        for (int k = 0; k < 5; k++) Assert.Equal(f.Mean[k] + Z95 * widths[k], f.Intervals[1].Upper[k], 1e-12);
    }

    [Fact]
    public void SeasonalNaive_FromALaterOrigin_UsesTheHistorysLastSeason()
    {
        var fit = Fitted(new SeasonalNaiveMethod(), [1, 5, 2, 6], 2);

        Assert.Equal([9, 4, 9], fit.Forecast([1, 5, 2, 6, 9, 4], 3, []).Mean);
    }

    // ---- drift

    [Fact]
    public void Drift_TwoPoints_DoesNotApply()
        => Assert.Contains("at least 3 points", NotApplicable(new DriftMethod(), [1, 2]));

    [Fact]
    public void Drift_HandWorked_StandardErrorIncludesTheDriftsUncertainty()
    {
        // Differences 1, 3, 2: b = 2, Σ(d − b)² = 2, σ² = 2/(4 − 2) = 1, se_b² = 1/3.
        double[] train = [0, 1, 4, 6];
        var fit = Assert.IsType<DriftFit>(Fitted(new DriftMethod(), train));
        Assert.Equal(1, fit.Sigma, 1e-15);
        Assert.Equal(Math.Sqrt(1.0 / 3), fit.DriftStandardError, 1e-15);

        var f = fit.Forecast(train, 2, Levels);

        Assert.Equal([8, 10], f.Mean);
        Assert.Equal(8 - Z80 * Math.Sqrt(1 + 1.0 / 3), f.Intervals[0].Lower[0], 1e-12);
        Assert.Equal(10 + Z95 * Math.Sqrt(2 + 4.0 / 3), f.Intervals[1].Upper[1], 1e-12);
    }

    [Fact]
    public void Drift_ExactlyNoDrift_DividesByTheCountAsR()
    {
        // Differences 1, −1: b = 0, so R's mse is Σd²/2 = 1 (not /1), while lm's se_b² stays (2/1)/2 = 1.
        var fit = Assert.IsType<DriftFit>(Fitted(new DriftMethod(), [1, 2, 1]));

        Assert.Equal(1, fit.Sigma, 1e-15);
        Assert.Equal(1, fit.DriftStandardError, 1e-15);
    }

    // ---- moving average

    [Fact]
    public void MovingAverage_OnARamp_MeasuresEachStepsErrorThenGrowsAsRootH()
    {
        // y = 1..8, window 3: at origin o the forecast is o − 1 and the value k steps on is o + k: every error is k + 1.
        var fit = Assert.IsType<MovingAverageFit>(Fitted(new MovingAverageMethod(), [1, 2, 3, 4, 5, 6, 7, 8]));

        Assert.Equal([2.0, 3.0], fit.MeasuredSigma);                 // K = ⌊(8 − 3)/2⌋ = 2
        Assert.Equal(3 * Math.Sqrt(1.5), fit.SigmaAt(3), 1e-12);
        var f = fit.Forecast([1, 2, 3, 4, 5, 6, 7, 8], 3, Levels);
        Assert.Equal([7, 7, 7], f.Mean);
        Assert.Equal(7 + Z80 * 3, f.Intervals[0].Upper[1], 1e-12);
        Assert.Equal("moving average of 3", fit.Description);
    }

    [Fact]
    public void MovingAverage_ShorterThanWindowPlusOne_DoesNotApply()
        => Assert.Contains("at least 4 points", NotApplicable(new MovingAverageMethod(), [1, 2, 3]));

    // ---- the baselines' point forecasts are the methods'

    [Theory]
    [InlineData(ForecastMethod.Naive)]
    [InlineData(ForecastMethod.Drift)]
    [InlineData(ForecastMethod.MovingAverage)]
    public void BaselineForecast_IsTheFittedMethodsMean(ForecastMethod kind)
    {
        double[] train = [3, 1, 4, 1, 5, 9, 2, 6];
        double[] history = [.. train, 5, 3, 5];
        IForecastingMethod method = kind switch { ForecastMethod.Naive => new NaiveMethod(), ForecastMethod.Drift => new DriftMethod(), _ => new MovingAverageMethod() };
        var fitted = Fitted(method, train);

        Assert.Equal(Baseline.Forecast(kind, history, 4), fitted.Forecast(history, 4, Levels).Mean);
    }

    [Fact]
    public void BaselineForecast_OfAFittedMethod_SaysToFitIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Baseline.Forecast(ForecastMethod.Theta, [1, 2, 3], 1));
        Assert.Contains("theta is not a baseline; fit it", e.Message);
    }
}
