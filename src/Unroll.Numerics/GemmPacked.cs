// Glossary: the blocked, packed GEMM driver (Goto's loop nest) around a micro-kernel of GemmKernels.cs.
//   M, N, K     C (M × N) = op(A) (M × K) · op(B) (K × N); all row-major with strides lda, ldb, ldc
//   MR, NR      the micro-kernel's C tile (registers)
//   KC          K block: one B micro-panel (KC, NR) stays in L1 while the A micro-panels stream past it
//   MC          M block: the packed A block (MC, KC) stays in L2
//   NC          N block: the packed B block (KC, NC) stays in L3 and is reused by every M block
//   Ã (packed A) ⌈mc / MR⌉ micro-panels, each (kc, MR), rows past M zero
//   B̃ (packed B) ⌈nc / NR⌉ micro-panels, each (kc, NR), columns past N zero
// Loops, outer to inner: jc over N by NC; pc over K by KC (pack B̃); ic over M by MC (pack Ã); jr by NR; ir by MR.
// Summation order of C[i, j]: the K blocks in order, each summed from zero by FMAs in p order, then added to C.
// That order depends on K alone, so splitting C's rows or columns over threads never changes a bit.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Unroll.Numerics;

/// <summary>The single-threaded packed GEMM for one micro-kernel; <see cref="Gemm"/> splits work over threads.</summary>
internal static class GemmPacked<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : IGemmKernel<T>
{
    /// <summary>
    /// K block: the float B micro-panel (KC × 32 with the AVX-512 kernel) and A micro-panel (KC × 8) are 46.25 KiB
    /// together, inside a 48 KiB L1 (AVX2's KC × 16 and KC × 6: 25.4 KiB); double's are twice that. 296 rather than
    /// 256 keeps a recurrent layer's joint product [x | h' | 1] in one block when I + H + 1 is just over 256 (W2's
    /// second layer: 257) and in two rather than three at 577 (W3): W2's forward 5.94 → 5.44 ms and W3's 115.0 → 106.8
    /// ms, training steps 23.3 → 22.1 and 347 → 336 ms, medians of five interleaved runs.
    /// </summary>
    internal const int KC = 296;

    /// <summary>M block, a multiple of every MR (4, 6, 8): the packed A block is MC × KC.</summary>
    internal const int MC = 144;

    /// <summary>N block, a multiple of every NR: the packed B block is KC × NC (1 MiB of floats).</summary>
    internal const int NC = 1024;

    /// <summary>Splits K into near-equal blocks of at most <see cref="KC"/>; depends on <paramref name="k"/> only.</summary>
    internal static int KBlock(int k) => (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);

