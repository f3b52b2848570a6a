using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

/// <summary>Exported models run in ONNX Runtime give Unroll's own predictions (RecurrentNetwork.Infer) to 1e-5.</summary>
public class OnnxRuntimeTests
{
    /// <summary>Runs an exported model on zero-padded ragged sequences and returns prediction (B × O).</summary>
    internal static float[] RunInOrt(byte[] model, IReadOnlyList<IReadOnlyList<float[]>> sequences, int inputSize)
    {
        int batch = sequences.Count, time = sequences.Max(s => s.Count);
        var input = new DenseTensor<float>([batch, time, inputSize]);
        var lengths = new DenseTensor<int>([batch]);
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = sequences[b].Count;
            for (int t = 0; t < sequences[b].Count; t++)
                for (int i = 0; i < inputSize; i++) input[b, t, i] = sequences[b][t][i];
        }
        using var session = new InferenceSession(model);
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("input", input),
            NamedOnnxValue.CreateFromTensor("lengths", lengths)]);
        var prediction = results.Single(r => r.Name == "prediction").AsTensor<float>();
        Assert.Equal(batch, prediction.Dimensions[0]);
        return prediction.ToArray();
    }

    internal static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            TestData.Close(expected[i], actual[i], 1e-5, 1e-5, $"{what}[{i}]");
    }

    public static TheoryData<CellKind, int, int> Shapes()
    {
        var data = new TheoryData<CellKind, int, int>();
        foreach (var cell in Enum.GetValues<CellKind>())
            foreach (int layers in new[] { 1, 2 })
                foreach (int outputs in new[] { 1, 3 })
                    data.Add(cell, layers, outputs);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Export_RaggedBatch_MatchesInfer(CellKind cell, int layers, int outputs)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 3, 5, layers, outputs), seed: 13);
        int[] lengths = [1, 40, 7, 2, 17, 40, 9, 33];
        var sequences = TestData.Sequences<float>(seed: 7, inputSize: 3, lengths);
        var expected = network.Infer(network.Pack(sequences));

        var actual = RunInOrt(OnnxExport.ToBytes(network), sequences, 3);

        AssertSame(expected, actual, $"{cell.ToName()} L{layers} O{outputs}");
    }

    [Theory]
    [InlineData(15)]
    [InlineData(18)]
    [InlineData(21)]
    public void Export_OtherOpsets_MatchInfer(int opset)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 2, 4, 2, 2), seed: 5);
        var sequences = TestData.Sequences<float>(seed: 3, inputSize: 2, 4, 1, 11);
        var actual = RunInOrt(OnnxExport.ToBytes(network, new OnnxExportOptions { Opset = opset }), sequences, 2);
        AssertSame(network.Infer(network.Pack(sequences)), actual, $"opset {opset}");
    }

    [Fact]
    public void Export_StatQuest_MatchesPredict()
    {
        var network = Examples.StatQuest<float>();
        var sequences = TestData.Sequences<float>(seed: 1, inputSize: 1, 2, 5, 1);
        AssertSame(network.Infer(network.Pack(sequences)), RunInOrt(OnnxExport.ToBytes(network), sequences, 1), "statquest");
    }

    [Fact]
    public void Export_DoubleNetwork_MatchesItsFloatCopy()
    {
        var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Gru, 2, 3, 1, 1), seed: 2);
        var asFloat = network.Convert<float>();
        var sequences = TestData.Sequences<float>(seed: 4, inputSize: 2, 3, 6);
        AssertSame(asFloat.Infer(asFloat.Pack(sequences)), RunInOrt(OnnxExport.ToBytes(network), sequences, 2), "double");
    }
}
