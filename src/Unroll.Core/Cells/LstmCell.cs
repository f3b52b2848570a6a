// Glossary: b rows (sequences running at this step), H hidden units; gate rows are [i | f | g | o], each H wide.
using System.Diagnostics;
using System.Numerics;
using static Unroll.Core.Cells.Activations;

namespace Unroll.Core.Cells;

/// <summary>The LSTM step with PyTorch's equations and gate order (i, f, g, o), forward and backward side by side.</summary>
/// <remarks>
/// <code>
/// i = σ(W_ii·x + b_ii + W_hi·h' + b_hi)     f = σ(W_if·x + b_if + W_hf·h' + b_hf)
/// g = tanh(W_ig·x + b_ig + W_hg·h' + b_hg)  o = σ(W_io·x + b_io + W_ho·h' + b_ho)
/// c = f ⊙ c' + i ⊙ g                        h = o ⊙ tanh(c)
/// </code>
/// Backward, with dc carried from the next step: <c>do = dh ⊙ tanh(c)</c>, <c>dc += dh ⊙ o ⊙ (1 − tanh²c)</c>,
/// <c>di = dc ⊙ g</c>, <c>df = dc ⊙ c'</c>, <c>dg = dc ⊙ i</c>, <c>dc' = dc ⊙ f</c>; then through the activations:
/// σ' = s(1 − s), tanh' = 1 − t². The forward caches the activated gates and c; tanh(c) is recomputed.
/// </remarks>
internal static class LstmCell
{
    /// <summary>Activates <paramref name="gates"/> (b × 4H) in place and computes c and h (b × H).</summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = h.Length / hidden;
        Debug.Assert(gates.Length == rows * 4 * hidden && cPrev.Length == c.Length && c.Length == h.Length);
        for (int r = 0; r < rows; r++)
        {
            var gi = gates.Slice(r * 4 * hidden, hidden);
            var gf = gates.Slice(r * 4 * hidden + hidden, hidden);
            var gg = gates.Slice(r * 4 * hidden + 2 * hidden, hidden);
            var go = gates.Slice(r * 4 * hidden + 3 * hidden, hidden);
            var cp = cPrev.Slice(r * hidden, hidden);
            var cr = c.Slice(r * hidden, hidden);
            var hr = h.Slice(r * hidden, hidden);
            for (int u = 0; u < hidden; u++)
            {
                T i = Sigmoid(gi[u]), f = Sigmoid(gf[u]), g = T.Tanh(gg[u]), o = Sigmoid(go[u]);
                gi[u] = i; gf[u] = f; gg[u] = g; go[u] = o;
                T cu = f * cp[u] + i * g;
                cr[u] = cu;
                hr[u] = o * T.Tanh(cu);
            }
        }
    }

    /// <summary>
    /// From dh and the carried dc (b × H), computes the pre-activation gradients (b × 4H) and dc' (b × H, may alias dc).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dc, Span<T> dGates, Span<T> dcPrev, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = dh.Length / hidden;
        Debug.Assert(gates.Length == dGates.Length && dc.Length == dcPrev.Length && c.Length == dh.Length);
        for (int r = 0; r < rows; r++)
        {
            int g0 = r * 4 * hidden, h0 = r * hidden;
            for (int u = 0; u < hidden; u++)
            {
                T i = gates[g0 + u], f = gates[g0 + hidden + u], g = gates[g0 + 2 * hidden + u], o = gates[g0 + 3 * hidden + u];
                T tc = T.Tanh(c[h0 + u]);
                T dhu = dh[h0 + u];
                T dcu = dc[h0 + u] + dhu * o * (T.One - tc * tc);
                T di = dcu * g, df = dcu * cPrev[h0 + u], dg = dcu * i, dO = dhu * tc;
                dGates[g0 + u] = di * i * (T.One - i);
                dGates[g0 + hidden + u] = df * f * (T.One - f);
                dGates[g0 + 2 * hidden + u] = dg * (T.One - g * g);
                dGates[g0 + 3 * hidden + u] = dO * o * (T.One - o);
                dcPrev[h0 + u] = dcu * f;
            }
        }
    }
}
