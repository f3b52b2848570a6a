// The one-screen reference: each cell's equations as plain double loops over one sequence at a time, written
// straight from PyTorch's documentation, sharing no code with the engine. Forward (Predict), and backpropagation
// through time (Gradients) from the same equations differentiated by hand, unit by unit and step by step.
// Linked from each cell file (src/Unroll.Core/Cells); ReferenceTests holds the engine to it.
namespace Unroll.Core.Tests.Reference;

public static class ReferenceNetwork
{
    /// <summary>The head's output after the last step of one sequence; parameters by PyTorch name.</summary>
    public static double[] Predict(NetworkShape s, Func<string, double[]> p, IReadOnlyList<double[]> steps)
    {
        int H = s.HiddenSize;
        var h = new double[s.Layers][];
        var c = new double[s.Layers][];
        for (int l = 0; l < s.Layers; l++) { h[l] = new double[H]; c[l] = new double[H]; }
        foreach (var x0 in steps)
        {
            var x = x0;
            for (int l = 0; l < s.Layers; l++)
            {
                double[] wih = p($"rnn.weight_ih_l{l}"), whh = p($"rnn.weight_hh_l{l}"), bih = p($"rnn.bias_ih_l{l}"), bhh = p($"rnn.bias_hh_l{l}");
                int I = x.Length;
                double Gi(int row) { double a = bih[row]; for (int k = 0; k < I; k++) a += wih[row * I + k] * x[k]; return a; }
                double Gh(int row) { double a = bhh[row]; for (int k = 0; k < H; k++) a += whh[row * H + k] * h[l][k]; return a; }
                var next = new double[H];
                var nextC = new double[H];
                for (int u = 0; u < H; u++)
                {
                    switch (s.Cell)
                    {
                        case CellKind.RnnRelu: next[u] = Math.Max(0, Gi(u) + Gh(u)); break;
                        case CellKind.RnnTanh: next[u] = Math.Tanh(Gi(u) + Gh(u)); break;
                        case CellKind.Lstm:
                            double i = Sig(Gi(u) + Gh(u)), f = Sig(Gi(H + u) + Gh(H + u));
                            double g = Math.Tanh(Gi(2 * H + u) + Gh(2 * H + u)), o = Sig(Gi(3 * H + u) + Gh(3 * H + u));
                            nextC[u] = f * c[l][u] + i * g;
                            next[u] = o * Math.Tanh(nextC[u]);
                            break;
                        case CellKind.Gru:
                            double r = Sig(Gi(u) + Gh(u)), z = Sig(Gi(H + u) + Gh(H + u));
                            double n = Math.Tanh(Gi(2 * H + u) + r * Gh(2 * H + u));
                            next[u] = (1 - z) * n + z * h[l][u];
                            break;
                    }
                }
                h[l] = next;
                c[l] = nextC;
                x = next;
            }
        }
        double[] w = p("head.weight"), b = p("head.bias");
        var y = new double[s.OutputSize];
        for (int o = 0; o < y.Length; o++)
        {
            y[o] = b[o];
            for (int k = 0; k < H; k++) y[o] += w[o * H + k] * h[^1][k];
        }
        return y;
    }

