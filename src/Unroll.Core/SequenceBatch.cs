// Glossary: B sequences, T = the longest length, N = total steps of all sequences, I features per step.
// Packed layout (as PyTorch's PackedSequence): sequences sorted by length, longest first (stable), then
// step-major: the rows of step t are the first BatchSizes[t] sorted sequences, starting at row Offsets[t].
// Because the order is longest-first, the sequences still running at step t are a prefix of those at t − 1,
// so "the previous hidden state of row j at step t" is row j of step t − 1.
using System.Numerics;

namespace Unroll.Core;

/// <summary>
/// A ragged batch: sequences of any lengths packed into one (N × I) matrix so each time step runs as one
/// matrix product over the sequences still running. Users never sort or pad: pass sequences in any order.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class SequenceBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _lengths, _sortedToInput, _inputToSorted, _batchSizes, _offsets;
    private readonly T[] _packed;

    private SequenceBatch(int inputSize, int[] lengths, int[] order, int[] batchSizes, int[] offsets, T[] packed)
    {
        InputSize = inputSize;
        _lengths = lengths;
        _sortedToInput = order;
        _inputToSorted = new int[order.Length];
        for (int j = 0; j < order.Length; j++) _inputToSorted[order[j]] = j;
        _batchSizes = batchSizes;
        _offsets = offsets;
        _packed = packed;
    }

    /// <summary>I, features per step.</summary>
    public int InputSize { get; }

    /// <summary>B, the number of sequences.</summary>
    public int Count => _lengths.Length;

    /// <summary>Length of each sequence, in input order: (B).</summary>
    public ReadOnlySpan<int> Lengths => _lengths;

    /// <summary>T, the longest length.</summary>
    public int MaxLength => _batchSizes.Length;

    /// <summary>N, the total number of steps.</summary>
    public int TotalSteps => _packed.Length / Math.Max(1, InputSize);

    /// <summary>Input index of the sequence at sorted position j: (B).</summary>
    public ReadOnlySpan<int> SortedToInput => _sortedToInput;

    /// <summary>Sorted position of input sequence i: (B).</summary>
    public ReadOnlySpan<int> InputToSorted => _inputToSorted;

    /// <summary>Number of sequences still running at each step: (T).</summary>
    public ReadOnlySpan<int> BatchSizes => _batchSizes;

    /// <summary>First packed row of each step: (T).</summary>
    public ReadOnlySpan<int> Offsets => _offsets;

    /// <summary>The steps, packed: (N × I).</summary>
    public ReadOnlySpan<T> Packed => _packed;

    /// <summary>The packed steps' array itself, for the layers (never written).</summary>
    internal T[] PackedArray => _packed;

    /// <summary>The batch's own packed array, writable: for tests that perturb an input (finite differences).</summary>
    internal Span<T> PackedForTests => _packed;

    /// <summary>Packed row of step <paramref name="t"/> of the sequence at sorted position <paramref name="j"/>.</summary>
    public int Row(int t, int j) => _offsets[t] + j;

    /// <summary>Packed row of the last step of input sequence <paramref name="i"/>.</summary>
    public int LastRow(int i) => Row(_lengths[i] - 1, _inputToSorted[i]);

    // ---------------------------------------------------------------- gather and scatter of the packed layout

    /// <summary>
    /// Input sequence <paramref name="sequence"/>'s rows of a packed (N × <paramref name="width"/>) matrix, in step
    /// order: (length × width), a fresh array. <paramref name="packed"/> may be longer than N rows.
    /// </summary>
    internal T[] StepsOf(ReadOnlySpan<T> packed, int width, int sequence)
    {
        int length = _lengths[sequence], j = _inputToSorted[sequence];
        var result = new T[length * width];
        for (int t = 0; t < length; t++)
            packed.Slice(Row(t, j) * width, width).CopyTo(result.AsSpan(t * width, width));
        return result;
    }

    /// <summary>Each input sequence's last row of a packed (N × <paramref name="width"/>) matrix: (B × width), input order.</summary>
    internal T[] GatherLast(ReadOnlySpan<T> packed, int width)
    {
        var result = new T[Count * width];
        for (int i = 0; i < Count; i++)
            packed.Slice(LastRow(i) * width, width).CopyTo(result.AsSpan(i * width, width));
        return result;
    }

    /// <summary>
    /// A (B × <paramref name="width"/>) matrix from input order into sorted order (zeros when <paramref name="inputOrder"/>
    /// is null), written into <paramref name="reuse"/> when it has exactly B × width values, else into a new array.
    /// </summary>
    internal T[] ToSorted(T[]? inputOrder, int width, T[]? reuse = null)
    {
        var sorted = reuse is not null && reuse.Length == Count * width ? reuse : new T[Count * width];
        if (inputOrder is null)
        {
            Array.Clear(sorted);
            return sorted;
        }
        for (int j = 0; j < Count; j++)
            inputOrder.AsSpan(_sortedToInput[j] * width, width).CopyTo(sorted.AsSpan(j * width, width));
        return sorted;
    }

    /// <summary>Packs sequences given as steps of feature vectors.</summary>
    /// <param name="sequences">Each sequence a list of steps, each step <paramref name="inputSize"/> features.</param>
    /// <param name="inputSize">I, which every step must match.</param>
    /// <exception cref="ArgumentException">A sequence is empty or a step has the wrong number of features.</exception>
    public static SequenceBatch<T> Create(IReadOnlyList<IReadOnlyList<T[]>> sequences, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("the batch holds no sequences: give at least one");
        int count = sequences.Count;
        var lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            var sequence = sequences[i] ?? throw new ArgumentException($"sequence {i} is null");
            if (sequence.Count == 0)
                throw new ArgumentException($"sequence {i} has no steps: every sequence needs at least one");
            for (int t = 0; t < sequence.Count; t++)
            {
                int found = sequence[t]?.Length ?? 0;
                if (found != inputSize)
                    throw new ArgumentException(
                        $"sequence {i}, step {t} has {found} feature{(found == 1 ? "" : "s")}, the model expects {inputSize}");
            }
            lengths[i] = sequence.Count;
        }
        return Pack(lengths, inputSize, (i, t, row) => sequences[i][t].CopyTo(row));
    }

    /// <summary>Packs sequences given as flat row-major arrays (length × I each).</summary>
    public static SequenceBatch<T> FromFlat(IReadOnlyList<T[]> sequences, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("the batch holds no sequences: give at least one");
        if (inputSize < 1) throw new ArgumentException($"input size must be at least 1, got {inputSize}");
        var lengths = new int[sequences.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            int n = sequences[i].Length;
            if (n == 0 || n % inputSize != 0)
                throw new ArgumentException(
                    $"sequence {i} has {n} values, expected a positive multiple of the {inputSize} features per step");
            lengths[i] = n / inputSize;
        }
        return Pack(lengths, inputSize, (i, t, row) => sequences[i].AsSpan(t * inputSize, inputSize).CopyTo(row));
    }

    /// <summary>
    /// The sorted position where the running total of steps, sequences longest first, first reaches
    /// <paramref name="part"/> (at most 1) of all steps, rounded to a multiple of 8: where a share of a layer's
    /// sequences or a half of the batch ends, about that part of the work, however ragged the batch.
    /// </summary>
    internal int PositionOfSteps(double part)
    {
        long total = TotalSteps, sum = 0;
        int j = 0;
        while (j < Count - 1 && (sum += _lengths[_sortedToInput[j]]) < total * part) j++;
        return (j + 1 + 4) / 8 * 8;
    }

    /// <summary>
    /// The sequences at sorted positions [<paramref name="first"/>, <paramref name="last"/>) as a batch of their own,
    /// whose input order is their sorted order here (its sequence i is this batch's sorted position first + i).
    /// </summary>
    internal SequenceBatch<T> Slice(int first, int last)
    {
        var lengths = new int[last - first];
        for (int j = first; j < last; j++) lengths[j - first] = _lengths[_sortedToInput[j]];
        int width = InputSize;
        return Pack(lengths, width, (i, t, row) => _packed.AsSpan((_offsets[t] + first + i) * width, width).CopyTo(row));
    }

    /// <summary>
    /// Copies into this batch, a <see cref="Slice"/> of <paramref name="whole"/> from sorted position
    /// <paramref name="first"/>, the current values of its sequences' steps (the whole's may have been written since).
    /// </summary>
    internal void CopyStepsFrom(SequenceBatch<T> whole, int first)
    {
        int width = InputSize;
        for (int t = 0; t < MaxLength; t++)
            whole._packed.AsSpan((whole._offsets[t] + first) * width, _batchSizes[t] * width).CopyTo(_packed.AsSpan(_offsets[t] * width));
    }

    private delegate void StepWriter(int sequence, int step, Span<T> row);

    private static SequenceBatch<T> Pack(int[] lengths, int inputSize, StepWriter write)
    {
        int count = lengths.Length;
        // Stable sort by length, longest first.
        var order = Enumerable.Range(0, count).OrderByDescending(i => lengths[i]).ToArray();
        int maxLength = lengths[order[0]];
        var batchSizes = new int[maxLength];
        var offsets = new int[maxLength];
        int total = 0;
        for (int t = 0, active = count; t < maxLength; t++)
        {
            while (active > 0 && lengths[order[active - 1]] <= t) active--;
            batchSizes[t] = active;
            offsets[t] = total;
            total = checked(total + active);
        }
        var packed = new T[checked(total * inputSize)];
        for (int t = 0; t < maxLength; t++)
            for (int j = 0; j < batchSizes[t]; j++)
                write(order[j], t, packed.AsSpan((offsets[t] + j) * inputSize, inputSize));
        return new SequenceBatch<T>(inputSize, lengths, order, batchSizes, offsets, packed);
    }
}
