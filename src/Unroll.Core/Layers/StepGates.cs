// Glossary: B sequences, GH gate rows (G gates × H units).
using System.Numerics;

namespace Unroll.Core.Layers;

/// <summary>
/// Each thread's buffer for one step's gates (b × GH) when a layer's steps run in shares: every share computes its
/// step's gates into memory no other share writes near, and a forward that keeps a tape copies them there once the
/// cell has activated them. With the shares' gates side by side, in the tape (step after step, each step's rows share
/// by share) or in one B-row buffer, W3's forward took 92.7–94.1 ms; with the second share's gates in an array of its
/// own, 79.7–83.1 (three interleaved pairs each): where one share's writes end and the next one's begin costs both
/// cores far more than the rows' size. So each thread's buffer has <see cref="Guard"/> bytes of its own on either
/// side. With these buffers, `Infer` on W3 took 88.5 ms against 95.1 and on W2 4.36 against 5.09 (medians of ten and
/// seven interleaved pairs); W3's training step, computing its gates here and copying each step's into the tape rather
/// than writing them there, 259.1–266.2 ms against 272.2–273.0 (three interleaved runs).
/// </summary>
internal static class StepGates<T> where T : unmanaged, INumberBase<T>
{
    /// <summary>Bytes kept free before and after the gates: 64 KiB, eight rows of W3's gates.</summary>
    internal const int Guard = 64 * 1024;

    [ThreadStatic] private static T[]? t_buffer;

    /// <summary>This thread's buffer of at least <paramref name="length"/> values, <see cref="Guard"/> bytes from either end.</summary>
    public static unsafe Span<T> ForThisThread(int length)
    {
        int guard = Guard / sizeof(T);
        var buffer = t_buffer;
        if (buffer is null || buffer.Length < length + 2 * guard)
            t_buffer = buffer = GC.AllocateUninitializedArray<T>(length + 2 * guard, pinned: true);
        return buffer.AsSpan(guard, length);
    }
}
