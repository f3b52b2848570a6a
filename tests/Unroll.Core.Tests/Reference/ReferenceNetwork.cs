// The one-screen reference: each cell's equations as plain double loops over one sequence at a time,
// written straight from PyTorch's documentation, sharing no code with the engine. Forward only: the
// engine's gradients are checked against finite differences of the engine and against PyTorch.
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

    private static double Sig(double x) => 1 / (1 + Math.Exp(-x));
}
