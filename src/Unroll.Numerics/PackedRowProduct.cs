// Glossary: y (N) += x (K) · op(B) (K × N) with op(B) packed by GemmPacked.PackAllB: K blocks of KBlock(K) rows in
// order, each ⌈N / NR⌉ panels of (kc, NR), columns past N zero; NR = 2W for the vector kernels, 4 for the scalar one.
//   W   elements per vector of the width (TOps)
// One sequence's recurrent product (batch 1) is a row vector times W_hhᵀ: the GEMM tiles would multiply seven rows
// of padding for each real one, and a dot product per gate row (the unpacked dot form) spends its time reducing lanes.
// Here each vector of accumulators runs down a panel: one broadcast of x[p] and 2W columns per FMA pair.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unroll.Numerics;

/// <summary>
/// y += x · op(B) for one row x and a packed op(B), at one vector width (panels 2W wide). Every element of y is summed
/// from zero in p order (K blocks in order), then added to y once: the same bits on every call.
/// </summary>
internal static class PackedRowProduct<T, TV, TOps>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TOps : struct, ISimd<T, TV>
{
    /// <summary>
    /// y (n) += x (k) · B̃, B̃ packed with panels 2W wide and K blocks of <paramref name="kcMax"/> rows; panels last to
    /// first when <paramref name="backwards"/> (the same bits).
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<T> x, ReadOnlySpan<T> packed, int n, int k, int kcMax, Span<T> y, bool backwards)
    {
        int w = TOps.Count, nr = 2 * w, nPadded = (n + nr - 1) / nr * nr, panels = nPadded / nr;
        Debug.Assert(x.Length >= k && y.Length >= n && packed.Length >= nPadded * k);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T bRef = ref MemoryMarshal.GetReference(packed);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        // Four panels (8 vectors of y) at a time while they are whole: 8 independent FMA chains; then the panels left
        // (the last may be partial), two at a time where two are left: 4 chains, since one panel's 2 chains would wait
        // on the FMA's latency at every p (W4's backward, y of 64 from k = 256: 2 panels); then one if one is left.
        int rest = n / (4 * nr) * 4, single = rest + (panels - rest) / 2 * 2;
        if (backwards)
        {
            if (single < panels) Panels(ref xRef, ref bRef, ref yRef, single, n, k, kcMax, nPadded, count: 1);
            for (int q = single - 2; q >= rest; q -= 2) Panels(ref xRef, ref bRef, ref yRef, q, n, k, kcMax, nPadded, count: 2);
            for (int q = rest - 4; q >= 0; q -= 4) Panels(ref xRef, ref bRef, ref yRef, q, n, k, kcMax, nPadded, count: 4);
            return;
        }
        for (int q = 0; q < rest; q += 4) Panels(ref xRef, ref bRef, ref yRef, q, n, k, kcMax, nPadded, count: 4);
        for (int q = rest; q < single; q += 2) Panels(ref xRef, ref bRef, ref yRef, q, n, k, kcMax, nPadded, count: 2);
        if (single < panels) Panels(ref xRef, ref bRef, ref yRef, single, n, k, kcMax, nPadded, count: 1);
    }

    /// <summary>
    /// y's columns of <paramref name="count"/> panels from q (1, 2 or 4; a group of four is whole, the last panel of
    /// one or two may be partial) += x · those panels: 2, 4 or 8 FMA chains, each column summed from zero in p order
    /// and added to y once, whatever the count. Inlined with a constant count, so each use compiles as if written apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Panels(ref T xRef, ref T bRef, ref T yRef, int q, int n, int k, int kcMax, int nPadded, int count)
    {
        int w = TOps.Count, nr = 2 * w;
        Debug.Assert(count is 1 or 2 or 4 && (count == 4 ? (q + 4) * nr <= n : (q + count - 1) * nr < n));
        TV a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            nint panel = (nint)kc * nr;
            ref T p0 = ref Unsafe.Add(ref bRef, (nint)pc * nPadded + q * panel);
            ref T p1 = ref count >= 2 ? ref Unsafe.Add(ref p0, panel) : ref p0;   // never past the panels counted
            ref T p2 = ref count == 4 ? ref Unsafe.Add(ref p1, panel) : ref p0;
            ref T p3 = ref count == 4 ? ref Unsafe.Add(ref p2, panel) : ref p0;
            for (int p = 0; p < kc; p++)
            {
                TV xp = TOps.Broadcast(Unsafe.Add(ref xRef, pc + p));
                nint r = (nint)p * nr;
                a0 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p0, r)), xp, a0);
                a1 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p0, r + w)), xp, a1);
                if (count >= 2)
                {
                    a2 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p1, r)), xp, a2);
                    a3 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p1, r + w)), xp, a3);
                }
                if (count == 4)
                {
                    a4 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p2, r)), xp, a4);
                    a5 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p2, r + w)), xp, a5);
                    a6 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p3, r)), xp, a6);
                    a7 = TOps.Fma(TOps.Load(ref Unsafe.Add(ref p3, r + w)), xp, a7);
                }
            }
        }
        ref T yq = ref Unsafe.Add(ref yRef, q * nr);
        if (count == 1)
        {
            StorePanel(a0, a1, ref yq, Math.Min(nr, n - q * nr));
            return;
        }
        AddTo(a0, ref yq, 0);
        AddTo(a1, ref yq, w);
        if (count == 2)
        {
            StorePanel(a2, a3, ref Unsafe.Add(ref yq, nr), Math.Min(nr, n - (q + 1) * nr));
            return;
        }
        AddTo(a2, ref yq, 2 * w); AddTo(a3, ref yq, 3 * w);
        AddTo(a4, ref yq, 4 * w); AddTo(a5, ref yq, 5 * w); AddTo(a6, ref yq, 6 * w); AddTo(a7, ref yq, 7 * w);
    }

    /// <summary>A panel's <paramref name="columns"/> of y (2W, fewer for a last partial panel) += its two sum vectors.</summary>
    private static void StorePanel(TV a0, TV a1, ref T yq, int columns)
    {
        int w = TOps.Count;
        if (columns == 2 * w)
        {
            AddTo(a0, ref yq, 0);
            AddTo(a1, ref yq, w);
            return;
        }
        Span<T> tail = stackalloc T[2 * 16];
        ref T t = ref MemoryMarshal.GetReference(tail);
        TOps.Store(a0, ref t);
        TOps.Store(a1, ref Unsafe.Add(ref t, w));
        for (int j = 0; j < columns; j++)
            Unsafe.Add(ref yq, j) += Unsafe.Add(ref t, j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(TV sum, ref T y, int offset)
    {
        ref T at = ref Unsafe.Add(ref y, offset);
        TOps.Store(TOps.Add(TOps.Load(ref at), sum), ref at);
    }
}
