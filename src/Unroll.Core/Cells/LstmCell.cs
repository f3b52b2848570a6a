// Glossary: b rows (sequences running at this step), H hidden units; gate rows are [i | f | g | o], each H wide.
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        if (typeof(T) == typeof(float))
        {
            ForwardFloat(MemoryMarshal.Cast<T, float>(gates), MemoryMarshal.Cast<T, float>(cPrev),
                MemoryMarshal.Cast<T, float>(c), MemoryMarshal.Cast<T, float>(h), hidden);
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            var row = gates.Slice(r * 4 * hidden, 4 * hidden);
            var ifGates = row[..(2 * hidden)];
            var g = row.Slice(2 * hidden, hidden);
            var o = row.Slice(3 * hidden, hidden);
            TensorPrimitives.Sigmoid(ifGates, ifGates);
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);
            var cr = c.Slice(r * hidden, hidden);
            var hr = h.Slice(r * hidden, hidden);
            TensorPrimitives.Multiply(row.Slice(hidden, hidden), cPrev.Slice(r * hidden, hidden), cr);   // f ⊙ c'
            TensorPrimitives.FusedMultiplyAdd(row[..hidden], g, cr, cr);                                   // + i ⊙ g
            TensorPrimitives.Tanh(cr, hr);
            TensorPrimitives.Multiply(hr, o, hr);                                                           // o ⊙ tanh(c)
        }
    }

    /// <summary>The float path: every gate, c and h in one pass over each row, vectorised.</summary>
    private static void ForwardFloat(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden)
    {
        int rows = h.Length / hidden, width = Vector<float>.Count;
        for (int r = 0; r < rows; r++)
        {
            var gi = gates.Slice(r * 4 * hidden, hidden);
            var gf = gates.Slice(r * 4 * hidden + hidden, hidden);
            var gg = gates.Slice(r * 4 * hidden + 2 * hidden, hidden);
            var go = gates.Slice(r * 4 * hidden + 3 * hidden, hidden);
            var cp = cPrev.Slice(r * hidden, hidden);
            var cr = c.Slice(r * hidden, hidden);
            var hr = h.Slice(r * hidden, hidden);
            int u = 0;
            if (FastMath.UseVector512)
            {
                for (; u <= hidden - 16; u += 16)
                {
                    var i = FastMath.Sigmoid(Vector512.Create(gi[u..]));
                    var f = FastMath.Sigmoid(Vector512.Create(gf[u..]));
                    var g = FastMath.Tanh(Vector512.Create(gg[u..]));
                    var o = FastMath.Sigmoid(Vector512.Create(go[u..]));
                    var cu = f * Vector512.Create(cp[u..]) + i * g;
                    i.CopyTo(gi[u..]); f.CopyTo(gf[u..]); g.CopyTo(gg[u..]); o.CopyTo(go[u..]);
                    cu.CopyTo(cr[u..]);
                    (o * FastMath.Tanh(cu)).CopyTo(hr[u..]);
                }
            }
            for (; u <= hidden - width; u += width)
            {
                var i = FastMath.Sigmoid(new Vector<float>(gi[u..]));
                var f = FastMath.Sigmoid(new Vector<float>(gf[u..]));
                var g = FastMath.Tanh(new Vector<float>(gg[u..]));
                var o = FastMath.Sigmoid(new Vector<float>(go[u..]));
                var cu = f * new Vector<float>(cp[u..]) + i * g;
                i.CopyTo(gi[u..]); f.CopyTo(gf[u..]); g.CopyTo(gg[u..]); o.CopyTo(go[u..]);
                cu.CopyTo(cr[u..]);
                (o * FastMath.Tanh(cu)).CopyTo(hr[u..]);
            }
            for (; u < hidden; u++)
            {
                float i = FastMath.Sigmoid(gi[u]), f = FastMath.Sigmoid(gf[u]), g = FastMath.Tanh(gg[u]), o = FastMath.Sigmoid(go[u]);
                gi[u] = i; gf[u] = f; gg[u] = g; go[u] = o;
                float cu = f * cp[u] + i * g;
                cr[u] = cu;
                hr[u] = o * FastMath.Tanh(cu);
            }
        }
    }

    /// <summary>
    /// From dh and the carried dc (b × H), computes the pre-activation gradients (b × 4H) and dc' (b × H, may alias dc).
    /// <paramref name="dGates"/> may alias <paramref name="gates"/>: each unit's gates are read before its gradients are written.
    /// <paramref name="scratch"/> holds H values.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dc, Span<T> dGates, Span<T> dcPrev, Span<T> scratch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = dh.Length / hidden;
        Debug.Assert(gates.Length == dGates.Length && dc.Length == dcPrev.Length && c.Length == dh.Length && scratch.Length >= hidden);
        var tc = scratch[..hidden];
        for (int r = 0; r < rows; r++)
        {
            int g0 = r * 4 * hidden, h0 = r * hidden;
            if (typeof(T) == typeof(float)) TanhFloat(MemoryMarshal.Cast<T, float>(c.Slice(h0, hidden)), MemoryMarshal.Cast<T, float>(tc));
            else TensorPrimitives.Tanh(c.Slice(h0, hidden), tc);
            ReadOnlySpan<T> gi = gates.Slice(g0, hidden), gf = gates.Slice(g0 + hidden, hidden);
            ReadOnlySpan<T> gg = gates.Slice(g0 + 2 * hidden, hidden), go = gates.Slice(g0 + 3 * hidden, hidden);
            ReadOnlySpan<T> dhr = dh.Slice(h0, hidden), dcr = dc.Slice(h0, hidden), cp = cPrev.Slice(h0, hidden);
            Span<T> di = dGates.Slice(g0, hidden), df = dGates.Slice(g0 + hidden, hidden);
            Span<T> dg = dGates.Slice(g0 + 2 * hidden, hidden), dO = dGates.Slice(g0 + 3 * hidden, hidden);
            Span<T> dcp = dcPrev.Slice(h0, hidden);
            int u = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var one = Vector<T>.One;
                for (; u <= hidden - Vector<T>.Count; u += Vector<T>.Count)
                {
                    var i = new Vector<T>(gi[u..]); var f = new Vector<T>(gf[u..]);
                    var g = new Vector<T>(gg[u..]); var o = new Vector<T>(go[u..]);
                    var t = new Vector<T>(tc[u..]); var dhu = new Vector<T>(dhr[u..]);
                    var dcu = new Vector<T>(dcr[u..]) + dhu * o * (one - t * t);
                    (dcu * g * i * (one - i)).CopyTo(di[u..]);
                    (dcu * new Vector<T>(cp[u..]) * f * (one - f)).CopyTo(df[u..]);
                    (dcu * i * (one - g * g)).CopyTo(dg[u..]);
                    (dhu * t * o * (one - o)).CopyTo(dO[u..]);
                    (dcu * f).CopyTo(dcp[u..]);
                }
            }
            for (; u < hidden; u++)
            {
                T i = gi[u], f = gf[u], g = gg[u], o = go[u], t = tc[u], dhu = dhr[u];
                T dcu = dcr[u] + dhu * o * (T.One - t * t);
                di[u] = dcu * g * i * (T.One - i);
                df[u] = dcu * cp[u] * f * (T.One - f);
                dg[u] = dcu * i * (T.One - g * g);
                dO[u] = dhu * t * o * (T.One - o);
                dcp[u] = dcu * f;
            }
        }
    }

    private static void TanhFloat(ReadOnlySpan<float> x, Span<float> y)
    {
        int u = 0, width = Vector<float>.Count;
        if (FastMath.UseVector512)
            for (; u <= x.Length - 16; u += 16) FastMath.Tanh(Vector512.Create(x[u..])).CopyTo(y[u..]);
        for (; u <= x.Length - width; u += width) FastMath.Tanh(new Vector<float>(x[u..])).CopyTo(y[u..]);
        for (; u < x.Length; u++) y[u] = FastMath.Tanh(x[u]);
    }
}
