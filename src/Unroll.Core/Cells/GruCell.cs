// Glossary: b rows (sequences running at this step), H hidden units; gate rows are [r | z | n], each H wide.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Unroll.Core.Cells.Activations;

namespace Unroll.Core.Cells;

/// <summary>The GRU step with PyTorch's equations and gate order (r, z, n), forward and backward side by side.</summary>
/// <remarks>
/// <code>
/// r = σ(W_ir·x + b_ir + W_hr·h' + b_hr)      z = σ(W_iz·x + b_iz + W_hz·h' + b_hz)
/// n = tanh(W_in·x + b_in + r ⊙ (W_hn·h' + b_hn))      h = (1 − z) ⊙ n + z ⊙ h'
/// </code>
/// The reset multiplies the whole hidden term (W_hn·h' + b_hn), so the input and hidden halves get different
/// gradients for n: <c>dAi_n = dn ⊙ (1 − n²)</c> but <c>dAh_n = dAi_n ⊙ r</c>, and <c>dr = dAi_n ⊙ (W_hn·h' + b_hn)</c>.
/// For r and z both halves share one gradient. The direct path gives <c>dh' += dh ⊙ z</c>.
/// The forward caches r, z, n and the hidden term hn = W_hn·h' + b_hn.
/// </remarks>
internal static class GruCell
{
    /// <summary>
    /// <paramref name="gatesIn"/> (b × 3H) holds the input half (with b_ih) and becomes [r | z | n];
    /// <paramref name="gatesHidden"/> (b × 3H) holds W_hh·h' + b_hh; hn (b × H) caches its n part.
    /// </summary>
    public static void Forward<T>(Span<T> gatesIn, ReadOnlySpan<T> gatesHidden, ReadOnlySpan<T> hPrev,
        Span<T> hn, Span<T> h, int hidden) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = h.Length / hidden;
        Debug.Assert(gatesIn.Length == rows * 3 * hidden && gatesHidden.Length == gatesIn.Length && hPrev.Length == h.Length);
        if (typeof(T) == typeof(float))
        {
            ForwardFloat(MemoryMarshal.Cast<T, float>(gatesIn), MemoryMarshal.Cast<T, float>(gatesHidden), MemoryMarshal.Cast<T, float>(hPrev),
                MemoryMarshal.Cast<T, float>(hn), MemoryMarshal.Cast<T, float>(h), hidden);
            return;
        }
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * hidden, h0 = row * hidden;
            for (int u = 0; u < hidden; u++)
            {
                T hiddenN = gatesHidden[g0 + 2 * hidden + u];
                T r = Sigmoid(gatesIn[g0 + u] + gatesHidden[g0 + u]);
                T z = Sigmoid(gatesIn[g0 + hidden + u] + gatesHidden[g0 + hidden + u]);
                T n = T.Tanh(gatesIn[g0 + 2 * hidden + u] + r * hiddenN);
                gatesIn[g0 + u] = r; gatesIn[g0 + hidden + u] = z; gatesIn[g0 + 2 * hidden + u] = n;
                hn[h0 + u] = hiddenN;
                h[h0 + u] = (T.One - z) * n + z * hPrev[h0 + u];
            }
        }
    }

    /// <summary>
    /// From dh (b × H) computes the gradients of the input half (b × 3H), of the hidden half (b × 3H), and the
    /// direct part of dh' (b × H), which the caller adds to dGatesHidden·W_hh. <paramref name="dGatesIn"/> may alias
    /// <paramref name="gates"/>: each unit's gates are read before its gradients are written.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hn, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh,
        Span<T> dGatesIn, Span<T> dGatesHidden, Span<T> dhPrevDirect, int hidden) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = dh.Length / hidden;
        Debug.Assert(gates.Length == dGatesIn.Length && dGatesIn.Length == dGatesHidden.Length && dhPrevDirect.Length == dh.Length);
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * hidden, h0 = row * hidden;
            int u = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var one = Vector<T>.One;
                for (; u <= hidden - Vector<T>.Count; u += Vector<T>.Count)
                {
                    var r = new Vector<T>(gates[(g0 + u)..]);
                    var z = new Vector<T>(gates[(g0 + hidden + u)..]);
                    var n = new Vector<T>(gates[(g0 + 2 * hidden + u)..]);
                    var dhu = new Vector<T>(dh[(h0 + u)..]);
                    var dAn = dhu * (one - z) * (one - n * n);
                    var dAr = dAn * new Vector<T>(hn[(h0 + u)..]) * r * (one - r);
                    var dAz = dhu * (new Vector<T>(hPrev[(h0 + u)..]) - n) * z * (one - z);
                    dAr.CopyTo(dGatesIn[(g0 + u)..]); dAr.CopyTo(dGatesHidden[(g0 + u)..]);
                    dAz.CopyTo(dGatesIn[(g0 + hidden + u)..]); dAz.CopyTo(dGatesHidden[(g0 + hidden + u)..]);
                    dAn.CopyTo(dGatesIn[(g0 + 2 * hidden + u)..]); (dAn * r).CopyTo(dGatesHidden[(g0 + 2 * hidden + u)..]);
                    (dhu * z).CopyTo(dhPrevDirect[(h0 + u)..]);
                }
            }
            for (; u < hidden; u++)
            {
                T r = gates[g0 + u], z = gates[g0 + hidden + u], n = gates[g0 + 2 * hidden + u];
                T dhu = dh[h0 + u];
                T dn = dhu * (T.One - z);
                T dz = dhu * (hPrev[h0 + u] - n);
                T dAn = dn * (T.One - n * n);
                T dr = dAn * hn[h0 + u];
                T dAr = dr * r * (T.One - r);
                T dAz = dz * z * (T.One - z);
                dGatesIn[g0 + u] = dAr; dGatesHidden[g0 + u] = dAr;
                dGatesIn[g0 + hidden + u] = dAz; dGatesHidden[g0 + hidden + u] = dAz;
                dGatesIn[g0 + 2 * hidden + u] = dAn; dGatesHidden[g0 + 2 * hidden + u] = dAn * r;
                dhPrevDirect[h0 + u] = dhu * z;
            }
        }
    }

    /// <summary>The float path of <see cref="Forward{T}"/>: every gate and h in one vectorised pass over each row.</summary>
    private static void ForwardFloat(Span<float> gatesIn, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev,
        Span<float> hn, Span<float> h, int hidden)
    {
        int rows = h.Length / hidden, width = Vector<float>.Count;
        for (int row = 0; row < rows; row++)
        {
            int g0 = row * 3 * hidden, h0 = row * hidden, u = 0;
            if (FastMath.UseVector512)
            {
                for (; u <= hidden - 16; u += 16)
                {
                    var hiddenN = Vector512.Create(gatesHidden[(g0 + 2 * hidden + u)..]);
                    var r = FastMath.Sigmoid(Vector512.Create(gatesIn[(g0 + u)..]) + Vector512.Create(gatesHidden[(g0 + u)..]));
                    var z = FastMath.Sigmoid(Vector512.Create(gatesIn[(g0 + hidden + u)..]) + Vector512.Create(gatesHidden[(g0 + hidden + u)..]));
                    var n = FastMath.Tanh(Vector512.Create(gatesIn[(g0 + 2 * hidden + u)..]) + r * hiddenN);
                    r.CopyTo(gatesIn[(g0 + u)..]); z.CopyTo(gatesIn[(g0 + hidden + u)..]); n.CopyTo(gatesIn[(g0 + 2 * hidden + u)..]);
                    hiddenN.CopyTo(hn[(h0 + u)..]);
                    ((Vector512<float>.One - z) * n + z * Vector512.Create(hPrev[(h0 + u)..])).CopyTo(h[(h0 + u)..]);
                }
            }
            for (; u <= hidden - width; u += width)
            {
                var hiddenN = new Vector<float>(gatesHidden[(g0 + 2 * hidden + u)..]);
                var r = FastMath.Sigmoid(new Vector<float>(gatesIn[(g0 + u)..]) + new Vector<float>(gatesHidden[(g0 + u)..]));
                var z = FastMath.Sigmoid(new Vector<float>(gatesIn[(g0 + hidden + u)..]) + new Vector<float>(gatesHidden[(g0 + hidden + u)..]));
                var n = FastMath.Tanh(new Vector<float>(gatesIn[(g0 + 2 * hidden + u)..]) + r * hiddenN);
                r.CopyTo(gatesIn[(g0 + u)..]); z.CopyTo(gatesIn[(g0 + hidden + u)..]); n.CopyTo(gatesIn[(g0 + 2 * hidden + u)..]);
                hiddenN.CopyTo(hn[(h0 + u)..]);
                ((Vector<float>.One - z) * n + z * new Vector<float>(hPrev[(h0 + u)..])).CopyTo(h[(h0 + u)..]);
            }
            for (; u < hidden; u++)
            {
                float hiddenN = gatesHidden[g0 + 2 * hidden + u];
                float r = FastMath.Sigmoid(gatesIn[g0 + u] + gatesHidden[g0 + u]);
                float z = FastMath.Sigmoid(gatesIn[g0 + hidden + u] + gatesHidden[g0 + hidden + u]);
                float n = FastMath.Tanh(gatesIn[g0 + 2 * hidden + u] + r * hiddenN);
                gatesIn[g0 + u] = r; gatesIn[g0 + hidden + u] = z; gatesIn[g0 + 2 * hidden + u] = n;
                hn[h0 + u] = hiddenN;
                h[h0 + u] = (1f - z) * n + z * hPrev[h0 + u];
            }
        }
    }
}
