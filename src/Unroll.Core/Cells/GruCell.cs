// Glossary: b rows (sequences running at this step), H hidden units; gate rows are [r | z | n], each H wide.
//   W      lanes per vector of a path: 16 floats (Vector512), Vector<T>.Count (the runtime's width), 1 (scalar)
//   Units  the gate equations written once, for W units at a time; each path instantiates them at its width and
//          hands the units left over to the next narrower one (Vector512 → Vector<T> → scalar)
// Plain reference (double loops, forward and backward, one sequence at a time):
//   tests/Unroll.Core.Tests/Reference/ReferenceNetwork.cs
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Unroll.Numerics;

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
/// The forward caches r, z, n and the hidden term hn = W_hn·h' + b_hn. Float activations are <see cref="FastMath"/>'s;
/// double ones exact (σ through e^x, <c>T.Tanh</c>).
/// </remarks>
/// <seealso cref="CellKind.Gru"/>
internal static class GruCell
{
    /// <summary>
    /// <paramref name="gatesIn"/> (b × 3H) holds the input half (with b_ih) and becomes [r | z | n];
    /// <paramref name="gatesHidden"/> (b × 3H) holds W_hh·h' + b_hh; hn (b × H) caches its n part.
    /// </summary>
    public static void Forward<T>(Span<T> gatesIn, ReadOnlySpan<T> gatesHidden, ReadOnlySpan<T> hPrev,
        Span<T> hn, Span<T> h, int hidden, CellSimd simd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = h.Length / hidden;
        Debug.Assert(gatesIn.Length == rows * 3 * hidden && gatesHidden.Length == gatesIn.Length && hPrev.Length == h.Length);
        if (typeof(T) == typeof(float))
        {
            ForwardFloat(MemoryMarshal.Cast<T, float>(gatesIn), MemoryMarshal.Cast<T, float>(gatesHidden), MemoryMarshal.Cast<T, float>(hPrev),
                MemoryMarshal.Cast<T, float>(hn), MemoryMarshal.Cast<T, float>(h), hidden, simd);
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

    /// <summary>σ(x) = 1 / (1 + e^(−x)) in the type's own precision, for the double path.</summary>
    private static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => FastMath.Sigmoid(new Lanes<T, T, SimdScalar<T>>(x)).Value;

    /// <summary>
    /// From dh (b × H) computes the gradients of the input half (b × 3H), of the hidden half (b × 3H), and the
    /// direct part of dh' (b × H), which the caller adds to dGatesHidden·W_hh. <paramref name="dGatesIn"/> may alias
    /// <paramref name="gates"/>: each unit's gates are read before its gradients are written.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hn, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh,
        Span<T> dGatesIn, Span<T> dGatesHidden, Span<T> dhPrevDirect, int hidden, CellSimd simd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(gates.Length == dGatesIn.Length && dGatesIn.Length == dGatesHidden.Length && dhPrevDirect.Length == dh.Length);
        var step = new BackwardStep<T>(gates, hn, hPrev, dh, dGatesIn, dGatesHidden, dhPrevDirect, hidden);
        int u = 0;
        if (simd >= CellSimd.Vector512)
            u = Units<T, Vector512<T>, Simd512<T>>.Backward(step, u);
        if (simd >= CellSimd.Vector && Vector.IsHardwareAccelerated)
            u = Units<T, Vector<T>, SimdVector<T>>.Backward(step, u);
        Units<T, T, SimdScalar<T>>.Backward(step, u);
    }

    /// <summary>The float path of <see cref="Forward{T}"/>: every gate and h in one pass, widest vectors first (each row's units split alike).</summary>
    private static void ForwardFloat(Span<float> gatesIn, ReadOnlySpan<float> gatesHidden, ReadOnlySpan<float> hPrev,
        Span<float> hn, Span<float> h, int hidden, CellSimd simd)
    {
        var step = new ForwardStep<float>(gatesIn, gatesHidden, hPrev, hn, h, hidden);
        int u = 0;
        if (simd >= CellSimd.Vector512)
            u = Units<float, Vector512<float>, Simd512<float>>.Forward(step, u);
        if (simd >= CellSimd.Vector)
            u = Units<float, Vector<float>, SimdVector<float>>.Forward(step, u);
        Units<float, float, SimdScalar<float>>.Forward(step, u);
    }

    /// <summary>A forward step's operands: the gate halves [r | z | n] (b × 3H), h' and the outputs hn and h (b × H).</summary>
    private readonly ref struct ForwardStep<T>(Span<T> gatesIn, ReadOnlySpan<T> gatesHidden, ReadOnlySpan<T> hPrev, Span<T> hn, Span<T> h, int hidden)
    {
        public readonly Span<T> GatesIn = gatesIn, Hn = hn, H = h;
        public readonly ReadOnlySpan<T> GatesHidden = gatesHidden, HPrev = hPrev;
        public readonly int Hidden = hidden;
    }

    /// <summary>A backward step's operands: the cached gates (b × 3H), hn, h' and dh (b × H), and the gradients written.</summary>
    private readonly ref struct BackwardStep<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> hn, ReadOnlySpan<T> hPrev, ReadOnlySpan<T> dh,
        Span<T> dGatesIn, Span<T> dGatesHidden, Span<T> dhPrevDirect, int hidden)
    {
        public readonly ReadOnlySpan<T> Gates = gates, Hn = hn, HPrev = hPrev, Dh = dh;
        public readonly Span<T> DGatesIn = dGatesIn, DGatesHidden = dGatesHidden, DhPrevDirect = dhPrevDirect;
        public readonly int Hidden = hidden;
    }

