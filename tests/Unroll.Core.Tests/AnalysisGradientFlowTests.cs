using Unroll.Core.Analysis;

namespace Unroll.Core.Tests;

/// <summary>Gradient flow through time: the exact powers of the one-unit example, finite differences, and norms.</summary>
public class AnalysisGradientFlowTests
{
    private static List<double[]> Ones(int n) => Enumerable.Range(0, n).Select(_ => new[] { 1.0 }).ToList();

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void Measure_OneUnitExample_FirstInputGradientIsExactlyW1TimesW2PowerTimesW3(double w2)
    {
        var report = GradientFlow.Measure(Examples.StatQuest<double>(1.8, w2, 1.1), Ones(50));

        Assert.Equal(Enumerable.Range(1, 50), report.Lengths);
        for (int t = 1; t <= 50; t++)
            Assert.Equal(1.1 * 1.8 * Math.Pow(w2, t - 1), report.FirstInputGradient[t - 1][0]);   // bit for bit
        Assert.Equal(1.8 * 1.1, report.FirstInputGradient[0][0], 1e-15);
    }

    [Fact]
    public void Measure_RecurrentWeightTwo_AtFiftyStepsIsExactly2To49TimesTheFirst()
    {
        var g = GradientFlow.Measure(Examples.StatQuest<double>(1.8, 2, 1.1), Ones(50)).FirstInputGradient;
        Assert.Equal(562949953421312.0, g[49][0] / g[0][0]);        // 2^49, exploding
        Assert.Equal(Math.Pow(2, 49), g[49][0] / g[0][0]);
    }

    [Fact]
    public void Measure_RecurrentWeightHalf_AtFiftyStepsIsExactlyHalfTo49TimesTheFirst()
    {
        var g = GradientFlow.Measure(Examples.StatQuest<double>(1.8, 0.5, 1.1), Ones(50)).FirstInputGradient;
        Assert.Equal(1.0 / 562949953421312.0, g[49][0] / g[0][0]);  // 0.5^49, vanishing
        Assert.Equal(Math.Pow(0.5, 49), g[49][0] / g[0][0]);
    }

    [Fact]
    public void Measure_OneUnitExample_ParameterNormsAreTheHandDerivedSums()
    {
        // y_t = 1.8 + w2·y_(t−1); L = 1.1·y_T. dL/dw1 = 1.1·Σ_t w2^(T−t)·1, dL/dw3 = y_T, dL/db2 = 1.
        const double w2 = 0.5;
        var report = GradientFlow.Measure(Examples.StatQuest<double>(1.8, w2, 1.1), Ones(6));
        double y = 0, sum = 0;
        for (int t = 1; t <= 6; t++)
        {
            y = 1.8 + w2 * y;
            sum = 1 + w2 * sum;
            TestData.Close(1.1 * sum, report.ParameterGradientNorms["weight_ih"][t - 1], 1e-14, 0, $"weight_ih at T = {t}");
            TestData.Close(Math.Sqrt(y * y + 1), report.ParameterGradientNorms["head"][t - 1], 1e-14, 0, $"head at T = {t}");
            TestData.Close(Math.Sqrt(2) * 1.1 * sum, report.ParameterGradientNorms["bias"][t - 1], 1e-14, 0, $"bias at T = {t}");
        }
        Assert.Equal(0, report.ParameterGradientNorms["weight_hh"][0]);   // with one step W_hh multiplies h₀ = 0
    }

