using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Methods;

/// <summary>The contract of <see cref="IForecastingMethod"/>, for every classical method.</summary>
public sealed class ClassicalMethodsContractTests
{
    private static readonly double[] Levels = [0.8, 0.95];

    private static IFittedMethod Fitted(IForecastingMethod method, double[] train, int season = 1)
    {
        var fit = method.Fit(train, season);
        Assert.True(fit.Fitted is not null, $"{method.Method.Name()} did not fit: {fit.NotApplicable}");
        Assert.Null(fit.NotApplicable);
        return fit.Fitted;
    }

    public static TheoryData<IForecastingMethod> Every() => new(ClassicalMethods.Builtin);

    // ---- every method: the contract

    [Theory]
    [MemberData(nameof(Every))]
    public void Forecast_TwoPointsOrMore_FitsWhereItCanAndForecastsFiniteValues(IForecastingMethod method)
    {
        double[] train = [0, -2.5, 3, 0, 0, 4, -1, 2, 5, -3, 0, 1];
        var fit = method.Fit(train, 4);
        Assert.True(fit.Fitted is not null, fit.NotApplicable);

        var f = fit.Fitted.Forecast([.. train, 2, -1], 5, Levels);

        Assert.Equal(5, f.Mean.Length);
        Assert.Equal(2, f.Intervals.Count);
        Assert.All(f.Intervals, i => Assert.Equal(5, i.Lower.Length));
        Assert.All(f.Mean, v => Assert.True(double.IsFinite(v)));
        Assert.All(f.Intervals, i => Assert.All(i.Lower.Zip(f.Mean, i.Upper), t => Assert.True(t.First <= t.Second && t.Second <= t.Third)));
        Assert.Equal(method.Method, fit.Fitted.Method);
        Assert.False(string.IsNullOrWhiteSpace(fit.Fitted.Description));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Forecast_NoLevels_GivesNoIntervals(IForecastingMethod method)
    {
        double[] train = [1, 2, 4, 3, 5, 6, 5, 7, 8, 9];
        Assert.Empty(Fitted(method, train, 2).Forecast(train, 2, []).Intervals);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Forecast_BadArguments_SayWhatIsWrong(IForecastingMethod method)
    {
        double[] train = [1, 2, 4, 3, 5, 6, 5, 7, 8, 9];
        var fit = Fitted(method, train, 2);

        Assert.Contains("at least 1 step", Assert.Throws<ArgumentOutOfRangeException>(() => fit.Forecast(train, 0, Levels)).Message);
        Assert.Contains("above 0 and below 1", Assert.Throws<ArgumentOutOfRangeException>(() => fit.Forecast(train, 1, [80])).Message);
        Assert.Contains("must begin with the values it was fitted on", Assert.Throws<ArgumentException>(() => fit.Forecast(train.AsSpan(0, 5), 1, Levels)).Message);
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Fit_NonFiniteOrBadSeason_IsRefused(IForecastingMethod method)
    {
        Assert.Contains("training value 2 is NaN", Assert.Throws<ArgumentException>(() => method.Fit([1, 2, double.NaN, 4], 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => method.Fit([1, 2, 3, 4], 0));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Fit_NoValues_DoesNotApply(IForecastingMethod method)
        => Assert.NotNull(method.Fit([], 1).NotApplicable);
}