    /// <summary>
    /// dLoss/dparameter (by PyTorch name) and dLoss/dx of every step (steps × I) for one sequence, given
    /// dLoss/dy (<paramref name="dy"/>, O) of the head's output after its last step: full BPTT.
    /// </summary>
    public static (Dictionary<string, double[]> Gradients, double[][] InputGradient) Gradients(
        NetworkShape s, Func<string, double[]> p, IReadOnlyList<double[]> steps, double[] dy)
    {
        int H = s.HiddenSize, L = s.Layers, T = steps.Count, G = s.Cell.GateCount();
        var grads = new Dictionary<string, double[]>();
        foreach (var name in new[] { "head.weight", "head.bias" }) grads[name] = new double[p(name).Length];
        for (int l = 0; l < L; l++)
            foreach (var kind in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
                grads[$"rnn.{kind}_l{l}"] = new double[p($"rnn.{kind}_l{l}").Length];

        // Forward, keeping per layer and step: the input x, h' and c', the two affine halves Ai = W_ih·x + b_ih and
        // Ah = W_hh·h' + b_hh (G·H each), and the new h and c.
        var x = new double[L][][]; var hPrev = new double[L][][]; var cPrev = new double[L][][];
        var ai = new double[L][][]; var ah = new double[L][][]; var hs = new double[L][][]; var cs = new double[L][][];
        for (int l = 0; l < L; l++)
        {
            (x[l], hPrev[l], cPrev[l], ai[l], ah[l], hs[l], cs[l]) = (new double[T][], new double[T][], new double[T][], new double[T][], new double[T][], new double[T][], new double[T][]);
            double[] wih = p($"rnn.weight_ih_l{l}"), whh = p($"rnn.weight_hh_l{l}"), bih = p($"rnn.bias_ih_l{l}"), bhh = p($"rnn.bias_hh_l{l}");
            for (int t = 0; t < T; t++)
            {
                x[l][t] = l == 0 ? steps[t] : hs[l - 1][t];
                hPrev[l][t] = t == 0 ? new double[H] : hs[l][t - 1];
                cPrev[l][t] = t == 0 ? new double[H] : cs[l][t - 1];
                ai[l][t] = Affine(wih, bih, x[l][t], G * H);
                ah[l][t] = Affine(whh, bhh, hPrev[l][t], G * H);
                (hs[l][t], cs[l][t]) = (new double[H], new double[H]);
                for (int u = 0; u < H; u++)
                {
                    double A(int gate) => ai[l][t][gate * H + u] + ah[l][t][gate * H + u];
                    switch (s.Cell)
                    {
                        case CellKind.RnnRelu: hs[l][t][u] = Math.Max(0, A(0)); break;
                        case CellKind.RnnTanh: hs[l][t][u] = Math.Tanh(A(0)); break;
                        case CellKind.Lstm:
                            cs[l][t][u] = Sig(A(1)) * cPrev[l][t][u] + Sig(A(0)) * Math.Tanh(A(2));
                            hs[l][t][u] = Sig(A(3)) * Math.Tanh(cs[l][t][u]);
                            break;
                        case CellKind.Gru:
                            double r = Sig(A(0)), z = Sig(A(1)), n = Math.Tanh(ai[l][t][2 * H + u] + r * ah[l][t][2 * H + u]);
                            hs[l][t][u] = (1 - z) * n + z * hPrev[l][t][u];
                            break;
                    }
                }
            }
        }

        // Head: y = W·h_T + b.   dW += dy·h_Tᵀ, db += dy, dh_T = Wᵀ·dy.
        double[] hw = p("head.weight"), hLast = hs[L - 1][T - 1];
        var dhTop = new double[H];
        for (int o = 0; o < s.OutputSize; o++)
        {
            grads["head.bias"][o] += dy[o];
            for (int k = 0; k < H; k++) { grads["head.weight"][o * H + k] += dy[o] * hLast[k]; dhTop[k] += hw[o * H + k] * dy[o]; }
        }

        // Layers from the top; in each, steps from the last. dFromAbove[t] is dLoss/dh_t through the layer above (or the head).
        var dFromAbove = new double[T][];
        for (int t = 0; t < T; t++) dFromAbove[t] = t == T - 1 ? dhTop : new double[H];
        for (int l = L - 1; l >= 0; l--)
        {
            double[] wih = p($"rnn.weight_ih_l{l}"), whh = p($"rnn.weight_hh_l{l}");
            double[] dWih = grads[$"rnn.weight_ih_l{l}"], dWhh = grads[$"rnn.weight_hh_l{l}"], dbih = grads[$"rnn.bias_ih_l{l}"], dbhh = grads[$"rnn.bias_hh_l{l}"];
            int I = x[l][0].Length;
            var dx = new double[T][];
            double[] dhCarry = new double[H], dcCarry = new double[H];
            for (int t = T - 1; t >= 0; t--)
            {
                double[] dAi = new double[G * H], dAh = new double[G * H], dhPrev = new double[H], dcPrev = new double[H];
                for (int u = 0; u < H; u++)
                {
                    double dh = dFromAbove[t][u] + dhCarry[u];
                    double A(int gate) => ai[l][t][gate * H + u] + ah[l][t][gate * H + u];
                    switch (s.Cell)
                    {
                        case CellKind.RnnRelu: dAi[u] = dAh[u] = A(0) > 0 ? dh : 0; break;
                        case CellKind.RnnTanh: dAi[u] = dAh[u] = dh * (1 - Math.Pow(Math.Tanh(A(0)), 2)); break;
                        case CellKind.Lstm:
                        {
                            double i = Sig(A(0)), f = Sig(A(1)), g = Math.Tanh(A(2)), o = Sig(A(3)), tc = Math.Tanh(cs[l][t][u]);
                            double dc = dcCarry[u] + dh * o * (1 - tc * tc);      // c feeds h = o·tanh(c) and c_(t+1)
                            double[] d = [dc * g * i * (1 - i), dc * cPrev[l][t][u] * f * (1 - f), dc * i * (1 - g * g), dh * tc * o * (1 - o)];
                            for (int k = 0; k < 4; k++) dAi[k * H + u] = dAh[k * H + u] = d[k];
                            dcPrev[u] = dc * f;
                            break;
                        }
                        case CellKind.Gru:
                        {
                            double r = Sig(A(0)), z = Sig(A(1)), hn = ah[l][t][2 * H + u], n = Math.Tanh(ai[l][t][2 * H + u] + r * hn);
                            double dn = dh * (1 - z), dz = dh * (hPrev[l][t][u] - n), dAn = dn * (1 - n * n);
                            dAi[u] = dAh[u] = dAn * hn * r * (1 - r);             // r multiplies hn inside n
                            dAi[H + u] = dAh[H + u] = dz * z * (1 - z);
                            dAi[2 * H + u] = dAn;                                  // W_in·x + b_in enters n directly
                            dAh[2 * H + u] = dAn * r;                              // W_hn·h' + b_hn enters through r
                            dhPrev[u] += dh * z;                                   // h = … + z·h'
                            break;
                        }
                    }
                }
                // Ai = W_ih·x + b_ih and Ah = W_hh·h' + b_hh: their weights, biases and inputs.
                dx[t] = new double[I];
                for (int row = 0; row < G * H; row++)
                {
                    dbih[row] += dAi[row];
                    dbhh[row] += dAh[row];
                    for (int k = 0; k < I; k++) { dWih[row * I + k] += dAi[row] * x[l][t][k]; dx[t][k] += wih[row * I + k] * dAi[row]; }
                    for (int k = 0; k < H; k++) { dWhh[row * H + k] += dAh[row] * hPrev[l][t][k]; dhPrev[k] += whh[row * H + k] * dAh[row]; }
                }
                (dhCarry, dcCarry) = (dhPrev, dcPrev);
            }
            dFromAbove = dx;
        }
        return (grads, dFromAbove);
    }

    private static double[] Affine(double[] weight, double[] bias, double[] v, int rows)
    {
        var result = new double[rows];
        for (int row = 0; row < rows; row++)
        {
            result[row] = bias[row];
            for (int k = 0; k < v.Length; k++) result[row] += weight[row * v.Length + k] * v[k];
        }
        return result;
    }

    private static double Sig(double x) => 1 / (1 + Math.Exp(-x));
}