    public static IEnumerable<object[]> Cells() => Enum.GetValues<CellKind>().Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cells))]
    public void Measure_RandomNetwork_MatchesFiniteDifferencesOfTheLastOutput(CellKind cell)
    {
        var shape = new NetworkShape(cell, InputSize: 2, HiddenSize: 3, Layers: 2);
        var network = GradientCheckTests.RandomNonSymmetric(shape, seed: 80 + (int)cell);
        var inputs = TestData.Sequences<double>(4, 2, 7)[0].Select(x => x.ToArray()).ToList();
        var report = GradientFlow.Measure(network, inputs);
        const double eps = 1e-6;

        foreach (int t in new[] { 1, 4, 7 })
        {
            double Output(List<double[]> steps) => network.Predict([steps.Take(t).ToList()])[0][0];
            for (int k = 0; k < 2; k++)
            {
                var plus = inputs.Select(x => x.ToArray()).ToList(); plus[0][k] += eps;
                var minus = inputs.Select(x => x.ToArray()).ToList(); minus[0][k] -= eps;
                TestData.Close((Output(plus) - Output(minus)) / (2 * eps), report.FirstInputGradient[t - 1][k], 1e-6, 1e-9, $"∂y_{t}/∂x_1[{k}]");
            }

            var squares = GradientFlow.Groups.ToDictionary(g => g, _ => 0.0);
            foreach (var p in network.Parameters)
                for (int i = 0; i < p.Value.Length; i++)
                {
                    double saved = p.Value[i];
                    p.Value[i] = saved + eps; double up = Output(inputs);
                    p.Value[i] = saved - eps; double down = Output(inputs);
                    p.Value[i] = saved;
                    double d = (up - down) / (2 * eps);
                    squares[GradientFlow.GroupOf(p.Name)] += d * d;
                }
            foreach (var group in GradientFlow.Groups)
                TestData.Close(Math.Sqrt(squares[group]), report.ParameterGradientNorms[group][t - 1], 1e-6, 1e-9, $"|∇ {group}| at T = {t}");
        }
    }

    [Fact]
    public void Measure_LeavesTheNetworksWeightsAndGradientsAlone()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 1, 4), seed: 2);
        network.Parameters[0].Gradient[0] = 42;
        var before = network.Parameters.Select(p => (p.Value.ToArray(), p.Gradient.ToArray())).ToList();
        GradientFlow.Measure(network, Ones(5));
        for (int k = 0; k < before.Count; k++)
        {
            Assert.Equal(before[k].Item1, network.Parameters[k].Value);
            Assert.Equal(before[k].Item2, network.Parameters[k].Gradient);
        }
    }

    [Fact]
    public void Measure_TanhRnnAtPyTorchInitialisation_VanishesOverFiftySteps()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.RnnTanh, 1, 16), seed: 0);
        var random = new Random(0);
        var inputs = Enumerable.Range(0, 50).Select(_ => new[] { random.NextDouble() }).ToList();
        var g = GradientFlow.Measure(network, inputs).FirstInputGradient;
        Assert.True(Math.Abs(g[49][0] / g[0][0]) < 1e-6, $"ratio {g[49][0] / g[0][0]}");
    }

    [Fact]
    public void Measure_EmptySequence_IsRefused()
        => Assert.Contains("no steps", Assert.Throws<ArgumentException>(() => GradientFlow.Measure(Examples.StatQuest<double>(), [])).Message);

    [Fact]
    public void Norm_ValuesBeyondTheSquareRootOfDoubleMax_DoNotOverflow()
    {
        Assert.Equal(Math.Sqrt(2) * 1e200, GradientFlow.Norm([1e200, -1e200]), 1e186);
        Assert.Equal(5, GradientFlow.Norm([3.0, 4.0]), 1e-15);
        Assert.Equal(0, GradientFlow.Norm([0.0, 0.0]));
        Assert.Equal(double.PositiveInfinity, GradientFlow.Norm([1.0, double.NegativeInfinity]));
        Assert.True(double.IsNaN(GradientFlow.Norm([double.NaN])));
    }

    [Theory]
    [InlineData("rnn.weight_ih_l2", "weight_ih")]
    [InlineData("rnn.weight_hh_l0", "weight_hh")]
    [InlineData("rnn.bias_hh_l1", "bias")]
    [InlineData("head.bias", "head")]
    public void GroupOf_PyTorchNames_MapToTheirGroup(string name, string group) => Assert.Equal(group, GradientFlow.GroupOf(name));

    [Fact]
    public void GroupOf_UnknownName_IsRefused() => Assert.Throws<ArgumentException>(() => GradientFlow.GroupOf("proj.weight"));
}
