using System.Buffers.Binary;
using Google.Protobuf;
using Unroll.Core.Io.Onnx;

namespace Unroll.Core.Io;

/// <summary>
/// Reads an ONNX model holding one standard forward <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> node per layer (as
/// <see cref="OnnxExport"/>, PyTorch's and tf2onnx's exporters write them, with the Transpose, Squeeze and shape nodes
/// around them) and an optional final linear head (<c>Gemm</c>, or <c>MatMul</c> + <c>Add</c>) into a network with
/// PyTorch's gate order. Without a head, the network's head is the identity on the last hidden state.
/// </summary>
/// <remarks>The data flow is followed, so that the imported network computes what the graph does: the first layer reads
/// the graph input and each other layer the Y of the one below, through layout nodes only (Transpose, Squeeze,
/// Unsqueeze, Reshape, Identity, Cast); the head, or the output, reads the last layer's last hidden state: Y_h, or Y
/// through a Gather or Slice of the last step only (PyTorch's <c>o[:, -1, :]</c>, or <c>h[-1]</c> of the layers'
/// Y_h joined by Concat). Anything else is refused naming the node or attribute: a slice of the input, another time
/// step, the cell state Y_c, another layer, other operators, peepholes, bidirectional or reverse layers,
/// <c>linear_before_reset = 0</c>, <c>clip</c>, <c>input_forget</c>, activations other than PyTorch's.</remarks>
public static class OnnxImport
{
    // What each axis of a value between the last recurrent layer and the output holds (One: an axis of size one, such as
    // num_directions).
    private enum Axis { Time, One, Batch, Hidden, Outputs }

    // A value between the last recurrent layer and the output: the recurrent node and output (0 = Y, 1 = Y_h) it comes
    // from, the head it has passed (Gemm or MatMul, and the Add of the MatMul's bias), and its axes.
    private sealed record Flow(NodeProto Layer, int Output, NodeProto? Head, NodeProto? Bias, Axis[] Axes);

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
            if (SafeTensors.LooksLikeSafeTensors(bytes))
                throw new ModelFileException($"{path} is a safetensors model, not ONNX: run, explain, predict and export-onnx read it as it is; import-onnx converts ONNX files");
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
        for (int l = 0; l < recurrent.Count; l++) CheckInput(l);
        // The head: Gemm(h, W, b) or MatMul(h, W) + Add(·, b) on the last layer's last hidden state, found by following
        // the graph's output back to it.
        if (graph.Output.Count == 0) Fail("the graph has no output");
        var flow = Trace(graph.Output[0].Name, null);
        if (flow.Head is null) CheckLastHidden(flow, null);
        float[]? headWeight = null, headBias = null;
        int outputs = flow.Head is null ? hidden : HeadOutputs(flow.Head);
        if (flow.Head is { OpType: "Gemm" } gemm)
        {
            var w = Floats(gemm.Input[1], "head weight");
            var d = Dims(gemm.Input[1]);
            headWeight = Int(gemm, "transB", 0) == 1 ? w : Transpose(w, (int)d[0], (int)d[1]);
            float alpha = gemm.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f, beta = gemm.Attribute.FirstOrDefault(a => a.Name == "beta")?.F ?? 1f;
            if (alpha != 1f || (gemm.Input.Count > 2 && beta != 1f)) Fail($"node '{gemm.Name}': Gemm with alpha or beta other than 1 is not supported");
            headBias = gemm.Input.Count > 2 && gemm.Input[2].Length > 0 ? Floats(gemm.Input[2], "head bias") : new float[outputs];
        }
        else if (flow.Head is { } matmul)
        {
            var d = Dims(matmul.Input[1]);
            headWeight = Transpose(Floats(matmul.Input[1], "head weight"), (int)d[0], (int)d[1]);
            headBias = flow.Bias is { } add ? Floats(add.Input.First(i => initializers.ContainsKey(i)), "head bias") : new float[outputs];
        }
        if (headWeight is not null && headWeight.Length != outputs * hidden) Fail($"the head's weight has {headWeight.Length} values, not {outputs} × {hidden}");
        if (headBias is not null && headBias.Length != outputs) Fail($"the head's bias has {headBias.Length} values, not {outputs}");

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

