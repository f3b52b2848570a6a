// Glossary: B sequences, T longest length, N total steps (packed rows), I this layer's inputs (the network's I for the
// first layer, H above), H hidden, G gates, GH = G·H gate rows, b the sequences still running at step t.
// Packed layout: see SequenceBatch (step t's rows are [Offsets[t], + b_t), the previous rows of its sequences
// [Offsets[t − 1], + b_t)). Shapes in comments are (rows × columns), row-major.
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
    private PackedMatrix<T>? _packedForward, _packedBackward;   // W_hhᵀ and W_hh packed once per pass, where it pays

    public RecurrentLayer(NetworkShape shape, int index)
    {
        (_cell, _index, _inputs, _hidden, _gateRows) = (shape.Cell, index, shape.LayerInputSize(index), shape.HiddenSize, shape.GateRows);
        WeightIh = new Parameter<T>($"rnn.weight_ih_l{index}", _gateRows, _inputs);
        WeightHh = new Parameter<T>($"rnn.weight_hh_l{index}", _gateRows, _hidden);
        BiasIh = new Parameter<T>($"rnn.bias_ih_l{index}", _gateRows);
        BiasHh = new Parameter<T>($"rnn.bias_hh_l{index}", _gateRows);
    }

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
    public void Forward(SequenceBatch<T> batch, ReadOnlySpan<T> input, T[]? initialHidden, T[]? initialCell,
        ForwardPass<T> pass, Workspace<T> work, CellSimd simd)
    {
        int l = _index, n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm;
        var h0 = pass.InitialHidden[l] = batch.ToSorted(initialHidden, h, pass.InitialHidden[l]);
        var c0 = pass.InitialCell[l] = lstm ? batch.ToSorted(initialCell, h, pass.InitialCell[l]) : [];
        var gates = Workspace<T>.Grow(ref pass.Gates[l], n * gh);              // (N × GH)
        var hidden = Workspace<T>.Grow(ref pass.Hidden[l], n * h);             // (N × H)
        var cell = lstm ? Workspace<T>.Grow(ref pass.Cell[l], n * h) : [];     // (N × H)
        var hiddenN = gru ? Workspace<T>.Grow(ref pass.HiddenN[l], n * h) : [];  // (N × H)
        T[] hiddenHalf = gru ? work.HiddenHalf(batch.Count * gh) : [];         // (B × 3H)
        T[] wih = WeightIh.Value, whh = WeightHh.Value, bih = BiasIh.Value, bhh = BiasHh.Value;

        // The input projection of all steps as one product, both biases folded in (GRU keeps b_hh for each step,
        // since its reset multiplies W_hn·h' + b_hn):   gates = X·W_ihᵀ + b_ih (+ b_hh)   (N × GH)
        var bias = work.FusedBias(gh);
        if (gru) bih.CopyTo(bias, 0);
        else TensorPrimitives.Add(bih, bhh, bias);
        MatrixRows.Fill<T>(gates, bias, n);
        Gemm.Multiply<T>(Transpose.No, Transpose.Yes, n, gh, inputs, input, inputs, wih, inputs, gates, gh, accumulate: true);
        // W_hhᵀ (H × GH) multiplies every step: pack it once when the products are large enough to be packed.
        var packedWhh = PackedFor(ref _packedForward, Transpose.Yes, gh, h, whh, batch.BatchSizes[0]);

        for (int t = 0; t < batch.MaxLength; t++)
        {
            int b = batch.BatchSizes[t], row = batch.Offsets[t];
            ReadOnlySpan<T> hPrev = t == 0 ? h0.AsSpan(0, b * h) : hidden.AsSpan(batch.Offsets[t - 1] * h, b * h);
            var gatesStep = gates.AsSpan(row * gh, b * gh);                     // (b × GH)
            var hiddenStep = hidden.AsSpan(row * h, b * h);                     // (b × H)
            if (gru)
            {
                // The hidden half W_hh·h' + b_hh (b × 3H) apart from the input half in the gates.
                var hiddenHalfStep = hiddenHalf.AsSpan(0, b * gh);
                MatrixRows.Fill<T>(hiddenHalfStep, bhh, b);
                MultiplyStep(packedWhh, Transpose.Yes, b, gh, h, hPrev, whh, hiddenHalfStep);
                GruCell.Forward<T>(gatesStep, hiddenHalfStep, hPrev, hiddenN.AsSpan(row * h, b * h), hiddenStep, h, simd);
                continue;
            }
            // gates += h'·W_hhᵀ   (b × GH)
            MultiplyStep(packedWhh, Transpose.Yes, b, gh, h, hPrev, whh, gatesStep);
            if (lstm)
            {
                ReadOnlySpan<T> cPrev = t == 0 ? c0.AsSpan(0, b * h) : cell.AsSpan(batch.Offsets[t - 1] * h, b * h);
                LstmCell.Forward<T>(gatesStep, cPrev, cell.AsSpan(row * h, b * h), hiddenStep, h, simd);
            }
            else
            {
                ElmanCell.Forward<T>(_cell, gatesStep, hiddenStep);
            }
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
    /// last step; else empty.</param>
    /// <param name="dAbove">For the layers below the top, the layer above's dX: (N × H), packed; else empty.</param>
    /// <param name="dInput">Receives dX (N × I), or empty to skip it. It may be <paramref name="dAbove"/>'s array, or
    /// this layer's h on the tape: it is written last.</param>
    /// <param name="consumeTape">Write the pre-activation gradients over the tape's gates (read just before) instead
    /// of into the workspace.</param>
    /// <param name="truncateSteps">Truncated BPTT: dh and dc stop this many steps before each sequence's end.</param>
    /// <param name="work">The network's scratch arrays.</param>
    /// <param name="simd">The widest vectors the cell kernels use.</param>
    public void Backward(SequenceBatch<T> batch, ReadOnlySpan<T> input, ForwardPass<T> pass, ReadOnlySpan<T> dLast,
        ReadOnlySpan<T> dAbove, Span<T> dInput, bool consumeTape, int? truncateSteps, Workspace<T> work, CellSimd simd)
    {
        int l = _index, count = batch.Count, n = batch.TotalSteps, h = _hidden, gh = _gateRows, inputs = _inputs;
        bool gru = _cell == CellKind.Gru, lstm = _cell == CellKind.Lstm, top = !dLast.IsEmpty;
        T[] gates = pass.Gates[l], hidden = pass.Hidden[l], cell = pass.Cell[l], hiddenN = pass.HiddenN[l];
        T[] h0 = pass.InitialHidden[l], c0 = pass.InitialCell[l], whh = WeightHh.Value;
        T[] dGates = consumeTape ? gates : work.DGates(n * gh);                // (N × GH) pre-activation gradients
        T[] dHiddenN = gru ? work.DHiddenN(n * h) : [];                        // (N × H) GRU: dA_n ⊙ r
        T[] dHiddenHalf = gru ? work.DHiddenHalf(count * gh) : [];             // (B × 3H) GRU: this step's hidden half
        T[] dhPrevDirect = gru ? work.DhPrevDirect(count * h) : [];            // (B × H) GRU: dh ⊙ z
        T[] tanhC = lstm ? work.TanhC(count * h) : [];                         // (B × H) LSTM: tanh(c)
        T[] carry = work.Carry(count * h);                                     // (B × H) dh to the previous step
        T[] carryCell = lstm ? work.CarryCell(count * h) : [];                 // (B × H) dc to the previous step
        T[] dhStep = work.Dh(count * h);                                       // (B × H) total dh at this step
        Array.Clear(carry, 0, count * h);
        if (lstm) Array.Clear(carryCell, 0, count * h);
        var packedWhh = PackedFor(ref _packedBackward, Transpose.No, h, gh, whh, batch.BatchSizes[0]);   // W_hh (GH × H)

        for (int t = batch.MaxLength - 1; t >= 0; t--)
        {
            int b = batch.BatchSizes[t], row = batch.Offsets[t];
            ReadOnlySpan<T> hPrev = t == 0 ? h0.AsSpan(0, b * h) : hidden.AsSpan(batch.Offsets[t - 1] * h, b * h);
            var dh = dhStep.AsSpan(0, b * h);
            if (top)
            {
                // Sequences at sorted positions [b_(t+1), b_t) end here: the head's gradient enters at their last step.
                carry.AsSpan(0, b * h).CopyTo(dh);
                int ending = t + 1 < batch.MaxLength ? batch.BatchSizes[t + 1] : 0;
                for (int j = ending; j < b; j++)
                    TensorPrimitives.Add(dh.Slice(j * h, h), dLast.Slice(batch.SortedToInput[j] * h, h), dh.Slice(j * h, h));
            }
            else
            {
                TensorPrimitives.Add(dAbove.Slice(row * h, b * h), carry.AsSpan(0, b * h), dh);
            }
            var dInputHalf = dGates.AsSpan(row * gh, b * gh);                  // (b × GH) dA of W_ih·x + b_ih
            Span<T> dHiddenHalfStep;                                            // (b × GH) dA of W_hh·h' + b_hh
            if (lstm)
            {
                ReadOnlySpan<T> cPrev = t == 0 ? c0.AsSpan(0, b * h) : cell.AsSpan(batch.Offsets[t - 1] * h, b * h);
                var dc = carryCell.AsSpan(0, b * h);
                LstmCell.Backward<T>(gates.AsSpan(row * gh, b * gh), cPrev, cell.AsSpan(row * h, b * h), dh, dc, dInputHalf, dc, tanhC, h, simd);
                dHiddenHalfStep = dInputHalf;
            }
            else if (gru)
            {
                dHiddenHalfStep = dHiddenHalf.AsSpan(0, b * gh);
                GruCell.Backward<T>(gates.AsSpan(row * gh, b * gh), hiddenN.AsSpan(row * h, b * h), hPrev, dh, dInputHalf, dHiddenHalfStep, dhPrevDirect.AsSpan(0, b * h), h, simd);
                for (int j = 0; j < b; j++)
                    dHiddenHalfStep.Slice(j * gh + 2 * h, h).CopyTo(dHiddenN.AsSpan((row + j) * h, h));
            }
            else
            {
                ElmanCell.Backward<T>(_cell, hidden.AsSpan(row * h, b * h), dh, dInputHalf, simd);
                dHiddenHalfStep = dInputHalf;
            }
            // dh' = dA_hidden·W_hh   (b × H) = (b × GH)·(GH × H), plus GRU's direct path dh ⊙ z
            carry.AsSpan(0, b * h).Clear();
            MultiplyStep(packedWhh, Transpose.No, b, h, gh, dHiddenHalfStep, whh, carry);
            if (gru)
                TensorPrimitives.Add(carry.AsSpan(0, b * h), dhPrevDirect.AsSpan(0, b * h), carry.AsSpan(0, b * h));
            if (truncateSteps is int window)
                for (int j = 0; j < b; j++)
                    if (t <= batch.Lengths[batch.SortedToInput[j]] - window)
                    {
                        carry.AsSpan(j * h, h).Clear();
                        if (lstm) carryCell.AsSpan(j * h, h).Clear();
                    }
        }

        // Weight gradients as products over all steps: dW_ih = Σ_t dA_tᵀ·x_t in one product; dW_hh = Σ_t dA_tᵀ·h_(t−1)
        // in one product per run of steps whose rows and previous rows are both contiguous (all of them but the
        // first step when every sequence has the same length).
        var biasGradient = work.BiasGradient(gh);                              // (GH)
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, gh, inputs, n, dGates, gh, input, inputs, WeightIh.Gradient, inputs, accumulate: true);
        MatrixRows.ColumnSums<T>(dGates, n, biasGradient, accumulate: false);
        TensorPrimitives.Add(BiasIh.Gradient, biasGradient, BiasIh.Gradient);
        AddRecurrentWeightGradient(batch, dGates, dHiddenN, hidden, h0);
        if (gru)
            MatrixRows.ColumnSums<T>(dHiddenN.AsSpan(0, n * h), n, biasGradient.AsSpan(2 * h, h), accumulate: false);   // r and z: the same sums as b_ih
        TensorPrimitives.Add(BiasHh.Gradient, biasGradient, BiasHh.Gradient);

        // dX = dA_input·W_ih   (N × I): the gradient flowing into the layer below, or into the input.
        if (!dInput.IsEmpty)
            Gemm.Multiply<T>(Transpose.No, Transpose.No, n, inputs, gh, dGates, gh, WeightIh.Value, inputs, dInput, inputs, accumulate: false);
    }

    /// <summary>
    /// op(W) packed for the per-step products when the largest step (<paramref name="rows"/> sequences) takes the
    /// packed path; null when plain products are as fast.
    /// </summary>
    private static PackedMatrix<T>? PackedFor(ref PackedMatrix<T>? slot, Transpose transB, int n, int k, T[] weights, int rows)
    {
        if (!PackedMatrix<T>.Pays(rows, n, k, transB)) return null;   // (the largest step decides)
        var packed = slot ??= new PackedMatrix<T>();
        packed.Pack(transB, n, k, weights, transB == Transpose.Yes ? k : n);
        return packed;
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

    /// <summary>C (b × n) += op(A)·op(W), through the packed W where it pays for this many rows.</summary>
    private static void MultiplyStep(PackedMatrix<T>? packed, Transpose transB, int b, int n, int k, ReadOnlySpan<T> a, T[] weights, Span<T> c)
    {
        if (packed is not null && PackedMatrix<T>.Pays(b, n, k, transB))
            packed.Multiply(Transpose.No, b, a, k, c, n, accumulate: true);
        else
            Gemm.Multiply<T>(Transpose.No, transB, b, n, k, a, k, weights, transB == Transpose.Yes ? k : n, c, n, accumulate: true);
    }
}
