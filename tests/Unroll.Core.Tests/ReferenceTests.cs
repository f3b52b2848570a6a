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
}
