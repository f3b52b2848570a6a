using System.Numerics;

namespace Unroll.Core;

/// <summary>Built-in example networks.</summary>
public static class Examples
{
    /// <summary>
    /// The classic one-unit ReLU network: <c>x_t = input_t·1.8 + y_(t−1)·(−0.5) + 0</c>, <c>y_t = max(0, x_t)</c>,
    /// <c>output = y·1.1 + 0</c>. With low = 0, medium = 0.5, high = 1 it predicts (low, low) → 0,
    /// (low, medium) → 0.99, (high, medium) → 0, (high, high) → 0.99.
    /// </summary>
    public static RecurrentNetwork<T> StatQuest<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => StatQuest<T>(w1: 1.8, w2: -0.5, w3: 1.1);

    /// <summary>The one-unit ReLU network with the given input weight w1, recurrent weight w2 and output weight w3 (biases 0).</summary>
    public static RecurrentNetwork<T> StatQuest<T>(double w1, double w2, double w3) where T : unmanaged, IFloatingPointIeee754<T>
        => StatQuest<T>(w1, w2, w3, b1: 0, b2: 0);

    /// <summary>
    /// The one-unit ReLU network with every weight and bias given: <c>x_t = input_t·w1 + y_(t−1)·w2 + b1</c>,
    /// <c>y_t = max(0, x_t)</c>, <c>output = y·w3 + b2</c>. The hidden bias b1 is <c>rnn.bias_ih_l0</c>
    /// (<c>rnn.bias_hh_l0</c> stays 0, so the example has one hidden bias); b2 is <c>head.bias</c>.
    /// </summary>
    public static RecurrentNetwork<T> StatQuest<T>(double w1, double w2, double w3, double b1, double b2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = new RecurrentNetwork<T>(new NetworkShape(CellKind.RnnRelu, 1, 1));
        network["rnn.weight_ih_l0"].Value[0] = T.CreateChecked(w1);
        network["rnn.weight_hh_l0"].Value[0] = T.CreateChecked(w2);
        network["rnn.bias_ih_l0"].Value[0] = T.CreateChecked(b1);
        network["head.weight"].Value[0] = T.CreateChecked(w3);
        network["head.bias"].Value[0] = T.CreateChecked(b2);
        return network;
    }
    /// <summary>Company A's prices in the LSTM worked example, low = 0, high = 1: day 5 should be low (0).</summary>
    public static IReadOnlyList<double> CompanyA { get; } = [0, 0.5, 0.25, 1];

    /// <summary>Company B's prices: the same last three days as A, but a high first day; day 5 should be high (1).</summary>
    public static IReadOnlyList<double> CompanyB { get; } = [1, 0.5, 0.25, 1];

    /// <summary>
    /// The classic one-unit LSTM worked example (one input, output = h): only the first day tells company A from B,
    /// so the cell state has to carry it through three steps. Predicts ≈ 0.006 for <see cref="CompanyA"/> and
    /// ≈ 0.969 for <see cref="CompanyB"/>.
    /// </summary>
    /// <remarks>
    /// The gates, as the example names them, in PyTorch's order i, f, g, o (weight on h', weight on x, bias):
    /// <code>
    /// i = σ(2.00·h' + 1.65·x + 0.62)     % of the potential memory to remember
    /// f = σ(2.70·h' + 1.63·x + 1.62)     % of the long-term memory to keep
    /// g = tanh(1.41·h' + 0.94·x − 0.32)  potential long-term memory
    /// o = σ(4.38·h' − 0.19·x + 0.59)     % of the potential short-term memory to output
    /// c = f·c' + i·g,   h = o·tanh(c),   output = 1·h + 0
    /// </code>
    /// The biases are all in <c>b_ih</c>; <c>b_hh</c> is 0.
    /// </remarks>
    public static RecurrentNetwork<T> Lstm<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => OneUnit<T>(CellKind.Lstm,
            weightIh: [1.65, 1.63, 0.94, -0.19], weightHh: [2.00, 2.70, 1.41, 4.38],
            biasIh: [0.62, 1.62, -0.32, 0.59], biasHh: [0, 0, 0, 0], headWeight: 1, headBias: 0);

    /// <summary>
    /// A one-unit GRU that tells <see cref="CompanyA"/> (≈ 0.007) from <see cref="CompanyB"/> (≈ 1.009). There are no
    /// classic numbers for a GRU: these were found by training with this library, <c>RecurrentNetwork.Create(new
    /// NetworkShape(CellKind.Gru, 1, 1), seed: 42)</c>, Adam at learning rate 0.05, mean squared error, 500 full-batch
    /// steps on the two sequences with targets 0 and 1, then rounded to two decimals (still separating them).
    /// </summary>
    /// <remarks>
    /// PyTorch's GRU, gates r, z, n (the reset multiplies the whole hidden term of n):
    /// <code>
    /// r = σ(2.05·x − 1.20 − 5.37·h' − 1.13)
    /// z = σ(−6.03·x + 3.72 + 6.53·h' + 3.17)
    /// n = tanh(−1.54·x − 0.47 + r·(0.94·h' − 1.26))
    /// h = (1 − z)·n + z·h',   output = −1.75·h − 0.59
    /// </code>
    /// </remarks>
    public static RecurrentNetwork<T> Gru<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => OneUnit<T>(CellKind.Gru,
            weightIh: [2.05, -6.03, -1.54], weightHh: [-5.37, 6.53, 0.94],
            biasIh: [-1.20, 3.72, -0.47], biasHh: [-1.13, 3.17, -1.26], headWeight: -1.75, headBias: -0.59);

    private static RecurrentNetwork<T> OneUnit<T>(CellKind cell, double[] weightIh, double[] weightHh, double[] biasIh, double[] biasHh, double headWeight, double headBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = new RecurrentNetwork<T>(new NetworkShape(cell, 1, 1));
        void Set(string name, double[] values)
        {
            var target = network[name].Value;
            for (int k = 0; k < values.Length; k++) target[k] = T.CreateChecked(values[k]);
        }
        Set("rnn.weight_ih_l0", weightIh);
        Set("rnn.weight_hh_l0", weightHh);
        Set("rnn.bias_ih_l0", biasIh);
        Set("rnn.bias_hh_l0", biasHh);
        Set("head.weight", [headWeight]);
        Set("head.bias", [headBias]);
        return network;
    }
}
