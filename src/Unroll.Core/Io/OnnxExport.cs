// Glossary: B batch, T longest length, I inputs, H hidden, G gates (1 RNN, 4 LSTM, 3 GRU), O outputs, L layers.
// The graph, for every network:
//   input (B × T × I) ──Transpose[1,0,2]──> x0 (T × B × I)
//   layer k: RNN | LSTM | GRU (x_k, W_k, R_k, B_k, sequence_lens = lengths) ──> Y_k (T × 1 × B × H), Y_h_k (1 × B × H)
//            Y_k ──Squeeze(axis 1)──> x_{k+1} (T × B × H)           (feeds the next layer)
//   Y_h_{L−1} ──Squeeze(axis 0)──> last (B × H) ──Gemm(head.weight, head.bias, transB = 1)──> prediction (B × O)
// With sequence_lens, Y_h is the hidden state at each sequence's own last step and Y is zero past it (ONNX spec,
// RNN/LSTM/GRU), so padding never reaches the head or the layer above.
using System.Numerics;
using Google.Protobuf;
using Unroll.Core.Io.Onnx;

namespace Unroll.Core.Io;

/// <summary>What <see cref="OnnxExport"/> writes besides the network.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest opset this build writes; also the default.</summary>
    public const int MinOpset = 14;

    /// <summary>The highest opset this build writes.</summary>
    public const int MaxOpset = 21;

    /// <summary>The ONNX default-domain opset to write: <see cref="MinOpset"/> to <see cref="MaxOpset"/> (14 by default).</summary>
    public int Opset { get; init; } = MinOpset;

    /// <summary>String pairs stored in the model's <c>metadata_props</c> (e.g. a forecaster's pre- and post-processing).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <summary>
