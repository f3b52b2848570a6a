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
}
