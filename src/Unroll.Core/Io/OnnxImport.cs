using System.Buffers.Binary;
using Google.Protobuf;
using Unroll.Core.Io.Onnx;

namespace Unroll.Core.Io;

/// <summary>
/// Reads an ONNX model holding one standard forward <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> node per layer (as
/// <see cref="OnnxExport"/>, PyTorch's and tf2onnx's exporters write them, with the Transpose, Squeeze, Slice and
/// shape nodes around them) and an optional final linear head (<c>Gemm</c>, or <c>MatMul</c> + <c>Add</c>) into a
/// network with PyTorch's gate order. Without a head, the network's head is the identity on the last hidden state.
/// </summary>
/// <remarks>Anything else is refused naming the operator or attribute: peepholes, bidirectional or reverse layers,
/// <c>linear_before_reset = 0</c>, <c>clip</c>, <c>input_forget</c>, activations other than PyTorch's.</remarks>
public static class OnnxImport
{
    private static readonly HashSet<string> Plumbing = new(StringComparer.Ordinal)
        { "Transpose", "Squeeze", "Unsqueeze", "Slice", "Gather", "Reshape", "Shape", "Concat", "Constant", "ConstantOfShape", "Identity", "Cast", "Expand" };

    /// <summary>Reads the network from an ONNX file.</summary>
    /// <exception cref="ModelFileException">The file is missing, not ONNX, or holds something Unroll's networks cannot express.</exception>
    public static RecurrentNetwork<float> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new ModelFileException($"{path} is a folder; give the .onnx file");
        if (!File.Exists(path)) throw new ModelFileException($"{path} does not exist");
        var bytes = File.ReadAllBytes(path);
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException)
        {
            throw new ModelFileException(bytes.Length >= 8 && SafeTensors.TextPreview(bytes) is { } text
                ? $"{path} is not an ONNX model (its first bytes are text: {SafeTensors.Quote(text)}); give the .onnx file an exporter wrote"
                : $"{path} is not an ONNX model: its bytes do not read as ONNX's protobuf format (a damaged or truncated file, or another kind of file?)");
        }
        return FromModel(model, path);
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> read as an ONNX model: a protobuf ModelProto with an IR version and a graph of
    /// at least one node (so that a file of another kind that happens to parse is not taken for one).
    /// </summary>
    public static bool IsOnnx(byte[] bytes)
    {
        try
        {
            var model = ModelProto.Parser.ParseFrom(bytes);
            return model.IrVersion > 0 && model.Graph is { Node.Count: > 0 };
        }
        catch (InvalidProtocolBufferException) { return false; }
    }

    internal static RecurrentNetwork<float> FromModel(ModelProto model, string source)
    {
        string Fail(string what) => throw new ModelFileException($"{source}: {what}");
        var graph = model.Graph ?? throw new ModelFileException($"{source}: the ONNX model has no graph");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1))
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } t) initializers[node.Output[0]] = t;

        var recurrent = graph.Node.Where(n => n.OpType is "RNN" or "LSTM" or "GRU").ToList();
        if (recurrent.Count == 0) Fail("the graph has no RNN, LSTM or GRU node; Unroll imports recurrent networks");
        if (recurrent.Select(n => n.OpType).Distinct().Count() > 1) Fail($"the graph mixes {string.Join(" and ", recurrent.Select(n => n.OpType).Distinct())} layers; an Unroll network has one cell kind");
        var heads = graph.Node.Where(n => n.OpType is "Gemm" or "MatMul" or "Add").ToList();
        foreach (var node in graph.Node)
            if (!Plumbing.Contains(node.OpType) && node.OpType is not ("RNN" or "LSTM" or "GRU" or "Gemm" or "MatMul" or "Add"))
                Fail($"operator {node.OpType} (node '{node.Name}') is not supported: Unroll imports recurrent layers, a linear head and the shape nodes around them");

        float[] Floats(string name, string what)
        {
            if (!initializers.TryGetValue(name, out var t)) Fail($"{what} '{name}' is not a constant initializer");
            if (t!.DataType != (int)TensorProto.Types.DataType.Float) Fail($"{what} '{name}' is not float32");
            if (t.HasRawData)
            {
                var raw = t.RawData.Span;
                var values = new float[raw.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                return values;
            }
            return [.. t.FloatData];
        }
        long[] Dims(string name) => [.. initializers[name].Dims];

        var first = recurrent[0];
        string op = first.OpType;
        long Int(NodeProto n, string name, long fallback) => n.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;
        string[] Activations(NodeProto n) => n.Attribute.FirstOrDefault(a => a.Name == "activations") is { } a ? a.Strings.Select(s => s.ToStringUtf8()).ToArray() : [];
        CellKind cell = op switch
        {
            "LSTM" => CellKind.Lstm,
            "GRU" => CellKind.Gru,
            _ => Activations(first) is [] or ["Tanh"] ? CellKind.RnnTanh : Activations(first) is ["Relu"] ? CellKind.RnnRelu
                : throw new ModelFileException($"{source}: RNN activation {string.Join(",", Activations(first))} is not supported (Tanh or Relu)"),
        };
        int hidden = (int)Int(first, "hidden_size", 0);
        if (hidden < 1) Fail($"node '{first.Name}' has no hidden_size");
        int gates = cell.GateCount();
        var order = OnnxExport.GateOrder(cell);
        foreach (var n in recurrent)
        {
            string direction = n.Attribute.FirstOrDefault(a => a.Name == "direction")?.S.ToStringUtf8() ?? "forward";
            if (direction != "forward") Fail($"node '{n.Name}': direction = {direction} is not supported (bidirectional and reverse layers are not Unroll networks)");
            if (n.Attribute.Any(a => a.Name == "clip")) Fail($"node '{n.Name}': attribute clip is not supported");
            if (Int(n, "input_forget", 0) != 0) Fail($"node '{n.Name}': input_forget = 1 is not supported");
            if (Int(n, "layout", 0) != 0) Fail($"node '{n.Name}': layout = 1 is not supported");
            if (Int(n, "hidden_size", 0) != hidden) Fail($"node '{n.Name}': every layer must have hidden_size {hidden}");
            if (cell == CellKind.Gru && Int(n, "linear_before_reset", 0) != 1)
                Fail($"node '{n.Name}': linear_before_reset = 0 is not supported (PyTorch's GRU, and Unroll's, is linear_before_reset = 1)");
            var acts = Activations(n);
            bool defaultActs = cell switch
            {
                CellKind.Lstm => acts is [] or ["Sigmoid", "Tanh", "Tanh"],
                CellKind.Gru => acts is [] or ["Sigmoid", "Tanh"],
                CellKind.RnnRelu => acts is ["Relu"],
                _ => acts is [] or ["Tanh"],
            };
            if (!defaultActs) Fail($"node '{n.Name}': activations {string.Join(",", acts)} are not supported");
            if (cell == CellKind.Lstm && n.Input.Count > 7 && n.Input[7].Length > 0) Fail($"node '{n.Name}': peepholes (input P) are not supported");
            // PyTorch's exporter feeds zeros built by ConstantOfShape; Unroll's networks start from zeros too.
            if (n.Input.Count > 5 && n.Input[5].Length > 0 && !IsZeros(n.Input[5]))
                Fail($"node '{n.Name}': an initial hidden state other than zeros is not supported");
            if (cell == CellKind.Lstm && n.Input.Count > 6 && n.Input[6].Length > 0 && !IsZeros(n.Input[6]))
                Fail($"node '{n.Name}': an initial cell state other than zeros is not supported");
        }

        // A constant of zeros: an initializer (or Constant) whose values are all 0, ConstantOfShape with value 0, or a
        // slice or reshape of one.
        bool IsZeros(string name)
        {
            if (initializers.ContainsKey(name)) return Floats(name, "initial state").All(v => v == 0);
            var producer = graph.Node.FirstOrDefault(p => p.Output.Contains(name));
            // A slice or reshape of zeros is zeros (PyTorch slices each layer's state from one tensor).
            if (producer?.OpType is "Slice" or "Reshape" or "Squeeze" or "Unsqueeze" or "Identity" or "Expand" && producer.Input.Count > 0)
                return IsZeros(producer.Input[0]);
            if (producer?.OpType != "ConstantOfShape") return false;
            if (producer.Attribute.FirstOrDefault(a => a.Name == "value")?.T is not { } value) return true; // default 0
            if (value.DataType != (int)TensorProto.Types.DataType.Float) return false;
            if (value.HasRawData)
            {
                var raw = value.RawData.Span;
                for (int i = 0; i + 4 <= raw.Length; i += 4)
                    if (BinaryPrimitives.ReadSingleLittleEndian(raw[i..]) != 0) return false;
                return true;
            }
            return value.FloatData.All(v => v == 0);
        }

        int inputSize = (int)Dims(first.Input[1])[^1];
        // The head: Gemm(h, W, b) or MatMul(h, W) + Add(·, b) after the last recurrent node.
        float[]? headWeight = null, headBias = null;
        int outputs = hidden;
        var gemm = heads.FirstOrDefault(n => n.OpType == "Gemm");
        if (gemm is not null)
        {
            if (Int(gemm, "transA", 0) != 0) Fail($"node '{gemm.Name}': Gemm with transA = 1 is not supported as a head");
            var w = Floats(gemm.Input[1], "head weight");
            var d = Dims(gemm.Input[1]);
            bool transB = Int(gemm, "transB", 0) == 1;
            outputs = (int)(transB ? d[0] : d[1]);
            headWeight = transB ? w : Transpose(w, (int)d[0], (int)d[1]);
            float alpha = gemm.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f, beta = gemm.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1f;
            if (alpha != 1f || (gemm.Input.Count > 2 && beta != 1f)) Fail($"node '{gemm.Name}': Gemm with alpha or beta other than 1 is not supported");
            headBias = gemm.Input.Count > 2 && gemm.Input[2].Length > 0 ? Floats(gemm.Input[2], "head bias") : new float[outputs];
        }
        else if (heads.FirstOrDefault(n => n.OpType == "MatMul") is { } matmul)
        {
            string weightName = initializers.ContainsKey(matmul.Input[1]) ? matmul.Input[1] : matmul.Input[0];
            var d = Dims(weightName);
            outputs = (int)d[1];
            headWeight = Transpose(Floats(weightName, "head weight"), (int)d[0], (int)d[1]);
            var add = heads.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains(matmul.Output[0]));
            headBias = add is null ? new float[outputs] : Floats(add.Input.First(i => i != matmul.Output[0]), "head bias");
        }
        if (headWeight is not null && headWeight.Length != outputs * hidden) Fail($"the head's weight has {headWeight.Length} values, not {outputs} × {hidden}");

        var network = new RecurrentNetwork<float>(new NetworkShape(cell, inputSize, hidden, recurrent.Count, outputs));
        for (int l = 0; l < recurrent.Count; l++)
        {
            var n = recurrent[l];
            int inputs = network.Shape.LayerInputSize(l);
            var w = Floats(n.Input[1], "W");
            var r = Floats(n.Input[2], "R");
            if (w.Length != gates * hidden * inputs) Fail($"node '{n.Name}': W has {w.Length} values, a layer with {inputs} inputs and {hidden} hidden units needs {gates * hidden * inputs}");
            if (r.Length != gates * hidden * hidden) Fail($"node '{n.Name}': R has {r.Length} values, {gates * hidden * hidden} needed");
            var b = n.Input.Count > 3 && n.Input[3].Length > 0 ? Floats(n.Input[3], "B") : new float[2 * gates * hidden];
            if (b.Length != 2 * gates * hidden) Fail($"node '{n.Name}': B has {b.Length} values, {2 * gates * hidden} needed");
            Restore(w, order, hidden * inputs, network[$"rnn.weight_ih_l{l}"].Value);
            Restore(r, order, hidden * hidden, network[$"rnn.weight_hh_l{l}"].Value);
            Restore(b[..(gates * hidden)], order, hidden, network[$"rnn.bias_ih_l{l}"].Value);
            Restore(b[(gates * hidden)..], order, hidden, network[$"rnn.bias_hh_l{l}"].Value);
        }
        if (headWeight is null)
            for (int i = 0; i < hidden; i++) network["head.weight"].Value[i * hidden + i] = 1f;
        else
        {
            headWeight.CopyTo(network["head.weight"].Value, 0);
            headBias!.CopyTo(network["head.bias"].Value, 0);
        }
        return network;

        static float[] Transpose(float[] m, int rows, int columns)
        {
            var t = new float[m.Length];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++) t[j * rows + i] = m[i * columns + j];
            return t;
        }

        // ONNX position g holds PyTorch's block order[g]: put it back.
        static void Restore(float[] onnx, int[] order, int block, float[] torch)
        {
            for (int g = 0; g < order.Length; g++)
                Array.Copy(onnx, g * block, torch, order[g] * block, block);
        }
    }
}
