using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>
/// h-step forecasts and intervals from the end of the training values, for every admissible model forced on every
/// suite series with R's parameters: against R's <c>forecast()</c> where its class 1/2/3 code follows the model, and
/// against R's simulation of the model (50 000 paths) where it does not.
/// </summary>
public sealed class EtsIntervalTests
{
    public static IEnumerable<object[]> Names => EtsReference.Names;

    private static readonly double Z95 = EtsVariance.NormalQuantile(0.975);
    private static readonly EtsModel Ana = EtsModel.Parse("ANA"), Mna = EtsModel.Parse("MNA"), MadM = EtsModel.Parse("MAdM");

    private static (MethodForecast Ours, RForecast Theirs) Forecast(EtsReference r, RFit f)
    {
        var fit = EtsFit.Create(f.Model, r.M, f.Parameters, f.InitialState, r.Train);
        return (fit.Forecast(r.Train, f.Forecast!.Mean.Length, [0.8, 0.95]), f.Forecast);
    }

    private static double Variance(double mean, double upper95) => Math.Pow((upper95 - mean) / Z95, 2);

    [Theory]
    [MemberData(nameof(Names))]
    public void HStep_OfEveryModelRsFormulasFollow_MatchesRsForecast(string name)
    {
        var r = EtsReference.Of(name);
        foreach (var f in r.Forced.Where(f => f.Model != Ana && f.Model != Mna && f.Model != MadM))
        {
            var (ours, theirs) = Forecast(r, f);
            for (int h = 0; h < theirs.Mean.Length; h++)
            {
                double width = theirs.Hi95[h] - theirs.Lo95[h];
                string at = $"{name} {f.Model} h = {h + 1}";
                Assert.True(Math.Abs(ours.Mean[h] - theirs.Mean[h]) <= 1e-9 * Math.Abs(theirs.Mean[h]), $"{at}: mean {ours.Mean[h]:R} vs R's {theirs.Mean[h]:R}");
                Assert.True(Math.Abs(ours.Intervals[0].Lower[h] - theirs.Lo80[h]) <= 1e-8 * width, $"{at}: lower 80% {ours.Intervals[0].Lower[h]:R} vs R's {theirs.Lo80[h]:R}");
                Assert.True(Math.Abs(ours.Intervals[0].Upper[h] - theirs.Hi80[h]) <= 1e-8 * width, $"{at}: upper 80%");
                Assert.True(Math.Abs(ours.Intervals[1].Lower[h] - theirs.Lo95[h]) <= 1e-8 * width, $"{at}: lower 95%");
                Assert.True(Math.Abs(ours.Intervals[1].Upper[h] - theirs.Hi95[h]) <= 1e-8 * width, $"{at}: upper 95%");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void HStep_WithAdditiveSeasonAndNoTrend_MatchesRsExceptWhereItsClass1IsOffByOneStep(string name)
    {
        // R's class1 puts γ in G's third row, s_2 without a trend: the seasonal shock returns after m − 1 steps. With
        // additive errors the cumulative variance then differs only at h = m, 2m, …; with multiplicative errors (class 2
        // weights each c_j differently) from h = m on.
        var r = EtsReference.Of(name);
        foreach (var f in r.Forced.Where(f => f.Model == Ana || f.Model == Mna))
        {
            var (ours, theirs) = Forecast(r, f);
            for (int h = 1; h <= theirs.Mean.Length; h++)
            {
                Assert.Equal(theirs.Mean[h - 1], ours.Mean[h - 1], 1e-9 * Math.Abs(theirs.Mean[h - 1]));
                bool rDiffers = f.Model == Ana ? h % r.M == 0 : h >= r.M;
                if (rDiffers) continue;
                double width = theirs.Hi95[h - 1] - theirs.Lo95[h - 1];
                Assert.True(Math.Abs(ours.Intervals[1].Upper[h - 1] - theirs.Hi95[h - 1]) <= 1e-8 * width, $"{name} {f.Model} h = {h}");
            }
        }
    }

    [Theory]
    [InlineData("gas")]
    [InlineData("wineind")]
    [InlineData("woolyrnq")]
    [InlineData("taylor_daily")]
    [InlineData("inflation_Dp")]
    [InlineData("Seatbelts_front")]
    public void HStep_WhereRsFormulasDepartFromTheModel_MatchesRsSimulationOfIt(string name)
    {
        // 50 000 simulated paths: the variance's sampling error is about √(2/N) = 0.6% for Gaussian paths, more for the
        // skewed multiplicative ones. Paths of multiplicative models with σ > 0.2 are left out: simulate.ets cuts errors
        // at −1 and the long right tail makes the sample variance unreliable (gas ETS(M,N,A), σ = 0.4).
        var r = EtsReference.Of(name);
        var checkedModels = 0;
        double ourWorst = 0, rWorst = 0;
        foreach (var f in r.Forced.Where(f => f.SimulatedVariance is not null))
        {
            if (f.Model.Error == EtsError.Multiplicative && f.Sigma2 > 0.04) continue;
            checkedModels++;
            var (ours, theirs) = Forecast(r, f);
            for (int h = 0; h < ours.Mean.Length; h++)
            {
                double simVar = f.SimulatedVariance![h];
                double ourVar = Variance(ours.Mean[h], ours.Intervals[1].Upper[h]);
                double rVar = Variance(theirs.Mean[h], theirs.Hi95[h]);
                Assert.True(Math.Abs(ourVar / simVar - 1) <= 0.03, $"{name} {f.Model} h = {h + 1}: variance {ourVar:G6}, simulated {simVar:G6}");
                Assert.True(Math.Abs(ours.Mean[h] - f.SimulatedMean![h]) <= 5 * Math.Sqrt(simVar / 50000),
                    $"{name} {f.Model} h = {h + 1}: mean {ours.Mean[h]:G8}, simulated {f.SimulatedMean[h]:G8}");
                ourWorst = Math.Max(ourWorst, Math.Abs(ourVar / simVar - 1));
                rWorst = Math.Max(rWorst, Math.Abs(rVar / simVar - 1));
            }
        }
        Assert.True(checkedModels >= 1, $"{name}: only {checkedModels} simulated models checked");
        Assert.True(ourWorst <= rWorst + 1e-9, $"{name}: our worst variance error {ourWorst:P2} exceeds R's formulas' {rWorst:P2}");
    }

    [Fact]
    public void HStep_OfTheSelectedModel_MatchesRsForecastFromTheEndOfTraining()
    {
        // forecast(ets(train), h = 2m) on every series whose model R's formulas follow: 21 of the 25.
        int compared = 0;
        foreach (var r in EtsReference.All.Where(r => r.Selected.Model != Ana && r.Selected.Model != Mna && r.Selected.Model != MadM))
        {
            var fit = new EtsMethod().Fit(r.Train, r.M).Fitted!;
            var f = fit.Forecast(r.Train, r.HStep.Mean.Length, [0.8, 0.95]);
            for (int h = 0; h < f.Mean.Length; h++)
            {
                double width = r.HStep.Hi95[h] - r.HStep.Lo95[h];
                Assert.True(Math.Abs(f.Mean[h] - r.HStep.Mean[h]) <= 1e-6 * width, $"{r.Name} h = {h + 1}: mean");
                Assert.True(Math.Abs(f.Intervals[0].Lower[h] - r.HStep.Lo80[h]) <= 1e-6 * width, $"{r.Name} h = {h + 1}: lower 80%");
                Assert.True(Math.Abs(f.Intervals[1].Upper[h] - r.HStep.Hi95[h]) <= 1e-6 * width, $"{r.Name} h = {h + 1}: upper 95%");
            }
            compared++;
        }
        Assert.Equal(21, compared);
    }

    [Fact]
    public void Intervals_AreOrderedByLevelAndWidenWithTheHorizon()
    {
        var r = EtsReference.Of("wineind");
        var fit = new EtsMethod().Fit(r.Train, r.M).Fitted!;

        var f = fit.Forecast(r.Train, 24, [0.5, 0.8, 0.95]);

        Assert.Equal([0.5, 0.8, 0.95], f.Intervals.Select(i => i.Level));
        for (int h = 0; h < 24; h++)
        {
            Assert.True(f.Intervals[0].Lower[h] > f.Intervals[1].Lower[h] && f.Intervals[1].Lower[h] > f.Intervals[2].Lower[h]);
            Assert.True(f.Intervals[0].Upper[h] < f.Intervals[1].Upper[h] && f.Intervals[1].Upper[h] < f.Intervals[2].Upper[h]);
            Assert.True(f.Intervals[2].Lower[h] < f.Mean[h] && f.Mean[h] < f.Intervals[2].Upper[h]);
        }
        double Relative(int h) => (f.Intervals[2].Upper[h] - f.Intervals[2].Lower[h]) / f.Mean[h];
        Assert.True(Relative(23) > Relative(0));
    }
}
