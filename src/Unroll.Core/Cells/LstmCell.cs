// Glossary: b rows (sequences running at this step), H hidden units; gate rows are [i | f | g | o], each H wide.
//   W      lanes per vector of a path: 16 floats (Vector512), Vector<T>.Count (the runtime's width), 1 (scalar)
//   Units  the gate equations written once, for W units at a time; each path instantiates them at its width and
//          hands the units left over to the next narrower one (Vector512 → Vector<T> → scalar)
// Plain reference (double loops, forward and backward, one sequence at a time):
//   tests/Unroll.Core.Tests/Reference/ReferenceNetwork.cs
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Unroll.Numerics;

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
/// Float activations are <see cref="FastMath"/>'s; double ones TensorPrimitives' (forward) and exact.
/// </remarks>
/// <seealso cref="CellKind.Lstm"/>
internal static class LstmCell
{
    /// <summary>Activates <paramref name="gates"/> (b × 4H) in place and computes c and h (b × H).</summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int hidden, CellSimd simd)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Forward(gates, gates, cPrev, c, h, hidden, simd);

    /// <summary>
    /// Writes the activations of the pre-activations <paramref name="gates"/> (b × 4H) into <paramref name="activated"/>
    /// (b × 4H: the same span, or one that does not overlap it) and computes c and h (b × H).
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> gates, Span<T> activated, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int hidden, CellSimd simd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = h.Length / hidden;
        Debug.Assert(gates.Length == rows * 4 * hidden && activated.Length == gates.Length && cPrev.Length == c.Length && c.Length == h.Length);
        if (typeof(T) == typeof(float))
        {
            ForwardFloat(MemoryMarshal.Cast<T, float>(gates), MemoryMarshal.Cast<T, float>(activated), MemoryMarshal.Cast<T, float>(cPrev),
                MemoryMarshal.Cast<T, float>(c), MemoryMarshal.Cast<T, float>(h), hidden, simd);
            return;
        }
        bool inPlace = Unsafe.AreSame(ref MemoryMarshal.GetReference(gates), ref MemoryMarshal.GetReference(activated));
        for (int r = 0; r < rows; r++)
        {
            var row = activated.Slice(r * 4 * hidden, 4 * hidden);
            if (!inPlace) gates.Slice(r * 4 * hidden, 4 * hidden).CopyTo(row);   // activated in place below
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

    /// <summary>The float path: every gate, c and h in one pass, widest vectors first (each row's units split alike).</summary>
    private static void ForwardFloat(ReadOnlySpan<float> gates, Span<float> activated, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden, CellSimd simd)
    {
        int u = 0;
        if (simd >= CellSimd.Vector512)
            u = Units<float, Vector512<float>, Simd512<float>>.Forward(gates, activated, cPrev, c, h, hidden, u);
        if (simd >= CellSimd.Vector)
            u = Units<float, Vector<float>, SimdVector<float>>.Forward(gates, activated, cPrev, c, h, hidden, u);
        Units<float, float, SimdScalar<float>>.Forward(gates, activated, cPrev, c, h, hidden, u);
    }

    /// <summary>
    /// From dh and the carried dc (b × H), computes the pre-activation gradients (b × 4H) and dc' (b × H, may alias dc).
    /// <paramref name="dGates"/> may alias <paramref name="gates"/>: each unit's gates are read before its gradients are written.
    /// <paramref name="scratch"/> holds b × H values: tanh(c), recomputed.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dc, Span<T> dGates, Span<T> dcPrev, Span<T> scratch, int hidden, CellSimd simd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = dh.Length / hidden;
        Debug.Assert(gates.Length == dGates.Length && dc.Length == dcPrev.Length && c.Length == dh.Length && scratch.Length >= rows * hidden);
        var tanhC = scratch[..(rows * hidden)];
        if (typeof(T) == typeof(float))
        {
            TanhFloat(MemoryMarshal.Cast<T, float>(c), MemoryMarshal.Cast<T, float>(tanhC), hidden, simd);
        }
        else
        {
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Tanh(c.Slice(r * hidden, hidden), tanhC.Slice(r * hidden, hidden));
        }
        int u = 0;
        if (simd >= CellSimd.Vector512)
            u = Units<T, Vector512<T>, Simd512<T>>.Backward(gates, tanhC, dh, dc, cPrev, dGates, dcPrev, hidden, u);
        if (simd >= CellSimd.Vector && Vector.IsHardwareAccelerated)
            u = Units<T, Vector<T>, SimdVector<T>>.Backward(gates, tanhC, dh, dc, cPrev, dGates, dcPrev, hidden, u);
        Units<T, T, SimdScalar<T>>.Backward(gates, tanhC, dh, dc, cPrev, dGates, dcPrev, hidden, u);
    }

