namespace Unroll.Core.Tests;

/// <summary>Analytic BPTT gradients against central finite differences, in float64.</summary>
public class GradientCheckTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (CellKind cell in Enum.GetValues<CellKind>())
            foreach (int layers in new[] { 1, 3 })
                yield return [cell, layers];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_RaggedBatch_MatchesFiniteDifferences(CellKind cell, int layers)
    {
        var shape = new NetworkShape(cell, InputSize: 2, HiddenSize: 4, layers, OutputSize: 2);
        var network = RandomNonSymmetric(shape, seed: 100 + (int)cell * 10 + layers);
        var sequences = TestData.Sequences<double>(7, 2, 1, 20, 5, 13, 2, 8);
        var targets = Enumerable.Range(0, sequences.Count * 2).Select(i => Math.Sin(i)).ToArray();
        var batch = network.Pack(sequences);

        network.ZeroGradients();
        var pass = network.Forward(batch);
        var (_, dOut) = TestData.SumSquared(pass.Outputs, targets);
        var back = network.Backward(pass, dOut, new BackwardOptions { InputGradient = true });

        double Loss() => TestData.SumSquared(network.Forward(batch).Outputs, targets).Loss;
        const double eps = 1e-6;
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Value.Length; i++)
            {
                double saved = p.Value[i];
                p.Value[i] = saved + eps; double plus = Loss();
                p.Value[i] = saved - eps; double minus = Loss();
                p.Value[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                TestData.Close(numeric, p.Gradient[i], 1e-6, 1e-8, $"{p.Name}[{i}]");
            }
        var packed = batch.PackedForTests;
        for (int i = 0; i < packed.Length; i++)
        {
            double saved = packed[i];
            packed[i] = saved + eps; double plus = Loss();
            packed[i] = saved - eps; double minus = Loss();
            packed[i] = saved;
            TestData.Close((plus - minus) / (2 * eps), back.PackedInputGradient![i], 1e-6, 1e-8, $"input [{i}]");
        }
    }

    /// <summary>Weights drawn wider than the default so gates saturate unevenly and no symmetry hides a bug.</summary>
    internal static RecurrentNetwork<double> RandomNonSymmetric(NetworkShape shape, int seed)
    {
        var network = new RecurrentNetwork<double>(shape);
        var random = new Random(seed);
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Value.Length; i++) p.Value[i] = (random.NextDouble() * 2 - 1) * 0.9 + 0.05;
        return network;
    }
}
