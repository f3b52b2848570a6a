using System.Numerics;

namespace Unroll.Core.Tests;

/// <summary>The engine against values computed by PyTorch 1.13 (fixtures/make_fixtures.py).</summary>
public class TorchFixtureTests
{
    public static IEnumerable<object[]> Float64Cases => TorchFixture.Cases("float64").Append(["statquest.json"]);
    public static IEnumerable<object[]> Float32Cases => TorchFixture.Cases("float32");

    [Theory]
    [MemberData(nameof(Float64Cases))]
    public void Float64_MatchesPyTorch(string file) => Check<double>(file, relative: 1e-10, absolute: 1e-12);

    [Theory]
    [MemberData(nameof(Float32Cases))]
    public void Float32_MatchesPyTorch(string file) => Check<float>(file, relative: 1e-4, absolute: 2e-6);

    private static void Check<T>(string file, double relative, double absolute) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var fixture = TorchFixture.Load(file);
        var network = fixture.Build<T>();
        var pass = network.Forward(network.Pack(fixture.InputsAs<T>()));
        var outputs = pass.Outputs.ToArray().Select(double.CreateChecked).ToArray();
        var expected = TestData.Flat(fixture.Predictions);
        for (int i = 0; i < expected.Length; i++) TestData.Close(expected[i], outputs[i], relative, absolute, $"prediction {i}");

        var targets = TestData.Flat(fixture.Targets).Select(T.CreateChecked).ToArray();
        var (loss, dOut) = TestData.SumSquared(pass.Outputs, targets);
        TestData.Close(fixture.Loss, double.CreateChecked(loss), relative, absolute, "loss");

        network.ZeroGradients();
        var back = network.Backward(pass, dOut, new BackwardOptions { InputGradient = true });
        foreach (var p in network.Parameters)
        {
            var g = fixture.Gradients[p.Name];
            for (int i = 0; i < g.Length; i++)
                TestData.Close(g[i], double.CreateChecked(p.Gradient[i]), relative, absolute, $"{p.Name}[{i}]");
        }
        if (fixture.InputGradients is { } inputGradients)
            for (int s = 0; s < inputGradients.Length; s++)
            {
                var mine = back.InputGradientOf(s);
                var theirs = inputGradients[s].SelectMany(x => x).ToArray();
                for (int i = 0; i < theirs.Length; i++)
                    TestData.Close(theirs[i], double.CreateChecked(mine[i]), relative, absolute, $"input gradient of sequence {s} [{i}]");
            }
        if (fixture.FinalHidden is { } finalHidden)
            for (int l = 0; l < finalHidden.Length; l++)
            {
                var theirs = finalHidden[l].SelectMany(x => x).ToArray();
                for (int i = 0; i < theirs.Length; i++)
                    TestData.Close(theirs[i], double.CreateChecked(pass.FinalState.Hidden[l].Span[i]), relative, absolute, $"h_n layer {l} [{i}]");
            }
        if (fixture.FinalCell is { } finalCell)
            for (int l = 0; l < finalCell.Length; l++)
            {
                var theirs = finalCell[l].SelectMany(x => x).ToArray();
                for (int i = 0; i < theirs.Length; i++)
                    TestData.Close(theirs[i], double.CreateChecked(pass.FinalState.Cell![l].Span[i]), relative, absolute, $"c_n layer {l} [{i}]");
            }
    }
}
