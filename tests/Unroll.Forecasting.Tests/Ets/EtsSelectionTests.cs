using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>
/// Our own fits against R's <c>ets(train)</c> on the 25 single series of the development suite (T = floor(0.8 n)).
/// </summary>
/// <remarks>
/// Measured when these tests were written (x64 Linux, .NET 10; R 4.2.2, forecast 8.20): the same model on all 25
/// series; for all 300 candidate fits the optimiser used the same number of evaluations as R's and reached R's AICc to
/// 2.5e-11 (relative) and R's parameters and initial states to 1e-9, because the likelihood is evaluated bit for bit as
/// R's etscalc and Nelder–Mead is run step for step as R's nmmin. Many of those fits (most seasonal ones) stop at the
/// 2000-evaluation limit rather than at a minimum; where they stop then depends on the path, so a different optimiser
/// (or a different rounding in the likelihood, such as another platform's log) could land elsewhere, by up to a few
/// AICc units. The one-step forecasts over the test periods agree with R's to 3e-11 (relative) on every series. The
/// assertions below are looser than that (AICc 1e-8, forecasts 5% as the issue asks, with a 1e-6 check that the path
/// was R's) so that they state what is promised, not the bits of one machine.
/// </remarks>
public sealed class EtsSelectionTests
{
    public static IEnumerable<object[]> Names => EtsReference.Names;

    private static EtsFit FitOurs(EtsReference r)
    {
        var fit = new EtsMethod().Fit(r.Train, r.M);
        Assert.Null(fit.NotApplicable);
        return Assert.IsType<EtsFit>(fit.Fitted);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Fit_ChoosesRsModel(string name)
    {
        var r = EtsReference.Of(name);

        var fit = FitOurs(r);

        Assert.Equal(r.Selected.Model, fit.Model);
        Assert.Equal(r.Selected.Model.ToString(), fit.Description);
        Assert.True(Math.Abs(fit.Aicc - r.Selected.Aicc!.Value) <= 1e-8 * Math.Abs(r.Selected.Aicc.Value),
            $"{name}: AICc {fit.Aicc:R} vs R's {r.Selected.Aicc:R}");
        Assert.Equal(r.Selected.Sigma2, fit.Sigma2, 1e-6 * r.Selected.Sigma2);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Candidates_AreRsModelsInRsOrder_AndEachReachesRsEstimate(string name)
    {
        var r = EtsReference.Of(name);

        Assert.Equal(r.Candidates.Select(c => c.Model), EtsMethod.Candidates(r.Train, r.M));
        foreach (var c in r.Candidates)
        {
            var ours = EtsEstimation.Fit(r.Train, c.Model, r.M);
            if (c.Aicc is null)
            {
                Assert.Null(ours);
                continue;
            }
            Assert.NotNull(ours);
            Assert.True(Math.Abs(ours.Aicc(r.T) - c.Aicc.Value) <= 1e-8 * Math.Abs(c.Aicc.Value),
                $"{name} {c.Model}: AICc {ours.Aicc(r.T):R} vs R's {c.Aicc:R} ({ours.Evaluations} evaluations, R {c.Evaluations})");
            Assert.Equal(c.Parameters!.Alpha, ours.Smoothing.Alpha, 1e-6);
            for (int i = 0; i < c.InitialState!.Length; i++)
                Assert.True(Math.Abs(ours.InitialState[i] - c.InitialState[i]) <= 1e-6 * Math.Max(1, Math.Abs(c.InitialState[i])),
                    $"{name} {c.Model} initial state {i}: {ours.InitialState[i]:R} vs R's {c.InitialState[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OneStepForecasts_OfOurFit_AreWithinFivePercentOfRsAndScoreTheSameMase(string name)
    {
        var r = EtsReference.Of(name);
        var fit = FitOurs(r);

        double ours = 0, theirs = 0, worst = 0;
        for (int i = 0; i < r.Test.Length; i++)
        {
            double f = fit.Forecast(r.Y.AsSpan(0, r.T + i), 1, []).Mean[0];
            double relative = Math.Abs(f - r.OneStep.Mean[i]) / Math.Abs(r.OneStep.Mean[i]);
            Assert.True(relative <= 0.05, $"{name} origin {r.T + i}: {f} vs R's {r.OneStep.Mean[i]}");
            worst = Math.Max(worst, relative);
            ours += Math.Abs(f - r.Test[i]);
            theirs += Math.Abs(r.OneStep.Mean[i] - r.Test[i]);
        }
        Assert.True(worst <= 1e-6, $"{name}: the largest relative difference from R's forecasts is {worst:E2}; R's optimiser path was not reproduced");
        Assert.Equal(theirs / r.Test.Length / r.Scale, ours / r.Test.Length / r.Scale, 1e-6);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OneStepIntervals_OfOurFit_CoverTheTestPointsAsRsDo(string name)
    {
        var r = EtsReference.Of(name);
        var fit = FitOurs(r);

        int[] ours = new int[2], theirs = new int[2];
        for (int i = 0; i < r.Test.Length; i++)
        {
            var f = fit.Forecast(r.Y.AsSpan(0, r.T + i), 1, [0.8, 0.95]);
            double y = r.Test[i];
            for (int k = 0; k < 2; k++)
                if (f.Intervals[k].Lower[0] <= y && y <= f.Intervals[k].Upper[0]) ours[k]++;
            if (r.OneStep.Lo80[i] <= y && y <= r.OneStep.Hi80[i]) theirs[0]++;
            if (r.OneStep.Lo95[i] <= y && y <= r.OneStep.Hi95[i]) theirs[1]++;
        }
        for (int k = 0; k < 2; k++)
            Assert.True(Math.Abs(ours[k] - theirs[k]) <= 0.03 * r.Test.Length,
                $"{name} {(k == 0 ? 80 : 95)}%: covers {ours[k]} of {r.Test.Length} test points, R's {theirs[k]}");
    }
}
