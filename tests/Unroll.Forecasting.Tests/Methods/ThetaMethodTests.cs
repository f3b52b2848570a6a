using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Methods;

/// <summary>Theta: edge cases (constant, one point, short seasonal, zeros and negatives) and its interval.</summary>
public sealed class ThetaMethodTests
{
    private static readonly double[] Levels = [0.8, 0.95];
    private const double Z95 = 1.959963984540054;

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

    // ---- Theta

    [Fact]
    public void Theta_OnePoint_DoesNotApply()
        => Assert.Contains("at least 2 points", NotApplicable(new ThetaMethod(), [4]));

    [Fact]
    public void Theta_Constant_ForecastsTheConstantWithNoWidth()
    {
        double[] train = Enumerable.Repeat(7.5, 16).ToArray();
        var fit = Fitted(new ThetaMethod(), train, 4);
        var f = fit.Forecast(train, 6, Levels);

        Assert.All(f.Mean, v => Assert.Equal(7.5, v, 1e-12));
        Assert.All(f.Intervals, i => Assert.Equal(f.Mean, i.Lower, (a, b) => Math.Abs(a - b) < 1e-12));
        Assert.Equal("Theta, not seasonal (the values are constant)", fit.Description);
    }

    [Fact]
    public void Theta_SeasonalWithTwoSeasonsOrFewer_FitsWithoutSeasonAndSaysWhy()
    {
        var train = Enumerable.Range(0, 24).Select(t => 100 + 10 * Math.Sin(2 * Math.PI * t / 12)).ToArray();
        var fit = Assert.IsType<ThetaFit>(Fitted(new ThetaMethod(), train, 12));

        Assert.False(fit.Seasonal);
        Assert.Equal("Theta, not seasonal (m = 12 needs more than two seasons (25 points), got 24)", fit.Description);
    }

    [Fact]
    public void Theta_ZerosAndNegatives_GiveFiniteForecastsAndIntervals()
    {
        double[] train = [0, -1, 2, 0, -3, 1, 0, 2, -2, 1, 0, -1, 3, 0, -2, 1];
        var f = Fitted(new ThetaMethod(), train, 4).Forecast(train, 8, Levels);

        Assert.All(f.Mean, v => Assert.True(double.IsFinite(v)));
        Assert.All(f.Intervals, i => Assert.All(i.Upper.Zip(i.Lower), p => Assert.True(p.First > p.Second)));
    }

    [Fact]
    public void Theta_IntervalWidthGrowsWithAlpha()
    {
        var train = Enumerable.Range(0, 30).Select(t => t + (t % 3 == 0 ? 2.0 : -1.0)).ToArray();
        var fit = Assert.IsType<ThetaFit>(Fitted(new ThetaMethod(), train));
        var f = fit.Forecast(train, 3, Levels);

        for (int k = 1; k <= 3; k++)
        {
            double sd = Math.Sqrt(fit.Sigma2) * Math.Sqrt((k - 1) * fit.Alpha * fit.Alpha + 1);
            Assert.Equal(f.Mean[k - 1] - Z95 * sd, f.Intervals[1].Lower[k - 1], 1e-9);
        }
    }
}
