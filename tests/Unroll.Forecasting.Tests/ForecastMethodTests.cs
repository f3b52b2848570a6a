using Unroll.Forecasting.Baselines;

namespace Unroll.Forecasting.Tests;

public sealed class ForecastMethodTests
{
    [Fact]
    public void Name_IsTheJsonKeyAndTableLabelOfEachMethod()
        => Assert.Equal(["model", "network", "naive", "seasonal_naive", "drift", "moving_average", "theta", "ets"], BacktestResult.Methods.Select(m => m.Name()));

    [Fact]
    public void Methods_ListEveryMethodOnceWithTheModelFirst()
    {
        Assert.Equal(Enum.GetValues<ForecastMethod>(), BacktestResult.Methods.Order());
        Assert.Equal(ForecastMethod.Model, BacktestResult.Methods[0]);
    }

    [Fact]
    public void BaselineForecast_OfTheModel_IsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Baseline.Forecast(ForecastMethod.Model, [1, 2, 3], 1));
        Assert.Contains("model is not a baseline", e.Message);
    }
}

public sealed class NaiveComparisonTests
{
    private static Metrics Mase(double mase) => new(1, 1, 1, mase, 0.5, 10);

    [Theory]
    [InlineData(1, "Overall, one step ahead, the model's MASE is 0.93 against the naive forecast's 1: it beats guessing the last value by 7%.")]
    [InlineData(3, "Overall, over 3 steps ahead, the model's MASE is 0.93 against the naive forecast's 1: it beats guessing the last value by 7%.")]
    public void Verdict_ModelBelowNaive_SaysByHowMuch(int horizon, string expected)
        => Assert.Equal(expected, new NaiveComparison(ForecastMethod.Model, 0.93, 1.0).Verdict(horizon));

    [Theory]
    [InlineData(1.5306, 1.5922, "the model's MASE is 1.531 against the naive forecast's 1.592: it beats guessing the last value by 3.87%.")]
    [InlineData(1.12, 1.0, "the model's MASE is 1.12 against the naive forecast's 1: it does not beat guessing the last value.")]
    [InlineData(1.0, 1.0, "the model's MASE is 1 against the naive forecast's 1: it does not beat guessing the last value.")]
    public void Verdict_FourSignificantDigitsForMaseAndThreeForThePercentage(double model, double naive, string expected)
        => Assert.Equal("Overall, one step ahead, " + expected, new NaiveComparison(ForecastMethod.Model, model, naive).Verdict(1));

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.9, double.NaN)]
    public void Verdict_MaseNotComputed_SaysThereAreTooFewPoints(double model, double naive)
    {
        var versus = new NaiveComparison(ForecastMethod.Model, model, naive);

        Assert.False(versus.Comparable);
        Assert.False(versus.Beats);
        Assert.Equal("Too few test points to compare the model with the naive forecast.", versus.Verdict(1));
    }

    [Fact]
    public void Of_TakesTheMethodsAndTheNaiveMaseFromTheMetrics()
    {
        var metrics = new Dictionary<ForecastMethod, Metrics> { [ForecastMethod.Model] = Mase(0.8), [ForecastMethod.Naive] = Mase(1.0), [ForecastMethod.Drift] = Mase(1.2) };

        Assert.Equal(new NaiveComparison(ForecastMethod.Model, 0.8, 1.0), NaiveComparison.Of(metrics));
        Assert.True(NaiveComparison.Of(metrics).Beats);
        Assert.Equal(20, NaiveComparison.Of(metrics).ImprovementPercent, 9);
        Assert.Equal("Overall, one step ahead, the drift forecast's MASE is 1.2 against the naive forecast's 1: it does not beat guessing the last value.",
            NaiveComparison.Of(metrics, ForecastMethod.Drift).Verdict(1));
        Assert.False(NaiveComparison.Of(new Dictionary<ForecastMethod, Metrics> { [ForecastMethod.Model] = Mase(0.8) }).Comparable);
    }
}