    /// <summary>
    /// The equations for units [from, to) of every row, W at a time (<typeparamref name="TOps"/>'s width), to the last
    /// whole vector; each returns <c>to</c>, where the next narrower width starts.
    /// </summary>
    private static class Units<T, TV, TOps>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        private static Lanes<T, TV, TOps> At(ReadOnlySpan<T> source, int index) => Lanes<T, TV, TOps>.Load(source, index);

        /// <summary>r = σ(Ai_r + Ah_r), z = σ(Ai_z + Ah_z), n = tanh(Ai_n + r ⊙ hn) into the input half; h = (1 − z) ⊙ n + z ⊙ h'.</summary>
        public static int Forward(ForwardStep<T> s, int from)
        {
            int w = TOps.Count, hidden = s.Hidden, to = Lanes<T, TV, TOps>.WholeVectorsEnd(hidden, from), rows = s.H.Length / hidden;
            var one = Lanes<T, TV, TOps>.One;
            for (int row = 0; row < rows && from < to; row++)
            {
                int r0 = row * 3 * hidden, z0 = r0 + hidden, n0 = z0 + hidden, k = row * hidden;
                for (int u = from; u < to; u += w)
                {
                    var hiddenN = At(s.GatesHidden, n0 + u);
                    var r = FastMath.Sigmoid(At(s.GatesIn, r0 + u) + At(s.GatesHidden, r0 + u));
                    var z = FastMath.Sigmoid(At(s.GatesIn, z0 + u) + At(s.GatesHidden, z0 + u));
                    var n = FastMath.Tanh(At(s.GatesIn, n0 + u) + r * hiddenN);
                    r.Store(s.GatesIn, r0 + u); z.Store(s.GatesIn, z0 + u); n.Store(s.GatesIn, n0 + u);
                    hiddenN.Store(s.Hn, k + u);
                    ((one - z) * n + z * At(s.HPrev, k + u)).Store(s.H, k + u);
                }
            }
            return to;
        }

        /// <summary>
        /// dAn = dh ⊙ (1 − z) ⊙ (1 − n²); dAr = dAn ⊙ hn ⊙ σ'(r); dAz = dh ⊙ (h' − n) ⊙ σ'(z); the input half gets
        /// [dAr | dAz | dAn], the hidden half [dAr | dAz | dAn ⊙ r], and dh' directly dh ⊙ z.
        /// </summary>
        public static int Backward(BackwardStep<T> s, int from)
        {
            int w = TOps.Count, hidden = s.Hidden, to = Lanes<T, TV, TOps>.WholeVectorsEnd(hidden, from), rows = s.Dh.Length / hidden;
            var one = Lanes<T, TV, TOps>.One;
            for (int row = 0; row < rows && from < to; row++)
            {
                int r0 = row * 3 * hidden, z0 = r0 + hidden, n0 = z0 + hidden, k = row * hidden;
                for (int u = from; u < to; u += w)
                {
                    var r = At(s.Gates, r0 + u);
                    var z = At(s.Gates, z0 + u);
                    var n = At(s.Gates, n0 + u);
                    var dhu = At(s.Dh, k + u);
                    var dAn = dhu * (one - z) * (one - n * n);
                    var dAr = dAn * At(s.Hn, k + u) * r * (one - r);
                    var dAz = dhu * (At(s.HPrev, k + u) - n) * z * (one - z);
                    dAr.Store(s.DGatesIn, r0 + u); dAr.Store(s.DGatesHidden, r0 + u);
                    dAz.Store(s.DGatesIn, z0 + u); dAz.Store(s.DGatesHidden, z0 + u);
                    dAn.Store(s.DGatesIn, n0 + u); (dAn * r).Store(s.DGatesHidden, n0 + u);
                    (dhu * z).Store(s.DhPrevDirect, k + u);
                }
            }
            return to;
        }
    }
}