        // Following the data: each layer must read all of the graph input (the first) or of the layer below's Y, and the
        // output must be the last layer's last hidden state, or a linear head on it. Anything else is refused naming the
        // node, since importing it as that would give other numbers than the graph's without a word.
        NodeProto? Producer(string value) => graph.Node.FirstOrDefault(p => p.Output.Contains(value));
        string Op(NodeProto? n) => n is null ? $"the graph output '{graph.Output[0].Name}'" : $"operator {n.OpType} (node '{n.Name}')";
        string What(Flow f) => f.Head is { } head ? $"the output of {head.OpType} node '{head.Name}'"
            : $"the output {(f.Output == 0 ? "Y" : "Y_h")} of {f.Layer.OpType} node '{f.Layer.Name}'";

        void CheckInput(int l)
        {
            var layer = recurrent[l];
            string value = layer.Input[0];
            while (true)
            {
                var p = Producer(value);
                if (l == 0 ? p is null && graph.Input.Any(i => i.Name == value) && !initializers.ContainsKey(value)
                    : p is not null && p == recurrent[l - 1] && p.Output.IndexOf(value) == 0) return;
                if (p?.OpType is "Transpose" or "Squeeze" or "Unsqueeze" or "Reshape" or "Identity" or "Cast"
                    || (p?.OpType == "Slice" && Cuts(p).All(c => c.Start == 0 && c.End >= int.MaxValue && c.Step == 1)))
                    value = p.Input[0];
                else if (p?.OpType is "Slice" or "Gather")
                    Fail($"{Op(p)} takes {string.Join(", ", Cuts(p).Select(c => $"[{Range(c)}] of axis {c.Axis}"))} of the input X of {layer.OpType} node '{layer.Name}'; Unroll's networks read every time step and feature of their input");
                else
                    Fail($"the input X of {layer.OpType} node '{layer.Name}' does not come from {(l == 0 ? "the graph input" : $"the output Y of {recurrent[l - 1].OpType} node '{recurrent[l - 1].Name}'")} through layout nodes only (Transpose, Squeeze, Unsqueeze, Reshape): it meets {(p is null ? $"'{value}'" : Op(p))}");
            }
        }

