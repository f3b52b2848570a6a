namespace Unroll.Core;

/// <summary>The recurrent cell a network is built from.</summary>
public enum CellKind
{
    /// <summary>Elman RNN with ReLU: <c>h = max(0, W_ih·x + b_ih + W_hh·h' + b_hh)</c>.</summary>
    RnnRelu,
    /// <summary>Elman RNN with tanh: <c>h = tanh(W_ih·x + b_ih + W_hh·h' + b_hh)</c>.</summary>
    RnnTanh,
    /// <summary>Long short-term memory, PyTorch's gate order i, f, g, o.</summary>
    Lstm,
    /// <summary>Gated recurrent unit, PyTorch's gate order r, z, n.</summary>
    Gru,
}

/// <summary>Names and sizes of the cell kinds at the file and command-line boundary.</summary>
public static class CellKinds
{
    /// <summary>The names: rnn_relu, rnn_tanh, lstm, gru (read also as rnn-relu, rnn-tanh, and rnn for rnn_tanh, PyTorch's default).</summary>
    public static NameTable<CellKind> Table { get; } = new(
        (CellKind.RnnRelu, "rnn_relu", ["rnn-relu"]),
        (CellKind.RnnTanh, "rnn_tanh", ["rnn-tanh", "rnn"]),
        (CellKind.Lstm, "lstm", []),
        (CellKind.Gru, "gru", []));

    /// <summary>All canonical names, in enum order.</summary>
    public static IReadOnlyList<string> Names => Table.Names;

    /// <summary>G, the number of gate blocks of H rows in <c>weight_ih</c>: 1 (RNN), 4 (LSTM), 3 (GRU).</summary>
    public static int GateCount(this CellKind kind) => kind switch
    {
        CellKind.RnnRelu or CellKind.RnnTanh => 1,
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The file-format name: rnn_relu, rnn_tanh, lstm or gru.</summary>
    public static string ToName(this CellKind kind) => Table.Name(kind);

    /// <summary>Parses a file-format name; throws <see cref="FormatException"/> naming the accepted ones.</summary>
    public static CellKind Parse(string name) => Table.Parse(name, "cell");

    /// <summary>Parses a file-format name (case-insensitive); false when unknown.</summary>
    public static bool TryParse(string? name, out CellKind kind) => Table.TryParse(name, out kind);
}
