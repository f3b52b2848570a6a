namespace Unroll.Core;

/// <summary>The recurrent cell a network is built from.</summary>
/// <remarks>
/// Every cell reads the step's input x (I values, or the layer below's h) and the previous hidden state h' (H values,
/// zero or the given initial state at the first step). Its weights are stacked in G gate blocks of H rows, in PyTorch's
/// order and names: <c>rnn.weight_ih_l{k}</c> (G·H × I) holds W_i· for every gate, <c>rnn.weight_hh_l{k}</c> (G·H × H)
/// W_h·, and the biases b_i·, b_h· (G·H each). σ is the logistic function 1 / (1 + e^(−x)); ⊙ multiplies unit by unit.
/// The gradients follow from these equations by the chain rule through time; the plain reference that the engine is
/// tested against (forward and backward) is tests/Unroll.Core.Tests/Reference/ReferenceNetwork.cs.
/// </remarks>
public enum CellKind
{
    /// <summary>Elman RNN with ReLU: <c>h = max(0, W_ih·x + b_ih + W_hh·h' + b_hh)</c> (G = 1).</summary>
    /// <remarks>Backward: <c>da = dh ⊙ [h &gt; 0]</c>, and da flows to W_ih, W_hh, both biases, x and h'.</remarks>
    RnnRelu,
    /// <summary>Elman RNN with tanh: <c>h = tanh(W_ih·x + b_ih + W_hh·h' + b_hh)</c> (G = 1).</summary>
    /// <remarks>Backward: <c>da = dh ⊙ (1 − h²)</c>, and da flows to W_ih, W_hh, both biases, x and h'.</remarks>
    RnnTanh,
    /// <summary>Long short-term memory, PyTorch's gate order i, f, g, o (G = 4), with a cell state c beside h.</summary>
    /// <remarks>
    /// <code>
    /// i = σ(W_ii·x + b_ii + W_hi·h' + b_hi)      input gate
    /// f = σ(W_if·x + b_if + W_hf·h' + b_hf)      forget gate
    /// g = tanh(W_ig·x + b_ig + W_hg·h' + b_hg)   candidate
    /// o = σ(W_io·x + b_io + W_ho·h' + b_ho)      output gate
    /// c = f ⊙ c' + i ⊙ g
    /// h = o ⊙ tanh(c)
    /// </code>
    /// Backward, with dc carried from the next step: <c>dc += dh ⊙ o ⊙ (1 − tanh²c)</c>, <c>do = dh ⊙ tanh(c)</c>,
    /// <c>di = dc ⊙ g</c>, <c>df = dc ⊙ c'</c>, <c>dg = dc ⊙ i</c>, <c>dc' = dc ⊙ f</c>; through the activations with
    /// σ' = σ(1 − σ) and tanh' = 1 − tanh². Rows of the weights: [W_i | W_f | W_g | W_o].
    /// </remarks>
    Lstm,
    /// <summary>Gated recurrent unit, PyTorch's gate order r, z, n (G = 3).</summary>
    /// <remarks>
    /// <code>
    /// r = σ(W_ir·x + b_ir + W_hr·h' + b_hr)              reset gate
    /// z = σ(W_iz·x + b_iz + W_hz·h' + b_hz)              update gate
    /// n = tanh(W_in·x + b_in + r ⊙ (W_hn·h' + b_hn))     candidate: the reset multiplies the whole hidden term
    /// h = (1 − z) ⊙ n + z ⊙ h'
    /// </code>
    /// Backward: <c>dn = dh ⊙ (1 − z)</c>, <c>dz = dh ⊙ (h' − n)</c>, <c>dh' += dh ⊙ z</c>; the input half of n gets
    /// <c>dn ⊙ (1 − n²)</c>, the hidden half that times r, and <c>dr = dn ⊙ (1 − n²) ⊙ (W_hn·h' + b_hn)</c>.
    /// Rows of the weights: [W_r | W_z | W_n].
    /// </remarks>
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