/// Writes a network as an ONNX model: one standard <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> operator per layer, with
/// <c>sequence_lens</c> for sequences of different lengths, and the linear head (<c>Gemm</c>) on each sequence's
/// last valid step. Graph inputs: <c>input</c> (float32, [batch, time, features], zero-padded) and <c>lengths</c>
/// (int32, [batch]); output <c>prediction</c> (float32, [batch, outputs]); batch and time are dynamic.
/// </summary>
/// <remarks>
/// Gate blocks are converted from PyTorch's order to ONNX's: LSTM i, f, g, o → i, o, f, c; GRU r, z, n → z, r, h with
/// <c>linear_before_reset = 1</c> (PyTorch's GRU: the reset multiplies W_hn·h + b_hn). ONNX's <c>W</c> is
/// [1, G·H, in], <c>R</c> [1, G·H, H], <c>B</c> [1, 2·G·H] (the input biases, then the hidden ones). Weights are
/// stored as float32 whatever the network's precision.
/// </remarks>
public static class OnnxExport
{
    /// <summary>The IR version each opset needs (ONNX's versioning table: 14 → 7, 15–18 → 8, 19–20 → 9, 21 → 10).</summary>
    public static long IrVersion(int opset) => opset switch
    {
        14 => 7,
        >= 15 and <= 18 => 8,
        19 or 20 => 9,
        21 => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(opset), opset, UnsupportedOpset(opset)),
    };

    /// <summary>The message for an opset this build does not write, naming the ones it does.</summary>
    public static string UnsupportedOpset(int opset)
        => $"opset {opset} is not supported: Unroll writes opsets {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset} ({nameof(OnnxExportOptions)}.{nameof(OnnxExportOptions.Opset)})";

    /// <summary>Writes the model atomically (see <see cref="AtomicFile"/>).</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <param name="options">Opset and metadata (defaults: opset 14, no metadata).</param>
    /// <exception cref="ArgumentOutOfRangeException">The opset is outside <see cref="OnnxExportOptions.MinOpset"/> to <see cref="OnnxExportOptions.MaxOpset"/>.</exception>
    public static void Save<T>(RecurrentNetwork<T> network, string path, OnnxExportOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(network, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The serialized ONNX model (what <see cref="Save{T}"/> writes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The opset is outside <see cref="OnnxExportOptions.MinOpset"/> to <see cref="OnnxExportOptions.MaxOpset"/>.</exception>
    public static byte[] ToBytes<T>(RecurrentNetwork<T> network, OnnxExportOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Build(network, options ?? new OnnxExportOptions()).ToByteArray();

    /// <summary>PyTorch's gate block at each ONNX position: LSTM [i, o, f, c] ← [i, f, g, o]; GRU [z, r, h] ← [r, z, n].</summary>
    internal static int[] GateOrder(CellKind cell) => cell switch
    {
        CellKind.Lstm => [0, 3, 1, 2],
        CellKind.Gru => [1, 0, 2],
        _ => [0],
    };

    internal static ModelProto Build<T>(RecurrentNetwork<T> network, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        long ir = IrVersion(options.Opset);
        var shape = network.Shape;
        int h = shape.HiddenSize;
        var graph = new GraphProto { Name = "unroll_" + shape.Cell.ToName() };
        graph.Input.Add(TensorValue("input", TensorProto.Types.DataType.Float, Dim("batch"), Dim("time"), Dim(shape.InputSize)));
        graph.Input.Add(TensorValue("lengths", TensorProto.Types.DataType.Int32, Dim("batch")));
        graph.Output.Add(TensorValue("prediction", TensorProto.Types.DataType.Float, Dim("batch"), Dim(shape.OutputSize)));

        graph.Node.Add(Node("Transpose", "to_time_major", ["input"], ["x_l0"], Ints("perm", 1, 0, 2)));
        graph.Initializer.Add(Int64Tensor("axis_0", 0));
        if (shape.Layers > 1) graph.Initializer.Add(Int64Tensor("axis_1", 1)); // squeezes between layers only: no unused initializer
        string op = shape.Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" };
        var order = GateOrder(shape.Cell);
        int gates = shape.Cell.GateCount();
        for (int l = 0; l < shape.Layers; l++)
        {
            int inputs = shape.LayerInputSize(l);
            var wih = network[$"rnn.weight_ih_l{l}"].Value;
            var whh = network[$"rnn.weight_hh_l{l}"].Value;
            var bih = network[$"rnn.bias_ih_l{l}"].Value;
            var bhh = network[$"rnn.bias_hh_l{l}"].Value;
            graph.Initializer.Add(FloatTensor($"W_l{l}", Reorder(wih, order, h * inputs), 1, gates * h, inputs));
            graph.Initializer.Add(FloatTensor($"R_l{l}", Reorder(whh, order, h * h), 1, gates * h, h));
            graph.Initializer.Add(FloatTensor($"B_l{l}", [.. Reorder(bih, order, h), .. Reorder(bhh, order, h)], 1, 2 * gates * h));
            var attributes = new List<AttributeProto> { Int("hidden_size", h) };
            if (shape.Cell == CellKind.RnnRelu) attributes.Add(Strings("activations", "Relu"));
            if (shape.Cell == CellKind.RnnTanh) attributes.Add(Strings("activations", "Tanh"));
            if (shape.Cell == CellKind.Gru) attributes.Add(Int("linear_before_reset", 1));
            graph.Node.Add(Node(op, $"{op.ToLowerInvariant()}_l{l}",
                [$"x_l{l}", $"W_l{l}", $"R_l{l}", $"B_l{l}", "lengths"], [$"Y_l{l}", $"Y_h_l{l}"], [.. attributes]));
            if (l + 1 < shape.Layers)
                graph.Node.Add(Node("Squeeze", $"squeeze_Y_l{l}", [$"Y_l{l}", "axis_1"], [$"x_l{l + 1}"]));
        }
        int last = shape.Layers - 1;
        graph.Node.Add(Node("Squeeze", "squeeze_last", [$"Y_h_l{last}", "axis_0"], ["last_hidden"]));
        graph.Initializer.Add(FloatTensor("head.weight", Floats(network["head.weight"].Value), shape.OutputSize, h));
        graph.Initializer.Add(FloatTensor("head.bias", Floats(network["head.bias"].Value), shape.OutputSize));
        graph.Node.Add(Node("Gemm", "head", ["last_hidden", "head.weight", "head.bias"], ["prediction"], Int("transB", 1)));

        var model = new ModelProto
        {
            IrVersion = ir,
            ProducerName = "unroll",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "unroll.cell", Value = shape.Cell.ToName() });
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
            if (key != "unroll.cell") model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;

        static float[] Floats(T[] values) => values.Select(float.CreateChecked).ToArray();

        // Moves whole gate blocks of `block` values from PyTorch's order to ONNX's.
        static float[] Reorder(T[] values, int[] order, int block)
        {
            var result = new float[values.Length];
            for (int g = 0; g < order.Length; g++)
                for (int i = 0; i < block; i++)
                    result[g * block + i] = float.CreateChecked(values[order[g] * block + i]);
            return result;
        }
    }

    private static TensorShapeProto.Types.Dimension Dim(string name) => new() { DimParam = name };

    private static TensorShapeProto.Types.Dimension Dim(int size) => new() { DimValue = size };

    private static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, params TensorShapeProto.Types.Dimension[] dims)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private static TensorProto FloatTensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        // raw_data is little-endian by the spec.
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto Int64Tensor(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        return tensor;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name, Domain = "" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.Add(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }
}
