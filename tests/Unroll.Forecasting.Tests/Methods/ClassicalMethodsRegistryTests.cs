using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Methods;

public sealed class ClassicalMethodsRegistryTests
{
    [Fact]
    public void Default_ListsTheMethodsInReportOrder()
        => Assert.Equal(["naive", "seasonal_naive", "drift", "moving_average", "theta", "ets"], ClassicalMethods.Default.All.Select(m => m.Method.Name()));

    [Fact]
    public void Find_GivesTheMethodOrNull()
    {
        Assert.IsType<ThetaMethod>(ClassicalMethods.Default.Find(ForecastMethod.Theta));
        Assert.IsType<EtsMethod>(ClassicalMethods.Default.Find(ForecastMethod.Ets));
        Assert.Null(new ClassicalMethods([new NaiveMethod()]).Find(ForecastMethod.Ets));
    }

    [Fact]
    public void Constructor_TakesAnyList()
    {
        var registry = new ClassicalMethods([new NaiveMethod(), new FakeEts()]);

        Assert.Equal(ForecastMethod.Ets, registry.All[^1].Method);
        Assert.NotNull(registry.Find(ForecastMethod.Ets));
    }

    [Fact]
    public void Constructor_RefusesTheModelAndDuplicates()
    {
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => new ClassicalMethods([new NaiveMethod(), new NaiveMethod()])).Message);
        Assert.Contains("not a classical method", Assert.Throws<ArgumentException>(() => new ClassicalMethods([new FakeModel()])).Message);
    }

    [Fact]
    public void FitAll_GivesEachMethodsFitOrReason()
    {
        var fits = ClassicalMethods.Default.FitAll([1, 2, 3, 2, 1], 4);

        Assert.Equal(ClassicalMethods.Default.All.Select(m => m.Method), fits.Select(f => f.Method));
        Assert.Equal("needs two full seasons: 5 points, 8 needed (m = 4)", fits.Single(f => f.Method == ForecastMethod.SeasonalNaive).Fit.NotApplicable);
        Assert.NotNull(fits.Single(f => f.Method == ForecastMethod.Theta).Fit.Fitted);
    }

    private sealed class FakeEts : IForecastingMethod
    {
        public ForecastMethod Method => ForecastMethod.Ets;
        public MethodFit Fit(ReadOnlySpan<double> train, int season) => MethodFit.Not("a stand-in");
    }

    private sealed class FakeModel : IForecastingMethod
    {
        public ForecastMethod Method => ForecastMethod.Model;
        public MethodFit Fit(ReadOnlySpan<double> train, int season) => MethodFit.Not("no");
    }
}
