using System.Text.Json;
using Unroll.Core.Io;
using Unroll.Core.Io.Onnx;

namespace Unroll.Core.Tests;

/// <summary>
/// Import follows the data from the graph input to the output: a head that reads the last layer's last hidden state
/// (PyTorch's <c>fc(o[:, -1, :])</c> and, stacked, <c>fc(h[-1])</c>) imports and predicts as PyTorch did; a head on
/// another step, on the cell state or on another layer, or a layer fed a slice of the input, is refused naming the node
/// (they imported as the last hidden state and gave other numbers than PyTorch's, with no word). Fixtures made by
/// fixtures/pytorch_onnx/make_pytorch_onnx.py with PyTorch 1.13.
/// </summary>
public sealed class OnnxImportDataFlowTests
{
    private static string Fixture(string file) => TorchFixture.PathOf(Path.Combine("pytorch_onnx", file));

    private sealed record Expected(double[][][] Inputs, double[][] Outputs);

    [Theory]
    [InlineData("head_last_step", 1)]
    [InlineData("head_h_last_layer", 2)]
    public void LastHiddenState_ImportsAndPredictsAsPyTorch(string name, int layers)
    {
        var network = OnnxImport.Load(Fixture($"{name}.onnx"));
        var expected = JsonSerializer.Deserialize<Expected>(File.ReadAllText(Fixture($"{name}.expected.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

        Assert.Equal(new NetworkShape(CellKind.Lstm, 1, 4, layers, 1), network.Shape);
        var predictions = network.Predict(expected.Inputs.Select(s => (IReadOnlyList<float[]>)s.Select(step => step.Select(x => (float)x).ToArray()).ToList()).ToList());
        for (int b = 0; b < expected.Outputs.Length; b++)
            Assert.Equal(expected.Outputs[b][0], predictions[b][0], 1e-6);
    }

    [Theory]
    [InlineData("head_first_step", "operator Gather (node '/Gather') takes time step 0 of the output Y of LSTM node '/rnn/LSTM'")]
    [InlineData("head_second_to_last_step", "operator Gather (node '/Gather') takes time step -2 of the output Y of LSTM node '/rnn/LSTM'")]
    [InlineData("head_cell_state", "operator Gather (node '/Gather') reads the cell state Y_c of LSTM node '/rnn/LSTM'")]
    [InlineData("head_input_sliced", "operator Slice (node '/Slice') takes [1:] of axis 1 of the input X of LSTM node '/rnn/LSTM'")]
    public void HeadOnSomethingElse_IsRefusedNamingTheNode(string name, string expected)
    {
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.Load(Fixture($"{name}.onnx")));
        Assert.Equal($"{Fixture($"{name}.onnx")}: {expected}", e.Message[..e.Message.IndexOf(';', StringComparison.Ordinal)]);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static RecurrentNetwork<float> Network(int layers) => RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 2, 3, layers, 2), seed: 4);

    private static ModelProto Export(int layers) => OnnxExport.Build(Network(layers), new OnnxExportOptions());

    [Fact]
    public void HeadOnALowerLayer_IsRefused()
    {
        var model = Export(2);
        model.Graph.Node.Single(n => n.Name == "squeeze_last").Input[0] = "Y_h_l0";
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.FromModel(model, "m.onnx"));
        Assert.Contains("operator Gemm (node 'head') reads the output Y_h of GRU node 'gru_l0', layer 1 of 2; Unroll's head reads the last layer", e.Message);
    }

    [Fact]
    public void LastStepOfYWithSequenceLens_IsRefused()
    {
        // Y is zero past each sequence's length, so its last step is not the hidden state of a shorter sequence.
        var model = Export(1);
        var squeeze = model.Graph.Node.Single(n => n.Name == "squeeze_last");
        squeeze.Input[0] = "Y_l0";
        squeeze.Input[1] = "axis_1";
        model.Graph.Initializer.Add(new TensorProto { Name = "axis_1", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 1 } });
        model.Graph.Initializer.Add(new TensorProto { Name = "minus_one", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { -1 } });
        model.Graph.Node.Add(new NodeProto { OpType = "Gather", Name = "last_step", Input = { "last_hidden", "minus_one" }, Output = { "last_step" } });
        model.Graph.Node.Single(n => n.Name == "head").Input[0] = "last_step";
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.FromModel(model, "m.onnx"));
        Assert.Contains("operator Gather (node 'last_step') takes the last step of the output Y of GRU node 'gru_l0', which is zeros", e.Message);

        model.Graph.Node.Single(n => n.OpType == "GRU").Input.RemoveAt(4);   // no sequence_lens: the last step is h
        var imported = OnnxImport.FromModel(model, "m.onnx");
        var original = Network(1);
        for (int i = 0; i < original.Parameters.Count; i++)
            Assert.Equal(original.Parameters[i].Value, imported.Parameters[i].Value);
    }

    [Fact]
    public void MatMulAddHead_ImportsAsTheGemm()
    {
        var original = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 3, 1, 2), seed: 5);
        var model = OnnxExport.Build(original, new OnnxExportOptions());
        var gemm = model.Graph.Node.Single(n => n.OpType == "Gemm");
        model.Graph.Node.Remove(gemm);
        var w = original["head.weight"].Value;   // (2 × 3), MatMul wants (3 × 2)
        float[] wt = [w[0], w[3], w[1], w[4], w[2], w[5]];
        model.Graph.Initializer.Add(new TensorProto { Name = "w_t", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 3, 2 }, FloatData = { wt } });
        model.Graph.Node.Add(new NodeProto { OpType = "MatMul", Name = "mm", Input = { "last_hidden", "w_t" }, Output = { "mm_out" } });
        model.Graph.Node.Add(new NodeProto { OpType = "Add", Name = "bias", Input = { "head.bias", "mm_out" }, Output = { "prediction" } });

        var imported = OnnxImport.FromModel(model, "m.onnx");
        for (int i = 0; i < original.Parameters.Count; i++)
            Assert.Equal(original.Parameters[i].Value, imported.Parameters[i].Value);

        model.Graph.Node.Single(n => n.Name == "bias").Input[0] = "mm_out";   // adds the product to itself
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.FromModel(model, "m.onnx"));
        Assert.Contains("operator Add (node 'bias') is not the bias of a MatMul head", e.Message);
    }
}
