using Unroll.Forecasting.Methods;

namespace Unroll.Forecasting.Tests.Ets;

/// <summary>The numerical pieces on their own, each against R: the optimiser, the admissibility test, the normal
/// quantile, the decomposition and regressions behind the initial states.</summary>
public sealed class EtsNumericsTests
{
    private static double Rosenbrock(double[] x) => 100 * Math.Pow(x[1] - x[0] * x[0], 2) + Math.Pow(1 - x[0], 2);

    [Fact]
    public void NelderMead_OnRosenbrock_TakesRsOptimPath()
    {
        // R 4.2.2: fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2; optim(c(-1.2, 1), fr)
        var result = EtsNelderMead.Minimize(Rosenbrock, [-1.2, 1])!.Value;

        Assert.Equal(195, result.Evaluations);
        Assert.Equal(1.0002601387256695, result.Point[0], 1e-15);
        Assert.Equal(1.0005059993037650, result.Point[1], 1e-15);
        Assert.Equal(8.8252410967227472e-08, result.Value, 1e-22);
        Assert.Equal(0, result.Fail);
    }

    [Fact]
    public void NelderMead_OnANonSmoothFunctionInThreeDimensions_TakesRsOptimPath()
    {
        // optim(c(3, -2, 0.5), function(x) sum((x - c(1, 2, 3))^2) + prod(abs(x)))
        static double F(double[] x) => Math.Pow(x[0] - 1, 2) + Math.Pow(x[1] - 2, 2) + Math.Pow(x[2] - 3, 2) + Math.Abs(x[0]) * Math.Abs(x[1]) * Math.Abs(x[2]);
        var result = EtsNelderMead.Minimize(F, [3, -2, 0.5])!.Value;

        Assert.Equal(242, result.Evaluations);
        Assert.Equal(-3.3576139437740960e-08, result.Point[0], 1e-20);
        Assert.Equal(2.0011129264901415, result.Point[1], 1e-15);
        Assert.Equal(2.9999675908040997, result.Point[2], 1e-15);
        Assert.Equal(1.0000015083747709, result.Value, 1e-15);
    }

    [Fact]
    public void NelderMead_InfiniteAtTheStart_ReturnsNull()
        => Assert.Null(EtsNelderMead.Minimize(_ => double.PositiveInfinity, [1.0, 2.0]));

    [Fact]
    public void NelderMead_AtTheEvaluationLimit_SaysItDidNotConverge()
    {
        var result = EtsNelderMead.Minimize(Rosenbrock, [-1.2, 1], maxit: 50)!.Value;

        Assert.Equal(1, result.Fail);
        Assert.True(result.Evaluations > 50);
    }

    [Fact]
    public void Admissible_OnRandomParameters_AgreesWithRsPolyrootTest()
    {
        // admissible.csv: forecast:::admissible(alpha, beta, gamma, phi, m) on 400 random sets, half of them admissible.
        var lines = File.ReadAllLines(EtsReference.Path_("admissible.csv")).Skip(1).ToArray();
        Assert.Equal(400, lines.Length);
        var disagreements = new List<string>();
        foreach (var line in lines)
        {
            var f = line.Split(',');
            int m = int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture);
            double alpha = Parse(f[1]);
            double? beta = f[2].Length == 0 ? null : Parse(f[2]);
            double? gamma = f[3].Length == 0 ? null : Parse(f[3]);
            double phi = Parse(f[4]);
            bool expected = f[5] == "1";
            if (EtsEstimation.Admissible(alpha, beta, gamma, phi, m) != expected) disagreements.Add(line);
        }
        Assert.Empty(disagreements);

        static double Parse(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(new[] { 0.5, 1.0 }, 1.0, true)]                 // root −0.5
    [InlineData(new[] { -2.0, 1.0 }, 1.0, false)]               // root 2
    [InlineData(new[] { 0.25, 0.0, 1.0 }, 1.0, true)]           // roots ±0.5i
    [InlineData(new[] { 1.25, 0.0, 1.0 }, 1.0, false)]          // roots ±1.118i
    [InlineData(new[] { 0.06, -0.5, 1.0 }, 1.0, true)]          // roots 0.2, 0.3
    [InlineData(new[] { -1.1, 0.1, 1.0 }, 1.0, false)]          // roots 1, −1.1
    [InlineData(new[] { -1.0, 1.0 }, 1.0 + 1e-10, true)]        // root 1, on the unit circle: inside 1 + 1e-10
    [InlineData(new[] { -1.0000001, 1.0 }, 1.0 + 1e-10, false)] // root 1 + 1e-7
    public void RootsWithin_DecidesWhetherEveryRootIsInsideTheRadius(double[] coefficients, double radius, bool expected)
        => Assert.Equal(expected, EtsEstimation.RootsWithin(coefficients, radius));

    [Theory]
    // R: qnorm(c(0.9, 0.975, 0.75, 0.995, 1e-3, 1e-10, 1e-20, 0.6))
    [InlineData(0.9, 1.28155156554460081)]
    [InlineData(0.975, 1.95996398454005361)]
    [InlineData(0.75, 0.67448975019608171)]
    [InlineData(0.995, 2.57582930354889994)]
    [InlineData(1e-3, -3.09023230616781319)]
    [InlineData(1e-10, -6.36134090240405570)]
    [InlineData(1e-20, -9.26234008979840517)]
    [InlineData(0.6, 0.25334710313579978)]
    public void NormalQuantile_MatchesRsQnorm(double p, double expected)
        => Assert.Equal(expected, EtsVariance.NormalQuantile(p), 2e-15 * Math.Max(1, Math.Abs(expected)));

    [Theory]
    [MemberData(nameof(EtsReference.Names), MemberType = typeof(EtsReference))]
    public void InitialStateGuess_OfEveryModel_MatchesRsInitstate(string name)
    {
        // Every suite series has three seasons or more (R decomposes); EtsEdgeTests covers the regression R uses with
        // fewer. Then means (no trend) and least-squares lines (trend) of the first max(10, 2m) adjusted values.
        var r = EtsReference.Of(name);
        foreach (var c in r.Candidates.Where(c => c.Start is not null))
        {
            var guess = EtsInitialStates.Guess(r.Train, c.Model, r.M);
            Assert.Equal(c.Start!.Length, guess.Length);
            for (int i = 0; i < guess.Length; i++)
                Assert.True(Math.Abs(guess[i] - c.Start[i]) <= 1e-10 * Math.Max(1, Math.Abs(c.Start[i])),
                    $"{name} {c.Model} state {i}: {guess[i]:R} vs R's {c.Start[i]:R}");
        }
    }

    [Fact]
    public void FourierTrend_OfASineOnALine_RecoversTheLine()
    {
        double[] y = [.. Enumerable.Range(1, 20).Select(t => 9.5 + 0.5 * t + 3 * Math.Sin(2 * Math.PI * t / 12))];

        var (a, b) = EtsInitialStates.FourierTrend(y, 12);

        Assert.Equal(9.5, a, 1e-12);
        Assert.Equal(0.5, b, 1e-12);
    }

    [Fact]
    public void Decompose_OfAnExactlySeasonalSeries_ReturnsItsFigure()
    {
        double[] figure = [3, -1, -2, 0];
        double[] y = [.. Enumerable.Range(0, 16).Select(t => 100 + 2 * t + figure[t % 4])];

        var seasonal = EtsInitialStates.Decompose(y, 4, multiplicative: false);

        for (int t = 0; t < y.Length; t++) Assert.Equal(figure[t % 4], seasonal[t], 1e-12);
    }
}
