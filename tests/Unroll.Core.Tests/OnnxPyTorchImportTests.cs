using System.Text.Json;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

/// <summary>ONNX files as PyTorch's exporter writes them (torch.onnx.export of nn.LSTM/GRU/RNN + nn.Linear, with the
/// Shape/ConstantOfShape/Slice nodes that build the zero initial states, the Transpose and Squeeze around the recurrent
/// nodes, and a Gather of the last step before the Gemm head) import and predict as PyTorch did. Fixtures made by
/// fixtures/pytorch_onnx/make_pytorch_onnx.py with PyTorch 1.13.</summary>
public sealed class OnnxPyTorchImportTests
{
    private static string Fixture(string file) => TorchFixture.PathOf(Path.Combine("pytorch_onnx", file));

    private sealed record Expected(double[][][] Inputs, double[][] Outputs);

    [Theory]
    [InlineData("lstm_2layer", CellKind.Lstm, 2, 2, 5, 3)]
    [InlineData("gru", CellKind.Gru, 1, 1, 4, 1)]
    [InlineData("rnn_tanh", CellKind.RnnTanh, 1, 1, 4, 1)]
    public void PyTorchExport_ImportsAndPredictsAsPyTorch(string name, CellKind cell, int layers, int inputs, int hidden, int outputs)
    {
        var network = OnnxImport.Load(Fixture($"{name}.onnx"));
        var expected = JsonSerializer.Deserialize<Expected>(File.ReadAllText(Fixture($"{name}.expected.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

        Assert.Equal((cell, layers, inputs, hidden, outputs),
            (network.Shape.Cell, network.Shape.Layers, network.Shape.InputSize, network.Shape.HiddenSize, network.Shape.OutputSize));
        var sequences = expected.Inputs.Select(s => (IReadOnlyList<float[]>)s.Select(step => step.Select(x => (float)x).ToArray()).ToList()).ToList();
        var predictions = network.Predict(sequences);
        for (int b = 0; b < expected.Outputs.Length; b++)
            for (int o = 0; o < outputs; o++)
                Assert.Equal(expected.Outputs[b][o], predictions[b][o], 1e-5);
    }
}