        // What `value` holds, from the graph output back to a recurrent node; `reader` is the node that reads it.
        Flow Trace(string value, NodeProto? reader)
        {
            var n = Producer(value);
            if (n is null) Fail($"{Op(reader)} reads '{value}', which no recurrent layer computes; Unroll's head reads the last layer's last hidden state");
            Flow f;
            switch (n!.OpType)
            {
                case "RNN" or "LSTM" or "GRU":
                    int output = n.Output.IndexOf(value);
                    if (output == 2) Fail($"{Op(reader)} reads the cell state Y_c of {n.OpType} node '{n.Name}'; Unroll's head reads the last hidden state (Y_h, or Y at step -1)");
                    return new Flow(n, output, null, null, output == 0 ? [Axis.Time, Axis.One, Axis.Batch, Axis.Hidden] : [Axis.One, Axis.Batch, Axis.Hidden]);
                case "Identity" or "Cast":
                    return Trace(n.Input[0], n);
                case "Transpose":
                    f = Trace(n.Input[0], n);
                    var perm = n.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints.ToArray() ?? [.. Enumerable.Range(0, f.Axes.Length).Reverse().Select(i => (long)i)];
                    return f with { Axes = [.. perm.Select(p => f.Axes[p])] };
                case "Squeeze":
                    f = Trace(n.Input[0], n);
                    var squeezed = Ints(n, 1, "axes")?.Select(a => AxisOf(n, f, a)).ToArray() ?? [.. Enumerable.Range(0, f.Axes.Length).Where(i => f.Axes[i] == Axis.One)];
                    foreach (int a in squeezed)
                        if (f.Axes[a] != Axis.One) Fail($"{Op(n)} squeezes the {Word(f.Axes[a])}s of {What(f)}; only axes of size one can go");
                    return f with { Axes = [.. f.Axes.Where((_, i) => !squeezed.Contains(i))] };
                case "Unsqueeze":
                    f = Trace(n.Input[0], n);
                    var added = Ints(n, 1, "axes") ?? [];
                    var axes = f.Axes.ToList();
                    foreach (long a in added.Select(a => a < 0 ? a + f.Axes.Length + added.Length : a).Order())
                        if (a >= 0 && a <= axes.Count) axes.Insert((int)a, Axis.One);
                        else Fail($"{Op(n)} has axis {a} outside its output's {f.Axes.Length + added.Length}");
                    return f with { Axes = [.. axes] };
                case "Gather" or "Slice":
                    var cuts = Cuts(n);
                    bool keep = n.OpType == "Slice" || initializers[n.Input[1]].Dims.Count > 0;
                    if (Producer(n.Input[0]) is { OpType: "Concat" } concat)
                    {
                        // PyTorch's h[-1] of a stacked network: each layer's Y_h joined on axis 0, then the last taken.
                        f = Trace(concat.Input[^1], concat);
                        if (cuts is not [var c] || c.Start != -1 || c.End < int.MaxValue || c.Step != 1
                            || AxisOf(n, f, c.Axis) != AxisOf(concat, f, Int(concat, "axis", 0)))
                            Fail($"{Op(n)} takes a part of the output of {Op(concat)} other than its last input; Unroll's head reads the last layer's last hidden state");
                    }
                    else f = Trace(n.Input[0], n);
                    foreach (var c in cuts) f = Take(n, f, c, keep);
                    return f;
                case "Reshape":
                    // Only a flatten of the hidden state or the head's output to (batch, width): [-1, width] with 1s around.
                    f = Trace(n.Input[0], n);
                    var shape = Ints(n, 1, "shape") ?? [];
                    var rest = f.Axes.Where(a => a != Axis.One).ToArray();
                    int width = f.Head is null ? hidden : HeadOutputs(f.Head);
                    if (rest is not [Axis.Batch, Axis.Hidden or Axis.Outputs] || shape is not [.., var last] || last != width
                        || shape[..^1].Count(d => d == -1) != 1 || !shape[..^1].All(d => d is 1 or -1))
                        Fail($"{Op(n)} reshapes {What(f)} to [{string.Join(", ", shape)}]; Unroll follows only a flatten to [-1, {width}]");
                    return f with { Axes = [.. shape[..^1].Select(d => d == -1 ? Axis.Batch : Axis.One), rest[1]] };
                case "Gemm":
                    f = Trace(n.Input[0], n);
                    CheckLastHidden(f, n);
                    if (Int(n, "transA", 0) != 0) Fail($"node '{n.Name}': Gemm with transA = 1 is not supported as a head");
                    return f with { Head = n, Axes = [Axis.Batch, Axis.Outputs] };
                case "MatMul":
                    if (!initializers.ContainsKey(n.Input[1])) Fail($"{Op(n)} does not multiply by a constant weight on the right; Unroll's head is MatMul(h, W) with W an initializer, or Gemm");
                    f = Trace(n.Input[0], n);
                    CheckLastHidden(f, n);
                    return f with { Head = n, Axes = [.. f.Axes[..^1], Axis.Outputs] };
                case "Add":
                    int bias = n.Input.IndexOf(n.Input.FirstOrDefault(initializers.ContainsKey) ?? "");
                    if (bias < 0 || n.Input.Count != 2 || Trace(n.Input[1 - bias], n) is not { Head.OpType: "MatMul", Bias: null } product)
                        throw new ModelFileException($"{source}: {Op(n)} is not the bias of a MatMul head (a constant added to MatMul(h, W)); Unroll cannot tell what it adds");
                    return product with { Bias = n };
                default:
                    throw new ModelFileException($"{source}: {Op(n)} lies between the last recurrent layer and the output; Unroll cannot tell what it does to the hidden state");
            }
        }

        // A Gather or Slice on one axis of `f`: the time axis may only lose all steps but the last, the others nothing.
        Flow Take(NodeProto n, Flow f, (long Axis, long Start, long End, long Step) c, bool keep)
        {
            int a = AxisOf(n, f, c.Axis);
            bool all = c.Start == 0 && c.End >= int.MaxValue && c.Step == 1, last = c.Start == -1 && c.End >= int.MaxValue && c.Step == 1;
            bool fine = f.Axes[a] switch
            {
                Axis.One => c.Step == 1 && c.Start is 0 or -1 && c.End >= 1,
                Axis.Time => all || last,
                _ => all,
            };
            if (!fine)
                Fail($"{Op(n)} {(n.OpType == "Gather" ? $"takes {Word(f.Axes[a])} {c.Start}" : $"keeps {Word(f.Axes[a])}s [{Range(c)}]")} of {What(f)}; Unroll's head reads the last layer's last hidden state (Y_h, or Y at step -1)");
            if (f.Axes[a] == Axis.Time && f.Layer.Input.Count > 4 && f.Layer.Input[4].Length > 0)
                Fail($"{Op(n)} takes the last step of {What(f)}, which is zeros for the sequences its sequence_lens makes shorter; Unroll's head reads Y_h, each sequence's own last step");
            var axes = f.Axes.ToList();
            if (!keep) axes.RemoveAt(a);
            else if (last) axes[a] = Axis.One;
            return f with { Axes = [.. axes] };
        }

