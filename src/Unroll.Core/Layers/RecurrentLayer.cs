// Glossary: B sequences, T longest length, N total steps (packed rows), I this layer's inputs (the network's I for the
// first layer, H above), H hidden, G gates, GH = G·H gate rows, b the sequences still running at step t.
// Packed layout: see SequenceBatch (step t's rows are [Offsets[t], + b_t), the previous rows of its sequences
// [Offsets[t − 1], + b_t)). Shapes in comments are (rows × columns), row-major.
// Per-step products, chosen from the batch's shape alone (ChooseProducts), so the bits never depend on the threads:
//   SingleRow  one sequence: h'·W_hhᵀ as a row times the packed matrix (PackedMatrix.MultiplyRow)
//   Shares     at least 32 sequences at every step: the forward's pre-activations as one product
//              [x | h' | 1]·[W_ih | W_hh | b]ᵀ (J = I + H + 1) per step; with enough work the sequences split into
//              shares, one per thread, for the whole time loop (no sequence's step reads another's rows, so no step
//              waits on another thread)
//   Plain      otherwise: the projection of all steps as one product, then each step's product as Gemm runs it
// Plain reference (double loops, forward and backward): tests/Unroll.Core.Tests/Reference/ReferenceNetwork.cs
using System.Numerics;
using System.Numerics.Tensors;
using Unroll.Core.Cells;
using Unroll.Numerics;

namespace Unroll.Core.Layers;

