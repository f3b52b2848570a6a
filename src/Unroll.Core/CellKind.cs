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
    /// <summary>All names accepted by <see cref="Parse"/>, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["rnn_relu", "rnn_tanh", "lstm", "gru"];

    /// <summary>G, the number of gate blocks of H rows in <c>weight_ih</c>: 1 (RNN), 4 (LSTM), 3 (GRU).</summary>
    public static int GateCount(this CellKind kind) => kind switch
    {
        CellKind.RnnRelu or CellKind.RnnTanh => 1,
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The file-format name: rnn_relu, rnn_tanh, lstm or gru.</summary>
    public static string ToName(this CellKind kind) => Names[(int)kind];

    /// <summary>Parses a file-format name; throws <see cref="FormatException"/> naming the accepted ones.</summary>
    public static CellKind Parse(string name)
    {
        if (TryParse(name, out var kind)) return kind;
        throw new FormatException($"unknown cell '{name}': expected one of {string.Join(", ", Names)}");
    }

    /// <summary>Parses a file-format name (case-insensitive, '-' accepted for '_'); false when unknown.</summary>
    public static bool TryParse(string? name, out CellKind kind)
    {
        var normalized = name?.Trim().ToLowerInvariant().Replace('-', '_');
        int index = normalized is null ? -1 : Names.ToList().IndexOf(normalized);
        if (normalized == "rnn") index = 1;
        kind = index < 0 ? default : (CellKind)index;
        return index >= 0;
    }
}