    /// <summary>C (m × n) = or += op(A) · op(B) on one thread; shapes were checked by the caller, and m, n, k are positive.</summary>
    public static void Multiply(Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
    {
        Debug.Assert(m > 0 && n > 0 && k > 0);
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = KBlock(k);
        int mcMax = Math.Min(MC, RoundUp(m, mr));
        int ncMax = Math.Min(NC, RoundUp(n, nr));
        Span<T> aPacked = PackBuffers<T>.ForA(mcMax * kcMax);   // (mc, kc) as ⌈mc / MR⌉ panels of (kc, MR)
        Span<T> bPacked = PackBuffers<T>.ForB(kcMax * ncMax);   // (kc, nc) as ⌈nc / NR⌉ panels of (kc, NR)
        Span<T> edge = PackBuffers<T>.ForEdgeTile(mr * nr);     // (MR, NR) scratch tile for partial tiles of C
        ref T aRef = ref MemoryMarshal.GetReference(aPacked);
        ref T bRef = ref MemoryMarshal.GetReference(bPacked);

        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool add = accumulate || pc > 0;
                PackB(transB, b, ldb, pc, kc, jc, nc, bPacked);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(transA, a, lda, ic, mc, pc, kc, aPacked);
                    MacroKernel(ref aRef, mc, kc, ref bRef, nc, ic, jc, c, ldc, add, edge);
                }
            }
        }
    }

    /// <summary>
    /// C[row0 .. row0 + mc, col0 .. col0 + nc) = or += Ã (mc × kc, packed) · B̃ (kc × nc, packed panels from
    /// <paramref name="bPanels"/>, the panel of column col0 first): every register tile, a tile of one row with all
    /// its columns through the one-row kernel, other partial tiles through the scratch tile.
    /// </summary>
    private static void MacroKernel(ref T aRef, int mc, int kc, ref T bPanels, int nc, int row0, int col0,
        Span<T> c, int ldc, bool add, Span<T> edge)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        ref T cRef = ref MemoryMarshal.GetReference(c);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nrHere = Math.Min(nr, nc - jr);
            ref T bPanel = ref Unsafe.Add(ref bPanels, (nint)jr * kc);
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mrHere = Math.Min(mr, mc - ir);
                ref T aPanel = ref Unsafe.Add(ref aRef, ir * kc);
                int row = row0 + ir, col = col0 + jr;
                Debug.Assert((long)(row + mrHere - 1) * ldc + col + nrHere <= c.Length);
                ref T cTile = ref Unsafe.Add(ref cRef, (nint)row * ldc + col);
                if (mrHere == mr && nrHere == nr)
                {
                    TKernel.Run(kc, ref aPanel, ref bPanel, ref cTile, ldc, add);
                }
                else if (mrHere == 1 && nrHere == nr)
                {
                    TKernel.RunOneRow(kc, ref aPanel, ref bPanel, ref cTile, add);
                }
                else
                {
                    TKernel.Run(kc, ref aPanel, ref bPanel, ref MemoryMarshal.GetReference(edge), nr, add: false);
                    CopyEdge(edge, nr, mrHere, nrHere, ref cTile, ldc, add);
                }
            }
        }
    }

    /// <summary>
    /// Packs all of op(B) (k × n) once, K block by K block, each block as ⌈n / NR⌉ panels of (kc, NR): the layout
    /// <see cref="MultiplyPrepacked"/> reads, so a matrix used at every time step is packed once per pass.
    /// </summary>
    internal static void PackAllB(Transpose transB, int n, int k, ReadOnlySpan<T> b, int ldb, Span<T> dst)
    {
        int nPadded = RoundUp(n, TKernel.NR), kcMax = KBlock(k);
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            PackB(transB, b, ldb, pc, kc, 0, n, dst.Slice(pc * nPadded, kc * nPadded));
        }
    }

    /// <summary>Elements <see cref="PackAllB"/> writes.</summary>
    internal static int PackedBLength(int n, int k) => RoundUp(n, TKernel.NR) * k;

    /// <summary>
    /// C[rows, colStart .. colStart + n) = or += op(A) · B̃ with B̃ from <see cref="PackAllB"/> of a matrix with
    /// <paramref name="nTotal"/> columns; colStart is a multiple of NR. The same loops and summation order as
    /// <see cref="Multiply"/>, without packing B.
    /// </summary>
    internal static void MultiplyPrepacked(Transpose transA, int m, int n, int k, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> bPackedAll, int nTotal, int colStart, Span<T> c, int ldc, bool accumulate)
    {
        Debug.Assert(m > 0 && n > 0 && k > 0 && colStart % TKernel.NR == 0);
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = KBlock(k);
        int nPadded = RoundUp(nTotal, nr);
        int mcMax = Math.Min(MC, RoundUp(m, mr));
        Span<T> aPacked = PackBuffers<T>.ForA(mcMax * kcMax);
        Span<T> edge = PackBuffers<T>.ForEdgeTile(mr * nr);
        ref T aRef = ref MemoryMarshal.GetReference(aPacked);
        ref T bAll = ref MemoryMarshal.GetReference(bPackedAll);
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            bool add = accumulate || pc > 0;
            ref T bBlock = ref Unsafe.Add(ref bAll, (nint)pc * nPadded);
            for (int ic = 0; ic < m; ic += MC)
            {
                int mc = Math.Min(MC, m - ic);
                PackA(transA, a, lda, ic, mc, pc, kc, aPacked);
                MacroKernel(ref aRef, mc, kc, ref Unsafe.Add(ref bBlock, (nint)colStart * kc), n, ic, colStart, c, ldc, add, edge);
            }
        }
    }

    /// <summary>C tile (rows × cols) = or += the top-left of the scratch tile (row stride <paramref name="ldTile"/>).</summary>
    private static void CopyEdge(Span<T> tile, int ldTile, int rows, int cols, ref T c, nint ldc, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            ref T cRow = ref Unsafe.Add(ref c, r * ldc);
            for (int j = 0; j < cols; j++)
            {
                T v = tile[r * ldTile + j];
                Unsafe.Add(ref cRow, j) = add ? Unsafe.Add(ref cRow, j) + v : v;
            }
        }
    }

    /// <summary>
    /// Packs op(A)[ic .. ic + mc, pc .. pc + kc] into ⌈mc / MR⌉ micro-panels of (kc, MR):
    /// <c>dst[(ir / MR) · kc · MR + p · MR + r] = op(A)[ic + ir + r, pc + p]</c>, rows past mc zero.
    /// </summary>
    private static void PackA(Transpose transA, ReadOnlySpan<T> a, int lda, int ic, int mc, int pc, int kc, Span<T> dst)
        => PackPanels(alongK: transA == Transpose.Yes, a, lda, ic, mc, pc, kc, dst, TKernel.MR);

    /// <summary>
    /// Packs op(B)[pc .. pc + kc, jc .. jc + nc] into ⌈nc / NR⌉ micro-panels of (kc, NR):
    /// <c>dst[(jr / NR) · kc · NR + p · NR + j] = op(B)[pc + p, jc + jr + j]</c>, columns past nc zero.
    /// </summary>
    private static void PackB(Transpose transB, ReadOnlySpan<T> b, int ldb, int pc, int kc, int jc, int nc, Span<T> dst)
        => PackPanels(alongK: transB == Transpose.No, b, ldb, jc, nc, pc, kc, dst, TKernel.NR);

    /// <summary>
    /// Packs the operand's slice for one side of the tile, indices [start, start + count) across it and [pc, pc + kc)
    /// along K, into ⌈count / width⌉ panels of (kc, width), lanes past count zero. With <paramref name="alongK"/> the
    /// matrix is stored with K along its rows (A stored (K, M), B stored (K, N)) and a panel row is a contiguous piece
    /// of a matrix row; otherwise (A stored (M, K), B stored (N, K)) each panel is a transpose of a block.
    /// </summary>
    private static void PackPanels(bool alongK, ReadOnlySpan<T> m, int ld, int start, int count, int pc, int kc, Span<T> dst, int width)
    {
        ref T mRef = ref MemoryMarshal.GetReference(m);
        ref T dRef = ref MemoryMarshal.GetReference(dst);
        Debug.Assert(RoundUp(count, width) * kc <= dst.Length);
        if (alongK)
        {
            // Row p of every panel is a contiguous piece of row pc + p of the matrix: read it row by row.
            Debug.Assert((long)(pc + kc - 1) * ld + start + count <= m.Length);
            CopyRowsToPanels(ref Unsafe.Add(ref mRef, (nint)pc * ld + start), ld, count, kc, ref dRef, width);
            return;
        }
        for (int i = 0; i < count; i += width)
        {
            int lanes = Math.Min(width, count - i);
            ref T panel = ref Unsafe.Add(ref dRef, i * kc);
            // Matrix rows start + i .. are the panel's lanes, so the panel is a transpose.
            Debug.Assert((long)(start + i + lanes - 1) * ld + pc + kc <= m.Length);
            ref T src = ref Unsafe.Add(ref mRef, (nint)(start + i) * ld + pc);
            Transposer<T>.Transpose(ref src, ld, lanes, kc, ref panel, width, TKernel.SimdPacking);
            if (lanes < width)
                ZeroColumns(ref panel, width, lanes, kc);
        }
    }

    /// <summary>
    /// Source rows between the one <see cref="CopyRowsToPanels"/> copies and the one it asks the caches for. A weight
    /// gradient's dA, A stored (K, M), is read a short piece per row with rows GH values apart (8 KiB in W3), each
    /// piece on a page of its own, which the hardware prefetchers do not follow: asking eight rows ahead took W3's
    /// dW_hh product (2048 × 512 × 12800, two threads) from 343–347 to 368–375 GFLOP/s and dW_ih (2048 × 64 × 12800)
    /// from 178–186 to 232–249, with B stored (K, N) unchanged at 382–391; four rows ahead gave a little less, twelve
    /// to twenty-four no more.
    /// </summary>
    private const int PrefetchRowsAhead = 8;

    /// <summary>
    /// Copies row p of ⌈count / width⌉ panels at once for each p, reading along the source rows and asking for the
    /// row <see cref="PrefetchRowsAhead"/> further on:
    /// <c>dst[(j / width) · rows · width + p · width + j % width] = src[p · ld + j]</c> for j &lt; count, p &lt; rows;
    /// the last panel's columns past count are zeroed.
    /// </summary>
    private static unsafe void CopyRowsToPanels(ref T src, int ld, int count, int rows, ref T dst, int width)
    {
        int fullPanels = count / width;
        int tail = count - fullPanels * width;
        nint panelSize = (nint)rows * width;
        uint bytes = (uint)(width * Unsafe.SizeOf<T>());
        nint rowBytes = (nint)count * Unsafe.SizeOf<T>();
        for (int p = 0; p < rows; p++)
        {
            ref T s = ref Unsafe.Add(ref src, (nint)p * ld);
            ref T d = ref Unsafe.Add(ref dst, p * width);
            if (p + PrefetchRowsAhead < rows && Sse.IsSupported)
            {
                // Every cache line of the piece of row p + 8 that a later iteration copies. A prefetch is only a hint:
                // it never faults, so an address the GC has since moved is harmless.
                byte* ahead = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref s, (nint)PrefetchRowsAhead * ld));
                for (nint offset = 0; offset < rowBytes; offset += 64)
                    Sse.Prefetch0(ahead + offset);
                Sse.Prefetch0(ahead + rowBytes - 1);
            }
            if (bytes % 32 == 0)
            {
                // Panel rows are whole 32-byte vectors (8 floats, 4 doubles, or multiples): copy them as vectors, not
                // through a general block copy, which costs more than the 32 to 128 bytes it moves.
                ref byte sb = ref Unsafe.As<T, byte>(ref s);
                ref byte db = ref Unsafe.As<T, byte>(ref d);
                nint panelBytes = panelSize * Unsafe.SizeOf<T>();
                for (int q = 0; q < fullPanels; q++)
                {
                    Debug.Assert((q + 1) * width <= count);
                    ref byte from = ref Unsafe.Add(ref sb, (nint)q * (nint)bytes);
                    ref byte to = ref Unsafe.Add(ref db, q * panelBytes);
                    for (uint off = 0; off < bytes; off += 32)
                        Vector256.LoadUnsafe(ref from, off).StoreUnsafe(ref to, off);
                }
            }
            else
            {
                for (int q = 0; q < fullPanels; q++)
                {
                    Debug.Assert((q + 1) * width <= count);
                    Unsafe.CopyBlockUnaligned(
                        ref Unsafe.As<T, byte>(ref Unsafe.Add(ref d, q * panelSize)),
                        ref Unsafe.As<T, byte>(ref Unsafe.Add(ref s, q * width)), bytes);
                }
            }
            if (tail > 0)
            {
                ref T dTail = ref Unsafe.Add(ref d, fullPanels * panelSize);
                ref T sTail = ref Unsafe.Add(ref s, fullPanels * width);
                for (int j = 0; j < tail; j++)
                    Unsafe.Add(ref dTail, j) = Unsafe.Add(ref sTail, j);
                for (int j = tail; j < width; j++)
                    Unsafe.Add(ref dTail, j) = T.Zero;
            }
        }
    }

    /// <summary>Zeroes dst[p · width + j] for from ≤ j &lt; width, p &lt; rows: the padding of an edge panel.</summary>
    private static void ZeroColumns(ref T dst, int width, int from, int rows)
    {
        for (int p = 0; p < rows; p++)
        {
            ref T d = ref Unsafe.Add(ref dst, p * width);
            for (int j = from; j < width; j++)
                Unsafe.Add(ref d, j) = T.Zero;
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
