// Glossary: B sequences, T the longest length, N total steps, O outputs; sorted positions as in SequenceBatch.
using System.Numerics;
using Unroll.Core.Layers;
using Unroll.Numerics;

namespace Unroll.Core;

/// <summary>
/// A batch run as two halves of its own, one on each of two threads: the sequences at sorted positions [0, split)
/// and [split, B), each packed as a batch (<see cref="SequenceBatch{T}.Slice"/>), so that each thread writes and
/// reads back rows of its own from the first step to the last. One layer's shares, split step by step, keep their rows
/// side by side in the same arrays: each core then reads what the other wrote, and for the small layers of W1, W5
/// and W6 two shares ran no faster than one. A trainer (<see cref="Training.Trainer{T}"/>) and
/// <see cref="RecurrentNetwork{T}.Infer"/> keep one of these for their network, which runs the first half while its
/// replica (<see cref="Replica"/>) runs the second.
/// </summary>
internal sealed class BatchHalves<T>(RecurrentNetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
{
    private SequenceBatch<T>? _of;
    private RecurrentNetwork<T>? _replica;

    /// <summary>The network for the second half (<see cref="RecurrentNetwork{T}.Replica"/>), its settings as the network's at the last <see cref="Take"/>.</summary>
    public RecurrentNetwork<T> Replica => _replica ?? throw new InvalidOperationException("no halves taken yet");

    /// <summary>The first half's sequences, packed.</summary>
    public SequenceBatch<T> First { get; private set; } = null!;

    /// <summary>The second half's sequences, packed.</summary>
    public SequenceBatch<T> Second { get; private set; } = null!;

    /// <summary>The sorted position where the second half begins.</summary>
    public int Split { get; private set; }

    /// <summary>
    /// Takes the halves of <paramref name="batch"/> split at <paramref name="split"/>: packed once per batch object,
    /// then refreshed from its current values on each call (a caller may have written its inputs in between); and the
    /// replica, made once, given the network's current settings.
    /// </summary>
    public void Take(SequenceBatch<T> batch, int split)
    {
        if (_replica is null) _replica = network.Replica();
        else network.CopySettingsTo(_replica);
        if (ReferenceEquals(_of, batch) && Split == split)
        {
            First.CopyStepsFrom(batch, 0);
            Second.CopyStepsFrom(batch, split);
            return;
        }
        (First, Second, Split, _of) = (batch.Slice(0, split), batch.Slice(split, batch.Count), split, batch);
    }

    /// <summary>The halves' rows (each B_half × width, in its own order: outputs, last states) in the whole batch's input order.</summary>
    public T[] Merge(SequenceBatch<T> batch, ReadOnlySpan<T> first, ReadOnlySpan<T> second, int width)
    {
        var merged = new T[batch.Count * width];
        for (int j = 0; j < batch.Count; j++)
            (j < Split ? first.Slice(j * width, width) : second.Slice((j - Split) * width, width))
                .CopyTo(merged.AsSpan(batch.SortedToInput[j] * width, width));
        return merged;
    }

    /// <summary>Rows in the whole batch's input order (B × O) cut into the halves' own orders.</summary>
    public (T[] First, T[] Second) Cut(SequenceBatch<T> batch, ReadOnlySpan<T> rows, int outputs)
    {
        T[] first = new T[Split * outputs], second = new T[(batch.Count - Split) * outputs];
        for (int j = 0; j < batch.Count; j++)
            rows.Slice(batch.SortedToInput[j] * outputs, outputs).CopyTo(j < Split ? first.AsSpan(j * outputs) : second.AsSpan((j - Split) * outputs));
        return (first, second);
    }

    /// <summary>
    /// Runs <paramref name="half"/>(0) here and <paramref name="half"/>(1) on the helper thread, each half's products
    /// and layer shares on half the threads (one, on two cores), or both halves here when the helper is taken.
    /// </summary>
    public static void Run(Action<int> half)
    {
        int threads = Math.Max(1, Gemm.MaxThreads / 2);
        bool ran = SpinningWorker.TryRun(p =>
        {
            int before = Gemm.LimitThisThread(threads);
            try { half(p); }
            finally { Gemm.LimitThisThread(before); }
        });
        if (ran) return;
        half(0);
        half(1);
    }

    /// <summary>
    /// The most bytes of one layer's weights [W_ih | W_hh | b] (GH × (I + H + 1)) for which a batch runs in halves:
    /// 1 MiB, the second-level cache of one core here. W2 (0.5 MiB a layer) gained in halves, its training step
    /// 15.7 → 13.2 ms and Infer 4.23 → 3.86; W3 (4.6 MiB), whose every step streams its weights from the shared cache
    /// however it is split, did not: training 258 → 258 ms and Infer 80–86 → 92 in quiet rounds, 304 → 314 and
    /// 95 → 107 in a slower spell, where its layer shares, split where the two threads' measured speeds say
    /// (<see cref="ShareBalance"/>), kept up with the slower core and fixed halves could not.
    /// </summary>
    internal const long WeightBytes = 1L << 20;

    /// <summary>
    /// Where a training step splits the batch (0: it does not): a batch whose layers together are worth two threads
    /// (twice <see cref="RecurrentLayer{T}.InferenceShareGrain"/>), each with at most <see cref="WeightBytes"/> of
    /// weights. The shape alone decides (never the threads), and one thread runs the same halves one after the other:
    /// the halves' gradients are summed, first half first, so the bits depend on the split but never on the threads.
    /// </summary>
    public static int TrainingSplit(NetworkShape shape, SequenceBatch<T> batch) => Worth(shape, batch) ? Halfway(batch) : 0;

    /// <summary>
    /// Where <see cref="RecurrentNetwork{T}.Infer"/> splits the batch (0: it does not): whenever it may use two threads
    /// and no more (<see cref="Gemm.MaxThreads"/>; with more, each layer's shares use them all) and the layers together
    /// are worth two (twice <see cref="RecurrentLayer{T}.InferenceShareGrain"/>). Each row's outputs have the same
    /// bits as in one batch (both halves run in shares, as the whole does), so the threads may decide.
    /// </summary>
    public static int InferenceSplit(NetworkShape shape, SequenceBatch<T> batch)
        => Gemm.MaxThreads == 2 && Worth(shape, batch) ? Halfway(batch) : 0;

    /// <summary>
    /// Whether the layers' per-step products (N · GH · (I + H + 1) multiply-adds each) together come to twice
    /// <see cref="RecurrentLayer{T}.InferenceShareGrain"/> and no layer's weights exceed <see cref="WeightBytes"/>.
    /// </summary>
    private static unsafe bool Worth(NetworkShape shape, SequenceBatch<T> batch)
    {
        long total = 0;
        for (int l = 0; l < shape.Layers; l++)
        {
            long columns = shape.LayerInputSize(l) + shape.HiddenSize + 1;
            if ((long)shape.GateRows * columns * sizeof(T) > WeightBytes) return false;
            total += (long)batch.TotalSteps * shape.GateRows * columns;
        }
        return total >= 2 * RecurrentLayer<T>.InferenceShareGrain;
    }

    /// <summary>
    /// The sorted position where half the steps are done, to a multiple of 8, if each half then has at least two
    /// shares' worth of sequences at every step (so that each runs in shares, as the whole batch does); else 0.
    /// </summary>
    private static int Halfway(SequenceBatch<T> batch)
    {
        int count = batch.Count, least = 2 * RecurrentLayer<T>.ShareRows;
        if (count < 2 * least) return 0;
        int split = Math.Clamp(batch.PositionOfSteps(0.5), least, count - least);
        int secondLength = batch.Lengths[batch.SortedToInput[split]];
        bool firstInShares = Math.Min(split, batch.BatchSizes[batch.MaxLength - 1]) >= least;
        bool secondInShares = batch.BatchSizes[secondLength - 1] - split >= least;
        return firstInShares && secondInShares ? split : 0;
    }
}
