// Glossary: B sequences, b a share's sequences, H hidden units, GH gate rows (G gates × H units).
using System.Numerics;
using Unroll.Numerics;

namespace Unroll.Core.Layers;

/// <summary>
/// Each thread's buffers for what a layer's steps rewrite at every step (a share's, when the steps run in shares; all
/// of them on the thread that runs them otherwise), in memory no other share writes near: where one share's writes
/// end and the next one's begin costs both cores far more than the rows' size, so each buffer has
/// <see cref="Guard"/> bytes of its own on either side. A thread keeps its buffers (pinned) up to
/// <see cref="KeptBytes"/>; a larger request gets an array of its own for that pass, at a size where one boundary
/// costs nothing that counts.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Forward"/>: one step's gates (b × GH), the joint product's rows [x | h' | 1] (b × J; GRU's [x | 1]) and
/// GRU's hidden half (b × 3H). Every share computes its step's gates here, and a forward that keeps a tape copies
/// them there once the cell has activated them (except an LSTM's whose tape outgrows the cache, whose cell writes the
/// activated gates straight into the tape). With the shares' gates side by side, in the tape
/// (step after step, each step's rows share by share) or in one B-row buffer, W3's forward took 92.7–94.1 ms; with the
/// second share's gates in an array of its own, 79.7–83.1 (three interleaved pairs each). With these buffers, `Infer`
/// on W3 took 88.5 ms against 95.1 and on W2 4.36 against 5.09 (medians of ten and seven interleaved pairs); W3's
/// training step, computing its gates here and copying each step's into the tape rather than writing them there,
/// 259.1–266.2 ms against 272.2–273.0 (three interleaved runs).
/// </para>
/// <para>
/// <see cref="Backward"/>: the backward's per-sequence state of one share (dh, the dh and dc carried to the previous
/// step, tanh(c), GRU's direct path and hidden half; each b × H or b × GH), which the steps rewrite at every step and
/// the recurrent product dh' = dA·W_hh accumulates into, seven times a step in W3 (once per K block). With both
/// shares' rows side by side in one B-row array each, W3's dh' products took 68.4–71.6 ms a training step on each
/// core (about 190 GFLOP/s, against 210 for the same products alone); with the second share's state in arrays of
/// its own, 63.1–64.6 (three interleaved pairs). With these buffers the whole training step, paired against the
/// workspace's shared arrays in four interleaved rounds (medians of the ratios): W3 244 → 233 ms (0.955), W1 0.855,
/// W5 0.845, W6 0.92 and W2 0.987 (these train in halves, each on its own thread with a network of its own,
/// <see cref="BatchHalves{T}"/>: each half's state is now in its thread's buffer rather than its network's
/// workspace); W4, one sequence, 1.011.
/// </para>
/// <para>
/// The forward's joint rows and GRU's hidden half moved here from the workspace later, and each buffer now starts on
/// a 64-byte boundary. Against the step before, six interleaved paired rounds (medians of the ratios): training W1
/// 0.961, W2 0.993, W3 0.982 (241 → 235 ms), W4 0.988, W5 0.905, W6 0.927; Infer W1 0.981, W2 1.003, W3 0.992, W4
/// 1.000, W5 0.978, W6 0.961. Without the alignment W5's Infer took 1.032 of the time before.
/// </para>
/// </remarks>
internal static class ShareBuffers<T> where T : unmanaged, INumberBase<T>
{
    /// <summary>Bytes kept free before and after each buffer: 64 KiB, eight rows of W3's gates.</summary>
    internal const int Guard = 64 * 1024;

    /// <summary>
    /// The largest buffer a thread keeps: 8 MiB, twelve times W3's largest (0.64 MiB). A larger request (thousands of
    /// sequences in one share) gets an ordinary array for that call, which the collector takes back with the pass.
    /// </summary>
    internal const long KeptBytes = 8L << 20;

    [ThreadStatic] private static T[]? t_forward;
    [ThreadStatic] private static int t_forwardOffset;
    [ThreadStatic] private static T[]? t_backward;
    [ThreadStatic] private static int t_backwardOffset;

    /// <summary>This thread's buffer for one share's forward step, at least <paramref name="length"/> values.</summary>
    public static Span<T> Forward(int length) => Get(ref t_forward, ref t_forwardOffset, length);

    /// <summary>This thread's buffer for one share's backward state, at least <paramref name="length"/> values.</summary>
    public static Span<T> Backward(int length) => Get(ref t_backward, ref t_backwardOffset, length);

    /// <summary>
    /// The buffer in <paramref name="array"/> (grown if needed): it starts on a 64-byte boundary, <see cref="Guard"/>
    /// bytes or more from either end of the array.
    /// </summary>
    private static unsafe Span<T> Get(ref T[]? array, ref int offset, int length)
    {
        if ((long)length * sizeof(T) > KeptBytes) return new T[length];
        int guard = Guard / sizeof(T);
        if (array is null || array.Length - offset - guard < length)
        {
            (array, offset) = PackBuffers<T>.Aligned(length + 2 * guard);
            offset += guard;
        }
        return array.AsSpan(offset, length);
    }
}
