using Unroll.Core.Io;
using Unroll.Core.Io.Onnx;

namespace Unroll.Core.Tests;

/// <summary>
/// Exported files follow the ONNX spec's structural rules (onnx.checker's, written out here so the tests need no
/// Python): IR version and opset import, typed value infos for the graph's inputs and outputs, initializers whose data
/// matches their shapes, unique names, single assignment and topological order.
/// </summary>
public class OnnxStructureTests
{
    /// <summary>The structural problems of a model; empty when it follows the rules.</summary>
    internal static List<string> Problems(ModelProto model)
    {
        var problems = new List<string>();
        if (!model.HasIrVersion || model.IrVersion < 3) problems.Add($"ir_version {model.IrVersion} is missing or below 3");
        if (model.OpsetImport.Count(o => o.Domain is "" or "ai.onnx") != 1) problems.Add("exactly one default-domain opset_import is needed");
        if (model.OpsetImport.Any(o => o.Version < 1)) problems.Add("an opset_import has no version");
        if (model.MetadataProps.Select(p => p.Key).Distinct().Count() != model.MetadataProps.Count) problems.Add("metadata_props keys repeat");
        var graph = model.Graph;
        if (graph is null) { problems.Add("no graph"); return problems; }
        if (string.IsNullOrEmpty(graph.Name)) problems.Add("the graph has no name");

        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Define(string name, string by)
        {
            if (string.IsNullOrEmpty(name)) problems.Add($"{by} defines an empty name");
            else if (!defined.Add(name)) problems.Add($"'{name}' is defined twice (by {by})");
        }
        foreach (var input in graph.Input)
        {
            Define(input.Name, "a graph input");
            CheckTensorType(input, problems);
        }
        foreach (var tensor in graph.Initializer)
        {
            Define(tensor.Name, "an initializer");
            long count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
            if (tensor.Dims.Any(d => d < 0)) problems.Add($"initializer '{tensor.Name}' has a negative dim");
            long stored = tensor.DataType switch
            {
                (int)TensorProto.Types.DataType.Float => tensor.HasRawData ? tensor.RawData.Length / 4 : tensor.FloatData.Count,
                (int)TensorProto.Types.DataType.Int64 => tensor.HasRawData ? tensor.RawData.Length / 8 : tensor.Int64Data.Count,
                _ => -1,
            };
            if (stored != count) problems.Add($"initializer '{tensor.Name}' holds {stored} values for dims [{string.Join(", ", tensor.Dims)}]");
        }
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (string.IsNullOrEmpty(node.OpType)) problems.Add("a node has no op_type");
            if (node.HasName && !nodeNames.Add(node.Name)) problems.Add($"node name '{node.Name}' repeats");
            foreach (var input in node.Input)
                if (input.Length > 0 && !defined.Contains(input))
                    problems.Add($"node '{node.Name}' reads '{input}' before anything defines it (not topologically sorted, or undefined)");
            if (node.Attribute.Select(a => a.Name).Distinct().Count() != node.Attribute.Count) problems.Add($"node '{node.Name}' repeats an attribute");
            foreach (var attribute in node.Attribute)
                if (attribute.Type == AttributeProto.Types.AttributeType.Undefined) problems.Add($"attribute {attribute.Name} of '{node.Name}' has no type");
            foreach (var output in node.Output)
                if (output.Length > 0) Define(output, $"node '{node.Name}'");
        }
        foreach (var output in graph.Output)
        {
            if (!defined.Contains(output.Name)) problems.Add($"graph output '{output.Name}' is never computed");
            CheckTensorType(output, problems);
        }
        // Not an error in the spec, but ONNX Runtime warns about it on every load.
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer)
            if (!read.Contains(tensor.Name)) problems.Add($"initializer '{tensor.Name}' is never used");
        return problems;
    }

    private static void CheckTensorType(ValueInfoProto value, List<string> problems)
    {
        if (value.Type?.TensorType is not { } tensor || !tensor.HasElemType || tensor.ElemType == 0)
            problems.Add($"'{value.Name}' has no tensor element type");
        else if (tensor.Shape is null || tensor.Shape.Dim.Any(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.None))
            problems.Add($"'{value.Name}' has a dimension with neither a size nor a name");
    }

    [Theory]
    [InlineData(CellKind.RnnRelu, 1, 14)]
    [InlineData(CellKind.RnnTanh, 2, 14)]
    [InlineData(CellKind.Lstm, 2, 17)]
    [InlineData(CellKind.Gru, 3, 21)]
    public void Export_FollowsStructuralRules(CellKind cell, int layers, int opset)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 2, 3, layers, 2), seed: 1);
        var bytes = OnnxExport.ToBytes(network, new OnnxExportOptions { Opset = opset, Metadata = new Dictionary<string, string> { ["k"] = "v" } });

        var model = ModelProto.Parser.ParseFrom(bytes);

        Assert.Empty(Problems(model));
        Assert.Equal(OnnxExport.IrVersion(opset), model.IrVersion);
        Assert.Equal(["input", "lengths"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal("prediction", Assert.Single(model.Graph.Output).Name);
        Assert.Equal(layers, model.Graph.Node.Count(n => n.OpType is "RNN" or "LSTM" or "GRU"));
    }

    [Fact]
    public void Checker_FindsBrokenModels()
    {
        var model = OnnxExport.Build(RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 2), seed: 1), new OnnxExportOptions());
        Assert.Empty(Problems(model));
        var reordered = model.Clone();
        var first = reordered.Graph.Node[0];
        reordered.Graph.Node.RemoveAt(0);
        reordered.Graph.Node.Add(first);
        Assert.Contains(Problems(reordered), p => p.Contains("topologically"));
        var twice = model.Clone();
        twice.Graph.Initializer.Add(twice.Graph.Initializer[0].Clone());
        Assert.Contains(Problems(twice), p => p.Contains("defined twice"));
        var unused = model.Clone();
        unused.Graph.Initializer.Add(new TensorProto { Name = "spare", DataType = (int)TensorProto.Types.DataType.Float, FloatData = { 1f } });
        Assert.Contains(Problems(unused), p => p.Contains("'spare' is never used"));
    }

    [Fact]
    public void Gates_MoveToOnnxOrder()
    {
        // One hidden unit, one input: W's rows are the gate blocks, so their values show the order.
        var network = new RecurrentNetwork<float>(new NetworkShape(CellKind.Lstm, 1, 1));
        float[] torch = [1, 2, 3, 4];   // i, f, g, o
        torch.CopyTo(network["rnn.weight_ih_l0"].Value, 0);
        var w = OnnxExport.Build(network, new OnnxExportOptions()).Graph.Initializer.Single(t => t.Name == "W_l0");
        var values = Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(w.RawData.Span[(i * 4)..])).ToArray();
        Assert.Equal([1f, 4f, 2f, 3f], values);   // i, o, f, c
        Assert.Equal([1, 0, 2], OnnxExport.GateOrder(CellKind.Gru));   // z, r, h from r, z, n
    }

    [Theory]
    [InlineData(13)]
    [InlineData(22)]
    public void Export_UnsupportedOpset_NamesTheRange(int opset)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 1, 2), seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.ToBytes(network, new OnnxExportOptions { Opset = opset }));
        Assert.Contains("opsets 14 to 21", e.Message);
    }
}

