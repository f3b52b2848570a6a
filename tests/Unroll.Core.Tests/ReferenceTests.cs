using Unroll.Core.Tests.Reference;

namespace Unroll.Core.Tests;

/// <summary>The engine, in float64 and float32, against the plain one-file reference.</summary>
public class ReferenceTests
{
    public static IEnumerable<object[]> Shapes()
    {
        foreach (CellKind cell in Enum.GetValues<CellKind>())
        {
            yield return [cell, 1, 1, 1, 1];
            yield return [cell, 3, 7, 2, 2];
            yield return [cell, 2, 17, 3, 3];
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_RaggedBatch_MatchesReference(CellKind cell, int inputs, int hidden, int layers, int outputs)
    {
        var shape = new NetworkShape(cell, inputs, hidden, layers, outputs);
        var network = RecurrentNetwork<double>.Create(shape, seed: 11);
        var single = new RecurrentNetwork<float>(shape);
        for (int k = 0; k < network.Parameters.Count; k++)
            for (int i = 0; i < network.Parameters[k].Value.Length; i++)
                single.Parameters[k].Value[i] = (float)network.Parameters[k].Value[i];
        var sequences = TestData.Sequences<double>(5, inputs, 3, 1, 12, 7, 20, 2);
        var predictions = network.Predict(sequences);
        var floatPredictions = single.Predict(sequences.Select(s => (IReadOnlyList<float[]>)s.Select(x => x.Select(v => (float)v).ToArray()).ToList()).ToList());
        for (int s = 0; s < sequences.Count; s++)
        {
            var expected = ReferenceNetwork.Predict(shape, name => single[name].Value.Select(v => (double)v).ToArray(), sequences[s]);
            var expected64 = ReferenceNetwork.Predict(shape, name => network[name].Value, sequences[s]);
            for (int o = 0; o < outputs; o++)
            {
                TestData.Close(expected64[o], predictions[s][o], 1e-12, 1e-13, $"sequence {s} output {o} (float64)");
                TestData.Close(expected[o], floatPredictions[s][o], 1e-4, 1e-5, $"sequence {s} output {o} (float32)");
            }
        }
    }

    /// <summary>
    /// Backpropagation through time of a ragged batch, float64 and float32, against the reference's BPTT summed over
    /// the sequences: every parameter's gradient and every step's input gradient.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_RaggedBatch_MatchesReference(CellKind cell, int inputs, int hidden, int layers, int outputs)
    {
        var shape = new NetworkShape(cell, inputs, hidden, layers, outputs);
        var network = GradientCheckTests.RandomNonSymmetric(shape, seed: 17);
        AssertBackwardMatchesReference(shape, network, TestData.Sequences<double>(6, inputs, 3, 1, 12, 7, 20, 2));
    }

    /// <summary>
    /// The network's BPTT in float64 and as a float32 copy, for dOut_i = cos(i + 0.5), against the reference's summed
    /// over the sequences: every parameter's gradient (float64 to 1e-10, float32 to 2e-3) and every step's input
    /// gradient. Clears the network's gradients first.
    /// </summary>
    internal static void AssertBackwardMatchesReference(NetworkShape shape, RecurrentNetwork<double> network, List<IReadOnlyList<double[]>> sequences)
    {
        int inputs = shape.InputSize, outputs = shape.OutputSize;
        var single = network.Convert<float>();
        var dOut = Enumerable.Range(0, sequences.Count * outputs).Select(i => Math.Cos(i + 0.5)).ToArray();

        network.ZeroGradients();
        var back = network.Backward(network.Forward(network.Pack(sequences)), dOut, new BackwardOptions { InputGradient = true });
        var singleBatch = single.Pack(sequences.Select(s => (IReadOnlyList<float[]>)s.Select(x => x.Select(v => (float)v).ToArray()).ToList()).ToList());
        var singleBack = single.Backward(single.Forward(singleBatch), dOut.Select(v => (float)v).ToArray(), new BackwardOptions { InputGradient = true });

        var expected = network.Parameters.ToDictionary(p => p.Name, p => new double[p.Value.Length]);
        for (int s = 0; s < sequences.Count; s++)
        {
            var (gradients, inputGradient) = ReferenceNetwork.Gradients(shape, name => network[name].Value, sequences[s], dOut.AsSpan(s * outputs, outputs).ToArray());
            foreach (var (name, values) in gradients)
                for (int i = 0; i < values.Length; i++) expected[name][i] += values[i];
            var mine = back.InputGradientOf(s);
            var mine32 = singleBack.InputGradientOf(s);
            for (int t = 0; t < inputGradient.Length; t++)
                for (int k = 0; k < inputs; k++)
                {
                    TestData.Close(inputGradient[t][k], mine[t * inputs + k], 1e-10, 1e-12, $"sequence {s} dx[{t}][{k}] (float64)");
                    TestData.Close(inputGradient[t][k], mine32[t * inputs + k], 2e-3, 2e-4, $"sequence {s} dx[{t}][{k}] (float32)");
                }
        }
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Gradient.Length; i++)
            {
                TestData.Close(expected[p.Name][i], p.Gradient[i], 1e-10, 1e-12, $"{p.Name}[{i}] (float64)");
                TestData.Close(expected[p.Name][i], single[p.Name].Gradient[i], 2e-3, 2e-4, $"{p.Name}[{i}] (float32)");
            }
    }
}
