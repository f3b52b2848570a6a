using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>The recursions and the likelihood with R's own parameters and initial states plugged in: deterministic, so
/// they must agree with R's to rounding.</summary>
public sealed class EtsFilterTests
{
    public static IEnumerable<object[]> Names => EtsReference.Names;

    private static EtsFit WithRParameters(EtsReference r, RFit fit)
        => EtsFit.Create(fit.Model, r.M, fit.Parameters, fit.InitialState, r.Train);

    [Theory]
    [MemberData(nameof(Names))]
    public void FittedValues_WithRsParameters_MatchRsFittedValues(string name)
    {
        var r = EtsReference.Of(name);
        var fit = WithRParameters(r, r.Selected);

        Assert.Equal(r.Selected.Fitted!.Length, fit.Fitted.Count);
        for (int t = 0; t < r.T; t++)
            Assert.True(Math.Abs(fit.Fitted[t] - r.Selected.Fitted[t]) <= 1e-9 * Math.Abs(r.Selected.Fitted[t]),
                $"{name} {fit.Description} t = {t}: {fit.Fitted[t]:R} vs R's {r.Selected.Fitted[t]:R}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LikelihoodAndSigma2_WithRsParameters_MatchRs(string name)
    {
        var r = EtsReference.Of(name);
        var fit = WithRParameters(r, r.Selected);

        Assert.Equal(r.Selected.LogLik!.Value, -fit.Lik / 2, 1e-8 * Math.Abs(r.Selected.LogLik.Value) + 1e-9);
        Assert.Equal(r.Selected.Aicc!.Value, fit.Aicc, 1e-8 * Math.Abs(r.Selected.Aicc.Value) + 1e-9);
        Assert.Equal(r.Selected.Sigma2, fit.Sigma2, 1e-9 * r.Selected.Sigma2);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryCandidate_WithRsParameters_HasRsLikelihood(string name)
    {
        var r = EtsReference.Of(name);
        foreach (var c in r.Candidates.Where(c => c.Aicc is not null))
        {
            var fit = EtsFit.Create(c.Model, r.M, c.Parameters!, c.InitialState!, r.Train);
            Assert.True(Math.Abs(-fit.Lik / 2 - c.LogLik!.Value) <= 1e-8 * Math.Abs(c.LogLik.Value) + 1e-9,
                $"{name} {c.Model}: log-likelihood {-fit.Lik / 2:R} vs R's {c.LogLik:R}");
            Assert.True(Math.Abs(fit.Aicc - c.Aicc!.Value) <= 1e-8 * Math.Abs(c.Aicc.Value) + 1e-9,
                $"{name} {c.Model}: AICc {fit.Aicc:R} vs R's {c.Aicc:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OneStepForecasts_WithRsParameters_MatchRsFixedParameterWalk(string name)
    {
        var r = EtsReference.Of(name);
        var fit = WithRParameters(r, r.Selected);

        for (int i = 0; i < r.Test.Length; i++)
        {
            var f = fit.Forecast(r.Y.AsSpan(0, r.T + i), 1, [0.8, 0.95]);
            Assert.True(Math.Abs(f.Mean[0] - r.OneStep.Mean[i]) <= 1e-9 * Math.Abs(r.OneStep.Mean[i]),
                $"{name} origin {r.T + i}: {f.Mean[0]:R} vs R's {r.OneStep.Mean[i]:R}");
            double width = r.OneStep.Hi95[i] - r.OneStep.Lo95[i];
            Assert.Equal(r.OneStep.Lo80[i], f.Intervals[0].Lower[0], 1e-9 * width);
            Assert.Equal(r.OneStep.Hi80[i], f.Intervals[0].Upper[0], 1e-9 * width);
            Assert.Equal(r.OneStep.Lo95[i], f.Intervals[1].Lower[0], 1e-9 * width);
            Assert.Equal(r.OneStep.Hi95[i], f.Intervals[1].Upper[0], 1e-9 * width);
        }
    }
}