/// <summary>Import of ONNX recurrent models: export then import gives the same weights, bit for bit; unsupported features are named.</summary>
public class OnnxImportTests
{
    [Theory]
    [InlineData(CellKind.RnnRelu, 1, 1)]
    [InlineData(CellKind.RnnTanh, 2, 3)]
    [InlineData(CellKind.Lstm, 2, 1)]
    [InlineData(CellKind.Gru, 3, 2)]
    public void ExportThenImport_GivesBitIdenticalWeights(CellKind cell, int layers, int outputs)
    {
        var network = RecurrentNetwork<float>.Create(new NetworkShape(cell, 3, 4, layers, outputs), seed: 9);
        var imported = OnnxImport.FromModel(OnnxExport.Build(network, new OnnxExportOptions()), "test.onnx");
        Assert.Equal(network.Shape, imported.Shape);
        for (int i = 0; i < network.Parameters.Count; i++)
            Assert.Equal(network.Parameters[i].Value, imported.Parameters[i].Value);
    }

    [Theory]
    [InlineData("direction", "bidirectional", "direction = bidirectional")]
    [InlineData("linear_before_reset", "0", "linear_before_reset = 0")]
    [InlineData("clip", "1", "clip")]
    public void Import_UnsupportedAttribute_IsNamed(string attribute, string value, string expected)
    {
        var model = OnnxExport.Build(RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Gru, 1, 2), seed: 1), new OnnxExportOptions());
        var node = model.Graph.Node.Single(n => n.OpType == "GRU");
        if (node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } old) node.Attribute.Remove(old);
        node.Attribute.Add(attribute switch
        {
            "direction" => new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) },
            "clip" => new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Float, F = 1 },
            _ => new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Int, I = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        });
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.FromModel(model, "m.onnx"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Import_OtherOperator_IsNamed()
    {
        var model = OnnxExport.Build(RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, 1, 2), seed: 1), new OnnxExportOptions());
        model.Graph.Node.Add(new NodeProto { OpType = "Softmax", Name = "sm" });
        var e = Assert.Throws<ModelFileException>(() => OnnxImport.FromModel(model, "m.onnx"));
        Assert.Contains("operator Softmax", e.Message);
    }
}