/// <summary>
/// One recurrent layer over a packed batch: its four parameters, its forward pass over every step and its backward
/// pass through time, side by side (llm.c's <c>layernorm_forward</c> / <c>_backward</c>). The network sequences the
/// layers; the cell files hold the per-step equations.
/// </summary>
/// <remarks>
/// The forward writes the tape that the backward reads, in <see cref="ForwardPass{T}"/>, for this layer: the gates
/// (N × GH; LSTM and GRU activated, Elman pre-activations), h (N × H), c (N × H, LSTM), the GRU hidden term
/// W_hn·h' + b_hn (N × H), and the initial h and c (B × H, sorted order).
/// </remarks>
internal sealed class RecurrentLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly CellKind _cell;
    private readonly int _index, _inputs, _hidden, _gateRows;
    // [W_ih | W_hh | b]ᵀ, W_hhᵀ and W_hh packed once per pass where they are used; the joint matrix before packing
    private PackedMatrix<T>? _packedJoint, _packedForward, _packedBackward;
    private T[] _joint = [];
    // The joint weight gradient's transposition: a (16 × J) tile for each of two threads
    private T[] _gradientTiles = [];
    // Where two shares split the sequences in the forward and in the backward
    private readonly ShareBalance _forward = new(), _backward = new();

    /// <summary>
    /// The size of the pre-activation gradients dA (N × GH) above which an LSTM's backward computes dW_ih, dW_hh and
    /// both bias gradients as one product dAᵀ·[x | h' | 1] instead of two products and a column sum: 32 MiB, more than
    /// the last-level cache slice of one core complex holds, so that each separate pass would stream dA from memory
    /// again. Below it dA stays in cache between the passes and the joint product only adds the padding of J = I + H + 1
    /// to whole tiles (W1's 1→32 and W2's 8→128×2 measured slower with it; W3's 64→512, dA 105 MiB, faster).
    /// </summary>
    internal const long DefaultJointGradientBytes = 32L << 20;

    /// <summary>The dA size above which the joint weight-gradient product runs (tests lower it).</summary>
    internal long JointGradientBytes { get; set; } = DefaultJointGradientBytes;

    /// <summary>Layer <paramref name="index"/> of <paramref name="shape"/>, with parameters of its own, or holding
    /// <paramref name="values"/>'s values (a replica, <see cref="RecurrentNetwork{T}.Replica"/>).</summary>
    public RecurrentLayer(NetworkShape shape, int index, RecurrentLayer<T>? values = null)
    {
        (_cell, _index, _inputs, _hidden, _gateRows) = (shape.Cell, index, shape.LayerInputSize(index), shape.HiddenSize, shape.GateRows);
        WeightIh = values is null ? new Parameter<T>($"rnn.weight_ih_l{index}", _gateRows, _inputs) : new Parameter<T>(values.WeightIh);
        WeightHh = values is null ? new Parameter<T>($"rnn.weight_hh_l{index}", _gateRows, _hidden) : new Parameter<T>(values.WeightHh);
        BiasIh = values is null ? new Parameter<T>($"rnn.bias_ih_l{index}", _gateRows) : new Parameter<T>(values.BiasIh);
        BiasHh = values is null ? new Parameter<T>($"rnn.bias_hh_l{index}", _gateRows) : new Parameter<T>(values.BiasHh);
    }

    /// <summary>Where two shares split the sequences in the forward.</summary>
    internal ShareBalance ForwardBalance => _forward;

    /// <summary>Where two shares split the sequences in the backward.</summary>
    internal ShareBalance BackwardBalance => _backward;

    /// <summary>W_ih (GH × I).</summary>
    public Parameter<T> WeightIh { get; }

    /// <summary>W_hh (GH × H).</summary>
    public Parameter<T> WeightHh { get; }

    /// <summary>b_ih (GH).</summary>
    public Parameter<T> BiasIh { get; }

    /// <summary>b_hh (GH).</summary>
    public Parameter<T> BiasHh { get; }

    /// <summary>Runs the layer over every step of a batch, writing its tape; its h (N × H) is the next layer's input.</summary>
    /// <param name="batch">The packed sequences.</param>
    /// <param name="input">The layer's input, packed: (N × I).</param>
    /// <param name="initialHidden">h before the first step (B × H, input order), or null for zeros.</param>
    /// <param name="initialCell">LSTM: c before the first step (B × H, input order), or null for zeros.</param>
    /// <param name="pass">The tape this layer's entries are written to.</param>
    /// <param name="work">The network's scratch arrays.</param>
    /// <param name="simd">The widest vectors the cell kernels use.</param>
    public void Forward(SequenceBatch<T> batch, T[] input, T[]? initialHidden, T[]? initialCell,
        ForwardPass<T> pass, Workspace<T> work, CellSimd simd)
    {
        int l = _index, n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm;
        var h0 = pass.InitialHidden[l] = batch.ToSorted(initialHidden, h, pass.InitialHidden[l]);
        var c0 = pass.InitialCell[l] = lstm ? batch.ToSorted(initialCell, h, pass.InitialCell[l]) : [];
        var products = ChooseProducts(batch);
        bool shared = products == StepProducts.Shares;
        // (N × GH), unless the pass keeps no gates. The joint products in shares compute each step's gates in a buffer
        // of the share's thread (ShareBuffers.Forward) and copy them into the tape, if kept, once the cell is done with
        // them (a large LSTM's cell writes them straight into the tape: ForwardSteps).
        var gates = pass.KeepsGates || !shared ? Workspace<T>.Grow(ref pass.Gates[l], n * gh) : [];
        var hidden = Workspace<T>.Grow(ref pass.Hidden[l], n * h);             // (N × H)
        // (N × H); N × (I + H + 1) where a backward may gather the joint weight gradient's rows into it once it is used up
        var cell = lstm ? Workspace<T>.Grow(ref pass.Cell[l], n * (pass.KeepsGates && JointGradient(n) ? inputs + h + 1 : h)) : [];
        var hiddenN = gru ? Workspace<T>.Grow(ref pass.HiddenN[l], n * h) : [];  // (N × H)
        T[] wih = WeightIh.Value, whh = WeightHh.Value, bih = BiasIh.Value, bhh = BiasHh.Value;

        // The input projection, both biases folded in (GRU keeps b_hh for each step, since its reset multiplies
        // W_hn·h' + b_hn):   gates = X·W_ihᵀ + b_ih (+ b_hh)   (N × GH). A layer that runs in shares computes each
        // step's whole pre-activation as one product with the joint matrix instead (JointWeights), share by share;
        // otherwise the projection is one product over all steps.
        var bias = work.FusedBias(gh);
        if (gru) bih.CopyTo(bias, 0);
        else TensorPrimitives.Add(bih, bhh, bias);
        PackedMatrix<T>? packedJoint = null;
        if (shared)
        {
            packedJoint = JointWeights(wih, gru ? null : whh, bias.AsSpan(0, gh));
        }
        else
        {
            MatrixRows.Fill<T>(gates, bias, n);
            Gemm.Multiply<T>(Transpose.No, Transpose.Yes, n, gh, inputs, input, inputs, wih, inputs, gates, gh, accumulate: true);
        }
        // W_hhᵀ (H × GH) multiplies every step (unless the joint matrix holds it): pack it once when the products are
        // large enough to be packed.
        var packedWhh = shared && !gru ? null : PackedFor(ref _packedForward, Transpose.Yes, gh, h, whh, batch.BatchSizes[0], products);
        T[] hiddenN0 = hiddenN, cell0 = cell;
        bool direct = shared && pass.KeepsGates && JointGradient(n);
        InShares(batch, shared, gh, inputs + h + 1, pass.KeepsGates ? ShareGrain : InferenceShareGrain, _forward, (first, last) => ForwardSteps(batch, first, last, input, packedJoint,
            gates, direct, hidden, cell0, hiddenN0, h0, c0, packedWhh, products, whh, bhh, simd));
    }

    /// <summary>
    /// Packs the joint matrix [W_ih | W_hh | b] (GH × J, J = I + H + 1; without W_hh for GRU, J = I + 1) for a layer
    /// that runs in shares: a step's pre-activations are then one product [x | h' | 1]·[W_ih | W_hh | b]ᵀ, with no
    /// bias to fill and no second pass over the gates.
    /// </summary>
    private PackedMatrix<T> JointWeights(T[] wih, T[]? whh, ReadOnlySpan<T> bias)
    {
        int gh = _gateRows, i = _inputs, hh = whh is null ? 0 : _hidden, j = i + hh + 1;
        var joint = Workspace<T>.Grow(ref _joint, gh * j);
        for (int g = 0; g < gh; g++)
        {
            var row = joint.AsSpan(g * j, j);
            wih.AsSpan(g * i, i).CopyTo(row);
            if (whh is not null) whh.AsSpan(g * hh, hh).CopyTo(row[i..]);
            row[j - 1] = bias[g];
        }
        var packed = _packedJoint ??= new PackedMatrix<T>();
        packed.Pack(Transpose.Yes, gh, j, joint, j);
        return packed;
    }

    /// <summary>
    /// The steps of the sequences at sorted positions [<paramref name="first"/>, <paramref name="last"/>): each step's
    /// pre-activations for those rows (one product with the joint matrix when <paramref name="packedJoint"/> is given,
    /// else the recurrent product added to the projection already there), then the cell. Sequences never mix within a
    /// step, so shares of them run on different threads without meeting. What a share rewrites at every step is in its
    /// thread's buffer (<see cref="ShareBuffers{T}.Forward"/>): with the joint matrix, the step's rows [x | h' | 1] and
    /// its gates (b × GH), copied into <paramref name="tape"/> (N × GH, or empty when the pass keeps no gates) once the
    /// cell has activated them (without it, the gates are computed in the tape itself); GRU's hidden half. With
    /// <paramref name="direct"/> (an LSTM whose tape of gates is larger than the cache, <see cref="JointGradient"/>),
    /// the cell writes the activated gates straight into the tape instead of the buffer, and nothing is copied: W3's
    /// training step took 0.990 and 0.992 of the time (medians of six and five interleaved paired rounds; 229.9 → 229.4
    /// and 225.3 → 224.5 ms). A tape that stays in the cache gains from the copy: W2 (6.5 MB of gates a layer) took
    /// 1.029 of the time with its cell writing there directly.
    /// </summary>
    private void ForwardSteps(SequenceBatch<T> batch, int first, int last, T[] input, PackedMatrix<T>? packedJoint,
        T[] tape, bool direct, T[] hidden, T[] cell, T[] hiddenN, T[] h0, T[] c0, PackedMatrix<T>? packedWhh,
        StepProducts products, T[] whh, T[] bhh, CellSimd simd)
    {
        int h = _hidden, gh = _gateRows, inputs = _inputs, rows = last - first, j = packedJoint?.Rows ?? 0;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm, stepBuffer = packedJoint is not null;
        // This share's step gates (rows × GH) and joint rows (rows × J) with the joint matrix, then GRU's hidden half
        // (rows × 3H), one after another in its thread's buffer.
        var state = ShareBuffers<T>.Forward(rows * ((stepBuffer ? gh + j : 0) + (gru ? gh : 0)));
        Span<T> gates = stepBuffer ? state[..(rows * gh)] : tape;
        Span<T> joint = stepBuffer ? state.Slice(rows * gh, rows * j) : [];
        Span<T> hiddenHalf = gru ? state.Slice(stepBuffer ? rows * (gh + j) : 0, rows * gh) : [];
        for (int t = 0; t < batch.MaxLength; t++)
        {
            int b = Math.Min(batch.BatchSizes[t], last) - first;   // this share's sequences still running
            if (b <= 0) break;
            int row = batch.Offsets[t] + first, previous = t == 0 ? first : batch.Offsets[t - 1] + first;
            ReadOnlySpan<T> hPrev = (t == 0 ? h0 : hidden).AsSpan(previous * h, b * h);
            var gatesStep = gates.Slice(stepBuffer ? 0 : row * gh, b * gh);     // (b × GH)
            var hiddenStep = hidden.AsSpan(row * h, b * h);                     // (b × H)
            if (packedJoint is not null)
            {
                // gates = [x | h' | 1]·[W_ih | W_hh | b]ᵀ for these rows (GRU: [x | 1]·[W_ih | b_ih]ᵀ)
                var rowsStep = joint[..(b * j)];
                JointRows(input.AsSpan(row * inputs, b * inputs), gru ? [] : hPrev, rowsStep, b);
                packedJoint.MultiplyOnThisThread(Transpose.No, b, rowsStep, j, gatesStep, gh, accumulate: false);
            }
            if (gru)
            {
                // The hidden half W_hh·h' + b_hh (b × 3H) apart from the input half in the gates.
                var hiddenHalfStep = hiddenHalf[..(b * gh)];
                MatrixRows.Fill<T>(hiddenHalfStep, bhh, b);
                MultiplyStep(packedWhh, products, t, Transpose.Yes, batch.BatchSizes[t], b, gh, h, hPrev, whh, hiddenHalfStep);
                GruCell.Forward<T>(gatesStep, hiddenHalfStep, hPrev, hiddenN.AsSpan(row * h, b * h), hiddenStep, h, simd);
            }
            else
            {
                // gates += h'·W_hhᵀ   (b × GH), unless the joint product has it
                if (packedJoint is null)
                    MultiplyStep(packedWhh, products, t, Transpose.Yes, batch.BatchSizes[t], b, gh, h, hPrev, whh, gatesStep);
                if (lstm)
                {
                    ReadOnlySpan<T> cPrev = (t == 0 ? c0 : cell).AsSpan(previous * h, b * h);
                    LstmCell.Forward<T>(gatesStep, direct ? tape.AsSpan(row * gh, b * gh) : gatesStep, cPrev, cell.AsSpan(row * h, b * h), hiddenStep, h, simd);
                }
                else
                {
                    ElmanCell.Forward<T>(_cell, gatesStep, hiddenStep);
                }
            }
            if (stepBuffer && tape.Length > 0 && !direct) gatesStep.CopyTo(tape.AsSpan(row * gh, b * gh));
        }
    }

    /// <summary>
    /// Backpropagation through time over this layer: adds dW_ih, dW_hh, db_ih and db_hh to the parameters' gradients
    /// and writes dX (N × I) into <paramref name="dInput"/> unless it is empty.
    /// </summary>
    /// <param name="batch">The packed sequences of the forward pass.</param>
    /// <param name="input">The layer's input in the forward pass, packed: (N × I).</param>
    /// <param name="pass">The forward pass, whose tape for this layer is read.</param>
    /// <param name="dLast">For the top layer, the gradient from the head: (B × H), input order, at each sequence's
    /// last step; else null.</param>
    /// <param name="dAbove">For the layers below the top, the layer above's dX: (N × H), packed; else null.</param>
    /// <param name="dInput">Receives dX (N × I), or empty to skip it. It may be <paramref name="dAbove"/>'s array, or
    /// this layer's h on the tape: it is written last.</param>
    /// <param name="consumeTape">Write the pre-activation gradients over the tape's gates (read just before) instead
    /// of into the workspace.</param>
    /// <param name="truncateSteps">Truncated BPTT: dh and dc stop this many steps before each sequence's end.</param>
    /// <param name="work">The network's scratch arrays.</param>
    /// <param name="simd">The widest vectors the cell kernels use.</param>
    public void Backward(SequenceBatch<T> batch, T[] input, ForwardPass<T> pass, T[]? dLast,
        T[]? dAbove, Span<T> dInput, bool consumeTape, int? truncateSteps, Workspace<T> work, CellSimd simd)
    {
        int l = _index, n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm;
        T[] gates = pass.Gates[l], hidden = pass.Hidden[l], cell = pass.Cell[l], hiddenN = pass.HiddenN[l];
        T[] h0 = pass.InitialHidden[l], c0 = pass.InitialCell[l], whh = WeightHh.Value;
        T[] dGates = consumeTape ? gates : work.DGates(n * gh);                // (N × GH) pre-activation gradients
        T[] dHiddenN = gru ? work.DHiddenN(n * h) : [];                        // (N × H) GRU: dA_n ⊙ r
        var products = ChooseProducts(batch);
        bool shared = products == StepProducts.Shares;
        var packedWhh = PackedFor(ref _packedBackward, Transpose.No, h, gh, whh, batch.BatchSizes[0], products);   // W_hh (GH × H)
        InShares(batch, shared, gh, inputs + h + 1, ShareGrain, _backward, (first, last) => BackwardSteps(batch, first, last, dLast, dAbove, gates, hidden, cell,
            hiddenN, h0, c0, dGates, dHiddenN, packedWhh, whh, products, truncateSteps, simd));
        // Weight gradients as products over all steps. A large LSTM whose tape is used up: all four in one product
        // (AddJointWeightGradient). Otherwise dW_ih = Σ_t dA_tᵀ·x_t in one product; dW_hh = Σ_t dA_tᵀ·h_(t−1) in one
        // product per run of steps whose rows and previous rows are both contiguous (all of them but the first step
        // when every sequence has the same length); the bias gradients as column sums of dA.
        if (lstm && consumeTape && JointGradient(n) && cell.Length >= n * (inputs + h + 1))
            AddJointWeightGradient(batch, input, dGates, hidden, h0, cell);
        else
            AddWeightGradients(batch, input, dGates, dHiddenN, hidden, h0, work);

        // dX = dA_input·W_ih   (N × I): the gradient flowing into the layer below, or into the input.
        if (!dInput.IsEmpty)
            Gemm.Multiply<T>(Transpose.No, Transpose.No, n, inputs, gh, dGates, gh, WeightIh.Value, inputs, dInput, inputs, accumulate: false);
    }

    /// <summary>Whether an LSTM's dA over <paramref name="n"/> steps is large enough for the joint weight-gradient product.</summary>
    private bool JointGradient(int n) => _cell == CellKind.Lstm && (long)n * _gateRows * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > JointGradientBytes;

    /// <summary>
    /// dW_ih += dAᵀ·X, dW_hh += Σ_t dA_tᵀ·h_(t−1), db_ih and db_hh += the column sums of dA (for GRU, db_hn from
    /// dA_n ⊙ r): two products and a column sum, each a pass over dA.
    /// </summary>
    private void AddWeightGradients(SequenceBatch<T> batch, T[] input, T[] dGates, T[] dHiddenN, T[] hidden, T[] h0, Workspace<T> work)
    {
        int n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs;
        bool gru = _cell == CellKind.Gru;
        var biasGradient = work.BiasGradient(gh);                              // (GH)
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, gh, inputs, n, dGates, gh, input, inputs, WeightIh.Gradient, inputs, accumulate: true);
        MatrixRows.ColumnSums<T>(dGates, n, biasGradient, accumulate: false);
        TensorPrimitives.Add(BiasIh.Gradient, biasGradient, BiasIh.Gradient);
        AddRecurrentWeightGradient(batch, dGates, dHiddenN, hidden, h0);
        if (gru)
            MatrixRows.ColumnSums<T>(dHiddenN.AsSpan(0, n * h), n, biasGradient.AsSpan(2 * h, h), accumulate: false);   // r and z: the same sums as b_ih
        TensorPrimitives.Add(BiasHh.Gradient, biasGradient, BiasHh.Gradient);
    }

    /// <summary>
    /// The LSTM's four gradients as one product over all steps: [dW_ih | dW_hh | db] += dAᵀ·[x | h' | 1] (GH × J,
    /// J = I + H + 1), one pass over dA where the separate products make three. Step t's rows [x_t | h_(t−1) | 1]
    /// are gathered into <paramref name="rows"/> (N × J), the cell tape, which the backward steps have used up.
    /// </summary>
    /// <remarks>
    /// The product runs as its transpose, [x | h' | 1]ᵀ·dA (J × GH): GH = 4H fills whole register tiles of 32 columns
    /// whenever H is a multiple of 8, while J always ends in a partial tile (the 1 of the bias), which as C's columns
    /// pads to 32 and as its rows only to 8. W3's 577 columns ran as 608; as rows, 584: the product 82.0 → 79.9 ms
    /// (medians of 20 interleaved in one process; the median of the paired ratios 0.988, and 0.989 for whole training
    /// steps in 8 interleaved pairs of processes). Where both orientations take the packed kernels, as every layer
    /// large enough for this path does unless J ≤ 32 (<see cref="Gemm.PrefersUnpacked"/>), each element is the same
    /// sum in the same order (the K blocks depend on N alone), so the bits do not change. The gathering and the
    /// transposition into the gradients each run in two parts on two threads where they may (W3: 1.8 and 0.9 ms on
    /// one).
    /// </remarks>
    private void AddJointWeightGradient(SequenceBatch<T> batch, T[] input, T[] dGates, T[] hidden, T[] h0, T[] rows)
    {
        int n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs, j = inputs + h + 1;
        // Steps [0, middle) gather on this thread, the rest on the other: about half the rows each.
        int middle = 1;
        while (middle < batch.MaxLength && batch.Offsets[middle] < n / 2) middle++;
        InTwoParts(part =>
        {
            for (int t = part == 0 ? 0 : middle; t < (part == 0 ? middle : batch.MaxLength); t++)
            {
                int row = batch.Offsets[t], b = batch.BatchSizes[t];
                var hPrev = t == 0 ? h0.AsSpan(0, b * h) : hidden.AsSpan(batch.Offsets[t - 1] * h, b * h);
                JointRows(input.AsSpan(row * inputs, b * inputs), hPrev, rows.AsSpan(row * j, b * j), b);
            }
        });
        var sums = Workspace<T>.Grow(ref _joint, j * gh);     // (J × GH); the forward's joint matrix is packed already
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, j, gh, n, rows, j, dGates, gh, sums, gh, accumulate: false);

        // Gate rows [0, split) into the gradients on this thread, the rest on the other, each through a (16 × J) tile
        // of its own: 16 columns of sums are a whole cache line of every row read.
        const int Tile = 16;
        int split = (gh / 2 + Tile - 1) / Tile * Tile;
        var tiles = Workspace<T>.Grow(ref _gradientTiles, 2 * Tile * j);
        T[] dWih = WeightIh.Gradient, dWhh = WeightHh.Gradient, dbih = BiasIh.Gradient, dbhh = BiasHh.Gradient;
        InTwoParts(part =>
        {
            var tile = tiles.AsSpan(part * Tile * j, Tile * j);
            for (int g0 = part == 0 ? 0 : split; g0 < (part == 0 ? Math.Min(split, gh) : gh); g0 += Tile)
            {
                int count = Math.Min(Tile, gh - g0);
                Transposer<T>.Transpose(ref sums[g0], gh, j, count, ref tile[0], j, simd: true);   // tile[q, i] = sums[i, g0 + q]
                for (int q = 0; q < count; q++)
                {
                    int g = g0 + q;
                    var from = tile.Slice(q * j, j);
                    TensorPrimitives.Add(dWih.AsSpan(g * inputs, inputs), from[..inputs], dWih.AsSpan(g * inputs, inputs));
                    TensorPrimitives.Add(dWhh.AsSpan(g * h, h), from.Slice(inputs, h), dWhh.AsSpan(g * h, h));
                    dbih[g] += from[j - 1];
                    dbhh[g] += from[j - 1];
                }
            }
        });
    }

    /// <summary>Runs <paramref name="part"/>(0) and (1): on this thread and the helper where two threads may run and
    /// the helper is free, else one after the other here (for work whose result does not depend on which thread does it).</summary>
    private static void InTwoParts(Action<int> part)
    {
        if (Gemm.ThreadsHere >= 2 && SpinningWorker.TryRun(part)) return;
        part(0);
        part(1);
    }

    /// <summary>
    /// The joint products' rows [x | h' | 1] (b × J, J = I + H + 1; without h', J = I + 1) for b sequences of one step:
    /// x (b × I) and h' (b × H, or empty) side by side, then the constant 1 that multiplies the bias.
    /// </summary>
    private static void JointRows(ReadOnlySpan<T> x, ReadOnlySpan<T> hPrev, Span<T> rows, int b)
    {
        int inputs = x.Length / b, h = hPrev.Length / b, j = inputs + h + 1;
        for (int r = 0; r < b; r++)
        {
            var to = rows.Slice(r * j, j);
            x.Slice(r * inputs, inputs).CopyTo(to);
            hPrev.Slice(r * h, h).CopyTo(to[inputs..]);
            to[j - 1] = T.One;
        }
    }

    /// <summary>
    /// Backpropagation through the steps of the sequences at sorted positions [<paramref name="first"/>,
    /// <paramref name="last"/>), last step first: the cell's backward, then dh' = dA_hidden·W_hh for those rows.
    /// Each sequence's dh and dc flow only into its own rows, so shares run on different threads without meeting;
    /// the state a share carries from step to step is in its thread's buffer (<see cref="ShareBuffers{T}.Backward"/>),
    /// row j - first for the sequence at sorted position j.
    /// </summary>
    private void BackwardSteps(SequenceBatch<T> batch, int first, int last, T[]? dLast, T[]? dAbove, T[] gates, T[] hidden,
        T[] cell, T[] hiddenN, T[] h0, T[] c0, T[] dGates, T[] dHiddenN, PackedMatrix<T>? packedWhh, T[] whh, StepProducts products,
        int? truncateSteps, CellSimd simd)
    {
        int h = _hidden, gh = _gateRows, rows = last - first;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm;
        // This share's (rows × H) state, and GRU's (rows × 3H) hidden half, one after another in its thread's buffer.
        var state = ShareBuffers<T>.Backward(rows * (lstm ? 4 * h : gru ? 3 * h + gh : 2 * h));
        Span<T> carry = state[..(rows * h)];                                    // dh to the previous step
        Span<T> dhStep = state.Slice(rows * h, rows * h);                       // the total dh at this step
        Span<T> carryCell = lstm ? state.Slice(2 * rows * h, rows * h) : [];   // LSTM: dc to the previous step
        Span<T> tanhC = lstm ? state.Slice(3 * rows * h, rows * h) : [];       // LSTM: tanh(c)
        Span<T> dhPrevDirect = gru ? state.Slice(2 * rows * h, rows * h) : []; // GRU: dh ⊙ z
        Span<T> dHiddenHalf = gru ? state.Slice(3 * rows * h, rows * gh) : []; // GRU: this step's hidden half
        carry.Clear();
        carryCell.Clear();
        for (int t = batch.MaxLength - 1; t >= 0; t--)
        {
            int b = Math.Min(batch.BatchSizes[t], last) - first;   // this share's sequences still running
            if (b <= 0) continue;
            int row = batch.Offsets[t] + first, previous = t == 0 ? first : batch.Offsets[t - 1] + first;
            ReadOnlySpan<T> hPrev = (t == 0 ? h0 : hidden).AsSpan(previous * h, b * h);
            var dh = dhStep[..(b * h)];
            var carryStep = carry[..(b * h)];
            if (dLast is not null)
            {
                // Sequences at sorted positions [b_(t+1), b_t) end here: the head's gradient enters at their last step.
                carryStep.CopyTo(dh);
                int ending = t + 1 < batch.MaxLength ? batch.BatchSizes[t + 1] : 0;
                for (int j = Math.Max(ending, first); j < first + b; j++)
                    TensorPrimitives.Add(dh.Slice((j - first) * h, h), dLast.AsSpan(batch.SortedToInput[j] * h, h), dh.Slice((j - first) * h, h));
            }
            else
            {
                TensorPrimitives.Add(dAbove.AsSpan(row * h, b * h), carryStep, dh);
            }
            var dInputHalf = dGates.AsSpan(row * gh, b * gh);                  // (b × GH) dA of W_ih·x + b_ih
            Span<T> dHiddenHalfStep;                                            // (b × GH) dA of W_hh·h' + b_hh
            if (lstm)
            {
                ReadOnlySpan<T> cPrev = (t == 0 ? c0 : cell).AsSpan(previous * h, b * h);
                var dc = carryCell[..(b * h)];
                LstmCell.Backward<T>(gates.AsSpan(row * gh, b * gh), cPrev, cell.AsSpan(row * h, b * h), dh, dc, dInputHalf, dc,
                    tanhC[..(b * h)], h, simd);
                dHiddenHalfStep = dInputHalf;
            }
            else if (gru)
            {
                dHiddenHalfStep = dHiddenHalf[..(b * gh)];
                GruCell.Backward<T>(gates.AsSpan(row * gh, b * gh), hiddenN.AsSpan(row * h, b * h), hPrev, dh, dInputHalf, dHiddenHalfStep,
                    dhPrevDirect[..(b * h)], h, simd);
                for (int j = 0; j < b; j++)
                    dHiddenHalfStep.Slice(j * gh + 2 * h, h).CopyTo(dHiddenN.AsSpan((row + j) * h, h));
            }
            else
            {
                ElmanCell.Backward<T>(_cell, hidden.AsSpan(row * h, b * h), dh, dInputHalf, simd);
                dHiddenHalfStep = dInputHalf;
            }
            // The first step's dh' would flow into the initial state, whose gradient nothing reads: its product is skipped.
            if (t == 0) break;
            // dh' = dA_hidden·W_hh   (b × H) = (b × GH)·(GH × H), plus GRU's direct path dh ⊙ z
            carryStep.Clear();
            MultiplyStep(packedWhh, products, t, Transpose.No, batch.BatchSizes[t], b, h, gh, dHiddenHalfStep, whh, carryStep);
            if (gru)
                TensorPrimitives.Add(carryStep, dhPrevDirect[..(b * h)], carryStep);
            if (truncateSteps is int window)
                for (int j = first; j < first + b; j++)
                    if (t <= batch.Lengths[batch.SortedToInput[j]] - window)
                    {
                        carry.Slice((j - first) * h, h).Clear();
                        if (lstm) carryCell.Slice((j - first) * h, h).Clear();
                    }
        }
    }

    /// <summary>
    /// op(W) packed for the per-step products when they run in shares or as a single row, or when the largest step
    /// (<paramref name="rows"/> sequences) takes the packed path; null when plain products are as fast.
    /// </summary>
    private static PackedMatrix<T>? PackedFor(ref PackedMatrix<T>? slot, Transpose transB, int n, int k, T[] weights, int rows, StepProducts products)
    {
        if (products == StepProducts.Plain && !PackedMatrix<T>.Pays(rows, n, k, transB)) return null;   // (the largest step decides)
        var packed = slot ??= new PackedMatrix<T>();
        packed.Pack(transB, n, k, weights, transB == Transpose.Yes ? k : n);
        return packed;
    }

    /// <summary>How a layer's per-step products run, chosen from the shapes alone (never the thread count).</summary>
    internal enum StepProducts
    {
        /// <summary>Each step's product as <see cref="Gemm"/> would run it, through W packed once where that pays.</summary>
        Plain,
        /// <summary>
        /// The joint product [x | h' | 1]·[W_ih | W_hh | b]ᵀ per step (<see cref="RunsInShares"/>), the sequences in one
        /// share or, with enough work, in several, each through the packed W on its own thread.
        /// </summary>
        Shares,
        /// <summary>One sequence: a row times the packed W (<see cref="PackedMatrix{T}.MultiplyRow"/>).</summary>
        SingleRow,
    }

    /// <summary>The per-step products for this batch and layer.</summary>
    internal static StepProducts ChooseProducts(SequenceBatch<T> batch)
        => batch.Count == 1 ? StepProducts.SingleRow : RunsInShares(batch) ? StepProducts.Shares : StepProducts.Plain;

    /// <summary>A share's worth of sequences: a layer takes the joint products only when every step has at least two
    /// shares' worth running, and runs in no more shares than it has shares' worth.</summary>
    internal const int ShareRows = 16;

    /// <summary>
    /// Multiply-adds of a layer's per-step products (N · GH · (I + H + 1): the joint product, or GRU's input and hidden
    /// halves) worth one more share (thread) in a training step's forward and backward: W1's whole forward, 0.17 ms of
    /// one core. A training step splits at a coarser grain than Infer because what one core writes to the tape the
    /// other reads back: with W1's forward in two shares (8.4 million) it ran 0.172 → 0.155 ms, but the backward steps
    /// that read its tape on one core went 0.134 → 0.147 and the weight-gradient products 0.117 → 0.122. With the
    /// backward in two shares as well, W1's whole step was no faster (0.450 → 0.466 ms, eight interleaved rounds) and
    /// W5's took 0.378 → 0.497. The input width counts: a layer of many inputs and few units has most of its work in
    /// the input half. A trainer runs batches of at least 64 sequences in two halves of their own instead
    /// (<see cref="BatchHalves{T}"/>), which meet only in the loss and the gradients' sum: W1's step 0.455 → 0.286 ms,
    /// W2's 15.7 → 13.2; these shares serve smaller batches, and each half where more than two threads may run.
    /// </summary>
    internal const long ShareGrain = 1L << 23;

    /// <summary>
    /// <see cref="ShareGrain"/> for a forward that keeps no tape (Infer), whose shares meet only at the end: two
    /// shares from 5.2 million multiply-adds. Measured on batches of 30-step sequences, medians of four interleaved
    /// runs: two shares were faster from 6.3 million (W5 gru 1→32: 0.154 → 0.140 ms; W6 rnn_tanh 1→64, 8.1 million:
    /// 0.172 → 0.143; W1 lstm 1→32, 8.4 million: 0.166 → 0.129) and slower below 4.2 million (lstm 1→32 over 32
    /// sequences: 0.086 → 0.093; lstm 1→16 over 64, 2.2 million: 0.075 → 0.082). On two threads `Infer` first splits
    /// a batch of at least 64 sequences into halves of their own (<see cref="BatchHalves{T}"/>), faster still (W1
    /// 0.131 → 0.093 ms, W2 4.23 → 3.86); these shares serve where the halves do not.
    /// </summary>
    internal const long InferenceShareGrain = 5L << 19;

    /// <summary>
    /// Whether a layer's steps take the joint products, in shares of sequences: when every step has at least two
    /// shares' worth of sequences. How many shares (<see cref="InShares"/>) depends on the work: a layer below twice
    /// <see cref="ShareGrain"/> runs as one share on one thread, which still measured faster than the plain products
    /// (no pass writing the projection of every step before the loop reads it back): W1's forward 0.194 → 0.183 ms and
    /// its training step 0.514 → 0.482, medians of five interleaved runs on one core; W5 and W6 within 2 %. It depends
    /// on the shapes alone, never on the thread count, so the products and their bits are the same on one thread or
    /// several.
    /// </summary>
    internal static bool RunsInShares(SequenceBatch<T> batch)
        => batch.BatchSizes[batch.MaxLength - 1] >= 2 * ShareRows;

    /// <summary>
    /// Runs <paramref name="steps"/> over sorted positions [first, last) of the batch: all of them on this thread, or
    /// in shares on up to <see cref="Gemm.MaxThreads"/> threads when the layer runs in shares. Two shares run on this
    /// thread and the <see cref="SpinningWorker"/> (steadier than Parallel.For's hand-off to a pool thread: W2's
    /// forward 5.5–5.8 ms against 5.6–7.5 in four interleaved runs) and split the steps as <paramref name="balance"/>
    /// measured their speed; more shares take about equal work.
    /// </summary>
    private static void InShares(SequenceBatch<T> batch, bool shared, int gateRows, int columns, long grain, ShareBalance balance, Action<int, int> steps)
    {
        int count = batch.Count;
        long work = (long)batch.TotalSteps * gateRows * columns;              // columns = I + H + 1
        int shares = shared ? (int)Math.Min(Math.Min(Gemm.ThreadsHere, batch.BatchSizes[batch.MaxLength - 1] / ShareRows), work / grain) : 1;   // 0 (little work) runs as 1
        if (shares <= 1)
        {
            steps(0, count);
            return;
        }
        // Share p ends where the running total of steps (sequences sorted longest first) passes its part of all the
        // steps (p/shares, or the balance's for the first of two), rounded to 8 rows: about the same time for each
        // share, however ragged the batch.
        var bounds = new int[shares + 1];
        bounds[shares] = count;
        for (int p = 1; p < shares; p++)
            bounds[p] = Math.Clamp(batch.PositionOfSteps(shares == 2 ? balance.FirstShare : (double)p / shares), bounds[p - 1], count);
        long total = batch.TotalSteps, firstSteps = 0;
        if (shares > 2)
        {
            System.Threading.Tasks.Parallel.For(0, shares, new ParallelOptions { MaxDegreeOfParallelism = shares },
                p => steps(bounds[p], bounds[p + 1]));
            return;
        }
        balance.LastSplit = bounds[1];
        if (SpinningWorker.TryRun(p => balance.Run(p, steps, bounds[p], bounds[p + 1])))
        {
            for (int j = 0; j < bounds[1]; j++) firstSteps += batch.Lengths[batch.SortedToInput[j]];
            balance.Record(firstSteps, total - firstSteps);
        }
        else
        {
            steps(0, bounds[1]);      // the helper is busy with another network's job: both shares here, the same bits
            steps(bounds[1], count);
        }
    }

    /// <summary>
    /// dW_hh += Σ_t dA_tᵀ·h_(t−1) (GH × H). Step t's rows are [Offsets[t], +b_t) and their previous hidden states are
    /// rows [Offsets[t−1], +b_t) of the layer's output; a run of steps whose batch sizes stay equal (but for its last)
    /// is contiguous in both, so it is one product. For GRU the n block of the hidden half is dA_n ⊙ r, kept apart.
    /// </summary>
    private void AddRecurrentWeightGradient(SequenceBatch<T> batch, T[] dGates, T[] dHiddenN, T[] hidden, T[] h0)
    {
        int h = _hidden, gh = _gateRows;
        var dWhh = WeightHh.Gradient;
        bool gru = _cell == CellKind.Gru;
        void Product(int row, int rows, ReadOnlySpan<T> previous)
        {
            if (!gru)
            {
                Gemm.Multiply<T>(Transpose.Yes, Transpose.No, gh, h, rows, dGates.AsSpan(row * gh), gh, previous, h, dWhh, h, accumulate: true);
                return;
            }
            // r and z rows of dW_hh from the shared gradient (the first 2H columns of dA); n rows from dA_n ⊙ r.
            Gemm.Multiply<T>(Transpose.Yes, Transpose.No, 2 * h, h, rows, dGates.AsSpan(row * gh), gh, previous, h, dWhh, h, accumulate: true);
            Gemm.Multiply<T>(Transpose.Yes, Transpose.No, h, h, rows, dHiddenN.AsSpan(row * h), h, previous, h, dWhh.AsSpan(2 * h * h), h, accumulate: true);
        }
        Product(0, batch.BatchSizes[0], h0);
        for (int t = 1; t < batch.MaxLength;)
        {
            int end = t;
            while (end + 1 < batch.MaxLength && batch.BatchSizes[end] == batch.BatchSizes[end - 1]) end++;
            int row = batch.Offsets[t], rows = batch.Offsets[end] + batch.BatchSizes[end] - row;
            Product(row, rows, hidden.AsSpan(batch.Offsets[t - 1] * h, rows * h));
            t = end + 1;
        }
    }

    /// <summary>
    /// C (rows × n) += op(A)·op(W) for a share's <paramref name="rows"/> of a step of <paramref name="stepRows"/>
    /// sequences: for one sequence, a row times the packed W; in a layer that runs in shares, always through the packed
    /// W on this thread (the bits do not depend on the rows); otherwise, with rows the whole step, through the packed W
    /// where it pays for this many rows.
    /// </summary>
    private static void MultiplyStep(PackedMatrix<T>? packed, StepProducts products, int step, Transpose transB, int stepRows, int rows,
        int n, int k, ReadOnlySpan<T> a, T[] weights, Span<T> c)
    {
        if (products == StepProducts.SingleRow)
            packed!.MultiplyRow(a, c, backwards: step % 2 == 1);   // each step starts where the last ended, in L1
        else if (products == StepProducts.Shares)
            packed!.MultiplyOnThisThread(Transpose.No, rows, a, k, c, n, accumulate: true);
        else if (packed is not null && PackedMatrix<T>.Pays(stepRows, n, k, transB))
            packed.Multiply(Transpose.No, rows, a, k, c, n, accumulate: true);
        else
            Gemm.Multiply<T>(Transpose.No, transB, rows, n, k, a, k, weights, transB == Transpose.Yes ? k : n, c, n, accumulate: true);
    }

}