        void CheckLastHidden(Flow f, NodeProto? reader)
        {
            if (f.Head is { } head) Fail($"{Op(reader)} reads the output of {head.OpType} node '{head.Name}'; Unroll's head is one linear layer");
            if (f.Layer != recurrent[^1]) Fail($"{Op(reader)} reads {What(f)}, layer {recurrent.IndexOf(f.Layer) + 1} of {recurrent.Count}; Unroll's head reads the last layer");
            if (f.Axes.Contains(Axis.Time)) Fail($"{Op(reader)} reads every time step of {What(f)}; Unroll's head reads the last (Y_h, or Y at step -1)");
            if (!f.Axes.Where(a => a != Axis.One).SequenceEqual([Axis.Batch, Axis.Hidden]) || f.Axes[^1] != Axis.Hidden)
                Fail($"{Op(reader)} reads {What(f)} with its axes ordered ({string.Join(", ", f.Axes).ToLowerInvariant()}); Unroll's head reads (batch, hidden)");
        }

        int HeadOutputs(NodeProto head)
        {
            if (!initializers.TryGetValue(head.Input[1], out var w) || w.Dims.Count != 2) Fail($"node '{head.Name}': the head weight '{head.Input[1]}' is not a constant 2-D initializer");
            return (int)(head.OpType == "Gemm" && Int(head, "transB", 0) == 1 ? w!.Dims[0] : w!.Dims[1]);
        }

        int AxisOf(NodeProto n, Flow f, long axis)
        {
            long a = axis < 0 ? axis + f.Axes.Length : axis;
            if (a < 0 || a >= f.Axes.Length) Fail($"{Op(n)} has axis {axis} outside the {f.Axes.Length} of {What(f)}");
            return (int)a;
        }

        // What a Gather or Slice keeps, per axis: [start, end) by step; a Gather's index i is [i, i + 1), -1 the last.
        (long Axis, long Start, long End, long Step)[] Cuts(NodeProto n)
        {
            if (n.OpType == "Gather")
            {
                var index = Ints(n, 1, "indices") ?? [];
                if (index.Length != 1) Fail($"{Op(n)} takes {index.Length} indices at once; Unroll follows one");
                return [(Int(n, "axis", 0), index[0], index[0] == -1 ? long.MaxValue : index[0] + 1, 1)];
            }
            long[] starts = Ints(n, 1, "starts") ?? [], ends = Ints(n, 2, "ends") ?? [];
            var axes = Ints(n, 3, "axes") ?? [.. starts.Select((_, i) => (long)i)];
            var steps = Ints(n, 4, "steps") ?? [.. starts.Select(_ => 1L)];
            if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length) Fail($"{Op(n)} has starts, ends, axes and steps of different lengths");
            return [.. starts.Select((start, i) => (axes[i], start, ends[i], steps[i]))];
        }

        // A node's constant integers: from input `input` where later opsets moved them (Slice 10, Squeeze 13), else the attribute.
        long[]? Ints(NodeProto n, int input, string attribute)
        {
            if (n.Input.Count > input && n.Input[input].Length > 0)
                return initializers.TryGetValue(n.Input[input], out var t) && Longs(t) is { } values ? values
                    : throw new ModelFileException($"{source}: {Op(n)} takes its {attribute} from a computed tensor; Unroll follows only constant ones");
            return n.Attribute.FirstOrDefault(a => a.Name == attribute) is { } found ? [.. found.Ints] : null;
        }

        static long[]? Longs(TensorProto t)
        {
            int size = t.DataType switch { (int)TensorProto.Types.DataType.Int64 => 8, (int)TensorProto.Types.DataType.Int32 => 4, _ => 0 };
            if (size == 0) return null;
            if (!t.HasRawData) return size == 8 ? [.. t.Int64Data] : [.. t.Int32Data.Select(v => (long)v)];
            var raw = t.RawData.Span;
            var values = new long[raw.Length / size];
            for (int i = 0; i < values.Length; i++)
                values[i] = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]) : BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
            return values;
        }

        static string Range((long Axis, long Start, long End, long Step) c)
            => $"{c.Start}:{(c.End >= int.MaxValue ? "" : c.End)}{(c.Step == 1 ? "" : $":{c.Step}")}";

        static string Word(Axis a) => a switch { Axis.Time => "time step", Axis.Batch => "batch row", Axis.Hidden => "hidden unit", Axis.Outputs => "output", _ => "position" };

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