    /// <summary>y = tanh(x) (b × H) with <see cref="FastMath"/>'s tanh, widest vectors first, each row's units split as the forward's.</summary>
    private static void TanhFloat(ReadOnlySpan<float> x, Span<float> y, int hidden, CellSimd simd)
    {
        int u = 0;
        if (simd >= CellSimd.Vector512)
            u = Units<float, Vector512<float>, Simd512<float>>.Tanh(x, y, hidden, u);
        if (simd >= CellSimd.Vector)
            u = Units<float, Vector<float>, SimdVector<float>>.Tanh(x, y, hidden, u);
        Units<float, float, SimdScalar<float>>.Tanh(x, y, hidden, u);
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

        /// <summary>
        /// The gates [i | f | g | o] (b × 4H) activated in place; c = f ⊙ c' + i ⊙ g; h = o ⊙ tanh(c). A row's h comes in
        /// a second loop over c, so that each loop's iterations are independent chains the core overlaps; tanh(c) in the
        /// first loop waited on the four gates of its own units (a third less time for the gate math at H = 64 to 128).
        /// Never inlined: with tiered compilation the JIT inlined the 16-lane instance into ForwardFloat, where its loops
        /// took about 30 % longer (32 × 128 units: 5.2–5.4 µs against 4.0–4.1 as a call of its own; compiled straight to
        /// full optimisation, as the CLI runs, 4.0–4.1 either way).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Forward(ReadOnlySpan<T> gates, Span<T> activated, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int hidden, int from)
        {
            int w = TOps.Count, to = Lanes<T, TV, TOps>.WholeVectorsEnd(hidden, from), rows = h.Length / hidden;
            for (int row = 0; row < rows && from < to; row++)
            {
                int i0 = row * 4 * hidden, f0 = i0 + hidden, g0 = f0 + hidden, o0 = g0 + hidden, k = row * hidden;
                for (int u = from; u < to; u += w)
                {
                    var i = FastMath.Sigmoid(At(gates, i0 + u));
                    var f = FastMath.Sigmoid(At(gates, f0 + u));
                    var g = FastMath.Tanh(At(gates, g0 + u));
                    var o = FastMath.Sigmoid(At(gates, o0 + u));
                    i.Store(activated, i0 + u); f.Store(activated, f0 + u); g.Store(activated, g0 + u); o.Store(activated, o0 + u);
                    (f * At(cPrev, k + u) + i * g).Store(c, k + u);
                }
                for (int u = from; u < to; u += w)
                    (At(activated, o0 + u) * FastMath.Tanh(At(c, k + u))).Store(h, k + u);
            }
            return to;
        }

        /// <summary>
        /// With t = tanh(c): dc = dc_next + dh ⊙ o ⊙ (1 − t²); di = dc ⊙ g ⊙ σ'(i); df = dc ⊙ c' ⊙ σ'(f);
        /// dg = dc ⊙ i ⊙ (1 − g²); do = dh ⊙ t ⊙ σ'(o); dc' = dc ⊙ f. All of a unit's values are read before any is written.
        /// </summary>
        public static int Backward(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> dh, ReadOnlySpan<T> dcNext,
            ReadOnlySpan<T> cPrev, Span<T> dGates, Span<T> dcPrev, int hidden, int from)
        {
            int w = TOps.Count, to = Lanes<T, TV, TOps>.WholeVectorsEnd(hidden, from), rows = dh.Length / hidden;
            var one = Lanes<T, TV, TOps>.One;
            for (int row = 0; row < rows && from < to; row++)
            {
                int i0 = row * 4 * hidden, f0 = i0 + hidden, g0 = f0 + hidden, o0 = g0 + hidden, k = row * hidden;
                for (int u = from; u < to; u += w)
                {
                    var i = At(gates, i0 + u); var f = At(gates, f0 + u); var g = At(gates, g0 + u); var o = At(gates, o0 + u);
                    var t = At(tanhC, k + u); var dhu = At(dh, k + u);
                    var dc = At(dcNext, k + u) + dhu * o * (one - t * t);
                    var cp = At(cPrev, k + u);
                    (dc * g * i * (one - i)).Store(dGates, i0 + u);
                    (dc * cp * f * (one - f)).Store(dGates, f0 + u);
                    (dc * i * (one - g * g)).Store(dGates, g0 + u);
                    (dhu * t * o * (one - o)).Store(dGates, o0 + u);
                    (dc * f).Store(dcPrev, k + u);
                }
            }
            return to;
        }

        /// <summary>y = tanh(x), both (b × H).</summary>
        public static int Tanh(ReadOnlySpan<T> x, Span<T> y, int hidden, int from)
        {
            int w = TOps.Count, to = Lanes<T, TV, TOps>.WholeVectorsEnd(hidden, from), rows = x.Length / hidden;
            for (int row = 0; row < rows && from < to; row++)
                for (int u = row * hidden + from, end = row * hidden + to; u < end; u += w)
                    FastMath.Tanh(At(x, u)).Store(y, u);
            return to;
        }
    }
}
