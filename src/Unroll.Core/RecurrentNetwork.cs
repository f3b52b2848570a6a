// Glossary: B sequences, T longest length, N total steps (packed rows), I inputs, H hidden, G gates, O outputs.
// Packed layout: see SequenceBatch. Shapes in comments are (rows × columns), row-major.
using System.Numerics;
using System.Numerics.Tensors;
using Unroll.Core.Cells;
using Unroll.Numerics;

namespace Unroll.Core;

/// <summary>Options for <see cref="RecurrentNetwork{T}.Backward"/>.</summary>
public sealed record BackwardOptions
{
    /// <summary>
    /// Truncated BPTT: gradients flow back at most this many steps from each sequence's last step
    /// (null: full backpropagation through time).
    /// </summary>
    public int? TruncateSteps { get; init; }

    /// <summary>Also compute the gradient with respect to every input step.</summary>
    public bool InputGradient { get; init; }
}

/// <summary>The gradients a backward pass returns besides the parameter gradients.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class BackwardResult<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal BackwardResult(SequenceBatch<T> batch, T[]? inputGradient)
    {
        Batch = batch;
        PackedInputGradient = inputGradient;
    }

    private SequenceBatch<T> Batch { get; }

    /// <summary>dLoss/dx for every step, packed like the input (N × I); null unless asked for.</summary>
    public T[]? PackedInputGradient { get; }

    /// <summary>dLoss/dx of input sequence <paramref name="sequence"/>, step by step: (length × I).</summary>
    public T[] InputGradientOf(int sequence)
    {
        if (PackedInputGradient is null)
            throw new InvalidOperationException("the input gradient was not computed: set BackwardOptions.InputGradient");
        return Batch.StepsOf(PackedInputGradient, Batch.InputSize, sequence);
    }
}

/// <summary>
/// A stacked recurrent network (Elman RNN, LSTM or GRU) with a linear head on the last layer's hidden state at
/// each sequence's own last step. Parameters are named and shaped as PyTorch's <c>nn.RNN/LSTM/GRU</c> (prefix
/// <c>rnn.</c>) and <c>nn.Linear</c> (prefix <c>head.</c>), so state dicts move between the two unchanged.
/// </summary>
/// <remarks>
/// Unrolling makes one copy of the cell per step; all copies share the same weights and biases, so longer
/// sequences never add parameters. Sequences of any lengths run together in one batch.
/// </remarks>
/// <typeparam name="T">float (the default in the tools) or double (for exactness and gradient checks).</typeparam>
public sealed class RecurrentNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _weightIh, _weightHh, _biasIh, _biasHh;
    private readonly Parameter<T> _headWeight, _headBias;

    /// <summary>Creates a network with all parameters zero; see <see cref="Create(NetworkShape, int)"/> for a random start.</summary>
    public RecurrentNetwork(NetworkShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        Shape = shape;
        int layers = shape.Layers, gh = shape.GateRows, h = shape.HiddenSize;
        _weightIh = new Parameter<T>[layers];
        _weightHh = new Parameter<T>[layers];
        _biasIh = new Parameter<T>[layers];
        _biasHh = new Parameter<T>[layers];
        var all = new List<Parameter<T>>();
        for (int l = 0; l < layers; l++)
        {
            all.Add(_weightIh[l] = new Parameter<T>($"rnn.weight_ih_l{l}", gh, shape.LayerInputSize(l)));
            all.Add(_weightHh[l] = new Parameter<T>($"rnn.weight_hh_l{l}", gh, h));
            all.Add(_biasIh[l] = new Parameter<T>($"rnn.bias_ih_l{l}", gh));
            all.Add(_biasHh[l] = new Parameter<T>($"rnn.bias_hh_l{l}", gh));
        }
        all.Add(_headWeight = new Parameter<T>("head.weight", shape.OutputSize, h));
        all.Add(_headBias = new Parameter<T>("head.bias", shape.OutputSize));
        Parameters = all;
    }

    /// <summary>Creates a network initialised as PyTorch does: every parameter uniform in ±1/√H.</summary>
    /// <param name="shape">The architecture.</param>
    /// <param name="seed">Seed of the random source: the same seed gives the same weights, bit for bit.</param>
    public static RecurrentNetwork<T> Create(NetworkShape shape, int seed) => Create(shape, new Random(seed));

    /// <summary>Creates a network initialised from the given random source: every parameter uniform in ±1/√H.</summary>
    public static RecurrentNetwork<T> Create(NetworkShape shape, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var network = new RecurrentNetwork<T>(shape);
        double bound = 1.0 / Math.Sqrt(shape.HiddenSize);
        foreach (var p in network.Parameters)
            for (int i = 0; i < p.Value.Length; i++)
                p.Value[i] = T.CreateChecked((random.NextDouble() * 2 - 1) * bound);
        return network;
    }

    /// <summary>The architecture.</summary>
    public NetworkShape Shape { get; }

    /// <summary>
    /// The widest vectors the cell kernels use: <see cref="CellSimds.Best"/>, or a narrower one a test sets on its own
    /// network to cover that path (the results differ only in the last bits of float activations).
    /// </summary>
    internal CellSimd CellSimd { get; set; } = CellSimds.Best;

    /// <summary>All parameters in PyTorch's state-dict order: per layer weight_ih, weight_hh, bias_ih, bias_hh; then the head.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The parameter with PyTorch's name <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter<T> this[string name] => Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"no parameter '{name}': the network has {string.Join(", ", Parameters.Select(p => p.Name))}");

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var p in Parameters) p.ZeroGradient();
    }

    /// <summary>Copies all parameter values from another network of the same shape.</summary>
    public void CopyFrom(RecurrentNetwork<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Shape != Shape) throw new ArgumentException($"cannot copy a {other.Shape} network into a {Shape} one");
        for (int i = 0; i < Parameters.Count; i++) other.Parameters[i].Value.CopyTo(Parameters[i].Value, 0);
    }

    /// <summary>The same network in another precision (values converted; gradients start at zero).</summary>
    public RecurrentNetwork<TOther> Convert<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var copy = new RecurrentNetwork<TOther>(Shape);
        for (int k = 0; k < Parameters.Count; k++)
            for (int i = 0; i < Parameters[k].Value.Length; i++)
                copy.Parameters[k].Value[i] = TOther.CreateChecked(Parameters[k].Value[i]);
        return copy;
    }

    /// <summary>A deep copy of the parameter values (gradients start at zero).</summary>
    public RecurrentNetwork<T> Clone()
    {
        var copy = new RecurrentNetwork<T>(Shape);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Packs ragged sequences (each a list of steps, each I features) into a batch.</summary>
    public SequenceBatch<T> Pack(IReadOnlyList<IReadOnlyList<T[]>> sequences) => SequenceBatch<T>.Create(sequences, Shape.InputSize);

    /// <summary>Predicts the head's output after each sequence's last step: one O-vector per sequence.</summary>
    public T[][] Predict(IReadOnlyList<IReadOnlyList<T[]>> sequences)
    {
        var batch = Pack(sequences);
        var outputs = Infer(batch);
        int o = Shape.OutputSize;
        return Enumerable.Range(0, batch.Count).Select(i => outputs.AsSpan(i * o, o).ToArray()).ToArray();
    }

    /// <summary>
    /// The head's outputs (B × O, input order, a fresh array) for a batch: a forward pass whose tape arrays are kept
    /// (the largest seen) and reused by the next call, so repeated inference allocates only its outputs and final
    /// state. Not for concurrent use of one network.
    /// </summary>
    public T[] Infer(SequenceBatch<T> batch) => (_inference = ForwardCore(batch, null, _inference)).Outputs;

    private ForwardPass<T>? _inference;

    /// <summary>Runs the network over a batch, keeping what the backward pass needs.</summary>
    /// <param name="batch">The packed sequences.</param>
    /// <param name="initialState">The state to start from (zeros when null), e.g. the final state of a previous call.</param>
    public ForwardPass<T> Forward(SequenceBatch<T> batch, RecurrentState<T>? initialState = null)
        => ForwardCore(batch, initialState, reuse: null);

    /// <summary>
    /// <see cref="Forward(SequenceBatch{T}, RecurrentState{T}?)"/> writing its tape into <paramref name="reuse"/>'s arrays
    /// where they are large enough: a training loop allocates nothing per step once sizes settle.
    /// </summary>
    internal ForwardPass<T> ForwardCore(SequenceBatch<T> batch, RecurrentState<T>? initialState, ForwardPass<T>? reuse)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.InputSize != Shape.InputSize)
            throw new ArgumentException($"the input has {batch.InputSize} features per step, the model expects {Shape.InputSize}");
        initialState?.Validate(Shape, batch.Count);

        int count = batch.Count, n = batch.TotalSteps, h = Shape.HiddenSize, gh = Shape.GateRows;
        var pass = reuse?.Rebind(batch) ?? new ForwardPass<T>(batch, Shape);
        bool gru = Shape.Cell == CellKind.Gru, lstm = Shape.Cell == CellKind.Lstm;
        ReadOnlySpan<T> input = batch.Packed;                       // (N × in)
        T[] gatesHidden = gru ? Fit(ref _gatesHiddenScratch, count * gh) : [];  // (B × 3H) scratch
        var bias = Fit(ref _biasScratch, gh);                       // (GH): b_ih + b_hh, or b_ih alone for GRU
        for (int l = 0; l < Shape.Layers; l++)
        {
            int inSize = Shape.LayerInputSize(l);
            var h0 = pass.InitialHidden[l] = batch.ToSorted(initialState?.Hidden[l], h, pass.InitialHidden[l]);
            var c0 = pass.InitialCell[l] = lstm ? batch.ToSorted(initialState?.Cell?[l], h, pass.InitialCell[l]) : [];
            var gates = Fit(ref pass.Gates[l], n * gh);              // (N × GH)
            var hidden = Fit(ref pass.Hidden[l], n * h);             // (N × H)
            var cell = lstm ? Fit(ref pass.Cell[l], n * h) : [];
            var hiddenN = gru ? Fit(ref pass.HiddenN[l], n * h) : [];
            T[] wih = _weightIh[l].Value, whh = _weightHh[l].Value, bih = _biasIh[l].Value, bhh = _biasHh[l].Value;

            // The input projection of all steps as one product, both biases folded in (GRU keeps b_hh for each step,
            // since its reset multiplies W_hn·h' + b_hn):   gates = X·W_ihᵀ + b_ih (+ b_hh)   (N × GH)
            if (gru) bih.CopyTo(bias, 0);
            else TensorPrimitives.Add(bih, bhh, bias);
            MatrixRows.Fill<T>(gates, bias, n);
            Gemm.Multiply<T>(Transpose.No, Transpose.Yes, n, gh, inSize, input, inSize, wih, inSize, gates, gh, accumulate: true);
            // W_hhᵀ (H × GH) multiplies every step: pack it once when the products are large enough to be packed.
            var packedWhh = PackedFor(ref _packedForward, l, Transpose.Yes, gh, h, whh, batch.BatchSizes[0]);

            for (int t = 0; t < batch.MaxLength; t++)
            {
                int b = batch.BatchSizes[t], row = batch.Offsets[t];
                ReadOnlySpan<T> hPrev = t == 0 ? h0.AsSpan(0, b * h) : hidden.AsSpan(batch.Offsets[t - 1] * h, b * h);
                var gatesT = gates.AsSpan(row * gh, b * gh);         // (b × GH)
                var hiddenT = hidden.AsSpan(row * h, b * h);         // (b × H)
                if (gru)
                {
                    var gh_t = gatesHidden.AsSpan(0, b * gh);
                    MatrixRows.Fill<T>(gh_t, bhh, b);
                    MultiplyStep(packedWhh, Transpose.Yes, b, gh, h, hPrev, whh, gh_t);
                    GruCell.Forward<T>(gatesT, gh_t, hPrev, hiddenN.AsSpan(row * h, b * h), hiddenT, h, CellSimd);
                    continue;
                }
                MultiplyStep(packedWhh, Transpose.Yes, b, gh, h, hPrev, whh, gatesT);
                if (lstm)
                {
                    ReadOnlySpan<T> cPrev = t == 0 ? c0.AsSpan(0, b * h) : cell.AsSpan(batch.Offsets[t - 1] * h, b * h);
                    LstmCell.Forward<T>(gatesT, cPrev, cell.AsSpan(row * h, b * h), hiddenT, h, CellSimd);
                }
                else
                {
                    ElmanCell.Forward<T>(Shape.Cell, gatesT, hiddenT);
                }
            }
            input = hidden;
        }

        // Final state and the head on each sequence's last step.
        var finalHidden = new T[Shape.Layers][];
        var finalCell = Shape.Cell == CellKind.Lstm ? new T[Shape.Layers][] : null;
        for (int l = 0; l < Shape.Layers; l++)
        {
            finalHidden[l] = batch.GatherLast(pass.Hidden[l], h);
            if (finalCell is not null) finalCell[l] = batch.GatherLast(pass.Cell[l], h);
        }
        pass.FinalState = new RecurrentState<T>(finalHidden, finalCell);
        pass.LastHidden = (T[])finalHidden[^1].Clone();             // (B × H), the head's input; not the caller's FinalState
        int o = Shape.OutputSize;
        var outputs = new T[count * o];                             // (B × O) = h_last·W_headᵀ + b_head
        MatrixRows.Fill<T>(outputs, _headBias.Value, count);
        Gemm.Multiply<T>(Transpose.No, Transpose.Yes, count, o, h, pass.LastHidden, h, _headWeight.Value, h, outputs, o, accumulate: true);
        pass.Outputs = outputs;
        return pass;
    }

    /// <summary>
    /// The head applied to the last layer's hidden state at every step of input sequence <paramref name="sequence"/>:
    /// (length × O). The last row is the prediction; the earlier ones are the outputs an unrolled network ignores.
    /// </summary>
    public T[] StepOutputs(ForwardPass<T> pass, int sequence)
    {
        ArgumentNullException.ThrowIfNull(pass);
        int h = Shape.HiddenSize, o = Shape.OutputSize, length = pass.Batch.Lengths[sequence];
        var top = pass.HiddenOf(Shape.Layers - 1, sequence);
        var outputs = new T[length * o];
        MatrixRows.Fill<T>(outputs, _headBias.Value, length);
        Gemm.Multiply<T>(Transpose.No, Transpose.Yes, length, o, h, top, h, _headWeight.Value, h, outputs, o, accumulate: true);
        return outputs;
    }

    /// <summary>
    /// Backpropagation through time: adds the gradient of the loss to every parameter's <see cref="Parameter{T}.Gradient"/>.
    /// </summary>
    /// <param name="pass">The forward pass to differentiate.</param>
    /// <param name="outputGradient">dLoss/dOutputs, (B × O) in input order.</param>
    /// <param name="options">Truncation and input-gradient options.</param>
    public BackwardResult<T> Backward(ForwardPass<T> pass, ReadOnlySpan<T> outputGradient, BackwardOptions? options = null)
        => BackwardCore(pass, outputGradient, options, consumeTape: false);

    /// <summary>
    /// BPTT; with <paramref name="consumeTape"/> the pre-activation gradients overwrite the tape's gates step by step
    /// (each step's gates are read once, just before), so training keeps no second (N × GH) array. The pass cannot be
    /// differentiated again afterwards.
    /// </summary>
    internal BackwardResult<T> BackwardCore(ForwardPass<T> pass, ReadOnlySpan<T> outputGradient, BackwardOptions? options, bool consumeTape)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (pass.Consumed) throw new InvalidOperationException("this forward pass was already differentiated by a training step; run Forward again");
        options ??= new BackwardOptions();
        var batch = pass.Batch;
        int count = batch.Count, n = batch.TotalSteps, h = Shape.HiddenSize, gh = Shape.GateRows, o = Shape.OutputSize;
        if (outputGradient.Length != count * o)
            throw new ArgumentException($"the output gradient has {outputGradient.Length} values, expected {count} sequences × {o} outputs");
        if (options.TruncateSteps is < 1)
            throw new ArgumentException($"truncated BPTT needs at least 1 step, got {options.TruncateSteps}");

        // Head: out = h_last·Wᵀ + b.   dW += dOutᵀ·h_last (O × H); db += Σ dOut; dh_last = dOut·W (B × H)
        Gemm.Multiply<T>(Transpose.Yes, Transpose.No, o, h, count, outputGradient, o, pass.LastHidden, h, _headWeight.Gradient, h, accumulate: true);
        MatrixRows.ColumnSums(outputGradient, count, _headBias.Gradient, accumulate: true);
        var dLast = Fit(ref _dLast, count * h);                     // (B × H) input order
        Gemm.Multiply<T>(Transpose.No, Transpose.No, count, h, o, outputGradient, o, _headWeight.Value, h, dLast, h, accumulate: false);

        bool gru = Shape.Cell == CellKind.Gru, lstm = Shape.Cell == CellKind.Lstm;
        // dLoss/dh from above, per packed row (N × H): none for the top layer, whose only gradient from above is the
        // head's at each sequence's last step (added as the backward loop reaches it); for the layers below, the dX
        // of the layer above, written where that layer's outputs were once they are used up (consumeTape), else here.
        T[] dHidden = Shape.Layers > 1 && !consumeTape ? Fit(ref _dHidden, n * h) : [];
        T[] dGatesIn = consumeTape ? [] : Fit(ref _dGatesIn, n * gh);  // (N × GH) pre-activation gradients
        T[] dHiddenN = gru ? Fit(ref _dHiddenN, n * h) : [];       // (N × H) GRU: the n part of the hidden half, dA_n ⊙ r
        T[] dHidStep = gru ? Fit(ref _dHidStep, count * gh) : [];      // (B × 3H) GRU: this step's hidden-half gradient
        var carry = Fit(ref _carry, count * h);                     // (B × H) dh flowing to the previous step
        var carryCell = lstm ? Fit(ref _carryCell, count * h) : []; // (B × H) dc flowing to the previous step
        var dhStep = Fit(ref _dhStep, count * h);                   // (B × H) total dh at this step
        var direct = gru || lstm ? Fit(ref _direct, count * h) : []; // GRU: the z ⊙ dh path to h'; LSTM: scratch
        var biasSums = Fit(ref _biasScratch, gh);                   // (GH) column sums of a gradient
        T[]? inputGradient = null;
        if (consumeTape) pass.Consumed = true;

        for (int l = Shape.Layers - 1; l >= 0; l--)
        {
            int inSize = Shape.LayerInputSize(l);
            bool top = l == Shape.Layers - 1;
            T[] gates = pass.Gates[l], hidden = pass.Hidden[l], cell = pass.Cell[l], hiddenN = pass.HiddenN[l];
            T[] h0 = pass.InitialHidden[l], c0 = pass.InitialCell[l], whh = _weightHh[l].Value;
            if (consumeTape) dGatesIn = gates;
            Array.Clear(carry, 0, count * h);
            if (lstm) Array.Clear(carryCell, 0, count * h);
            var packedWhh = PackedFor(ref _packedBackward, l, Transpose.No, h, gh, whh, batch.BatchSizes[0]);   // W_hh (GH × H)

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
                        TensorPrimitives.Add(dh.Slice(j * h, h), dLast.AsSpan(batch.SortedToInput[j] * h, h), dh.Slice(j * h, h));
                }
                else
                {
                    TensorPrimitives.Add(dHidden.AsSpan(row * h, b * h), carry.AsSpan(0, b * h), dh);
                }
                var dIn = dGatesIn.AsSpan(row * gh, b * gh);
                Span<T> dHid;
                if (lstm)
                {
                    ReadOnlySpan<T> cPrev = t == 0 ? c0.AsSpan(0, b * h) : cell.AsSpan(batch.Offsets[t - 1] * h, b * h);
                    var dc = carryCell.AsSpan(0, b * h);
                    LstmCell.Backward<T>(gates.AsSpan(row * gh, b * gh), cPrev, cell.AsSpan(row * h, b * h), dh, dc, dIn, dc, direct, h, CellSimd);
                    dHid = dIn;
                }
                else if (gru)
                {
                    dHid = dHidStep.AsSpan(0, b * gh);
                    GruCell.Backward<T>(gates.AsSpan(row * gh, b * gh), hiddenN.AsSpan(row * h, b * h), hPrev, dh, dIn, dHid, direct.AsSpan(0, b * h), h, CellSimd);
                    for (int j = 0; j < b; j++)
                        dHid.Slice(j * gh + 2 * h, h).CopyTo(dHiddenN.AsSpan((row + j) * h, h));
                }
                else
                {
                    ElmanCell.Backward<T>(Shape.Cell, hidden.AsSpan(row * h, b * h), dh, dIn, CellSimd);
                    dHid = dIn;
                }
                // dh' = dA_hidden·W_hh   (b × H) = (b × GH)·(GH × H)
                carry.AsSpan(0, b * h).Clear();
                MultiplyStep(packedWhh, Transpose.No, b, h, gh, dHid, whh, carry);
                if (gru)
                    TensorPrimitives.Add(carry.AsSpan(0, b * h), direct.AsSpan(0, b * h), carry.AsSpan(0, b * h));
                if (options.TruncateSteps is int window)
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
            ReadOnlySpan<T> layerInput = l == 0 ? batch.Packed : pass.Hidden[l - 1];
            Gemm.Multiply<T>(Transpose.Yes, Transpose.No, gh, inSize, n, dGatesIn, gh, layerInput, inSize, _weightIh[l].Gradient, inSize, accumulate: true);
            MatrixRows.ColumnSums<T>(dGatesIn, n, biasSums, accumulate: false);
            TensorPrimitives.Add(_biasIh[l].Gradient, biasSums, _biasIh[l].Gradient);
            AddRecurrentWeightGradient(batch, l, dGatesIn, dHiddenN, hidden, h0);
            if (gru)
            {
                MatrixRows.ColumnSums<T>(dHiddenN.AsSpan(0, n * h), n, biasSums.AsSpan(2 * h, h), accumulate: false);   // r and z: the same sums as b_ih
            }
            TensorPrimitives.Add(_biasHh[l].Gradient, biasSums, _biasHh[l].Gradient);

            // dX = dA_input·W_ih   (N × in): the gradient flowing into the layer below, or into the input.
            if (l > 0)
            {
                if (consumeTape) dHidden = hidden;                  // this layer's outputs are used up: hold dX there
                Gemm.Multiply<T>(Transpose.No, Transpose.No, n, h, gh, dGatesIn, gh, _weightIh[l].Value, h, dHidden, h, accumulate: false);
            }
            else if (options.InputGradient)
            {
                inputGradient = new T[n * inSize];
                Gemm.Multiply<T>(Transpose.No, Transpose.No, n, inSize, gh, dGatesIn, gh, _weightIh[0].Value, inSize, inputGradient, inSize, accumulate: false);
            }
        }
        return new BackwardResult<T>(batch, inputGradient);
    }

    // Workspace reused across calls (a network runs one backward pass at a time).
    private T[] _gatesHiddenScratch = [], _biasScratch = [], _dLast = [], _dHidden = [], _dGatesIn = [], _dHiddenN = [],
        _carry = [], _carryCell = [], _dhStep = [], _direct = [], _dHidStep = [];

    private PackedMatrix<T>?[] _packedForward = [], _packedBackward = [];

    /// <summary>
    /// op(W) packed for the per-step products of layer <paramref name="layer"/> when the largest step
    /// (<paramref name="rows"/> sequences) takes the packed path; null when plain products are as fast.
    /// </summary>
    private PackedMatrix<T>? PackedFor(ref PackedMatrix<T>?[] slots, int layer, Transpose transB, int n, int k, T[] weights, int rows)
    {
        if (slots.Length != Shape.Layers) slots = new PackedMatrix<T>?[Shape.Layers];
        if (!PackedMatrix<T>.Pays(rows, n, k, transB)) return null;   // (the largest step decides)
        var packed = slots[layer] ??= new PackedMatrix<T>();
        packed.Pack(transB, n, k, weights, transB == Transpose.Yes ? k : n);
        return packed;
    }

    /// <summary>
    /// dW_hh += Σ_t dA_tᵀ·h_(t−1) (GH × H). Step t's rows are [Offsets[t], +b_t) and their previous hidden states are
    /// rows [Offsets[t−1], +b_t) of the layer's output; a run of steps whose batch sizes stay equal (but for its last)
    /// is contiguous in both, so it is one product. For GRU the n block of the hidden half is dA_n ⊙ r, kept apart.
    /// </summary>
    private void AddRecurrentWeightGradient(SequenceBatch<T> batch, int layer, T[] dGates, T[] dHiddenN, T[] hidden, T[] h0)
    {
        int h = Shape.HiddenSize, gh = Shape.GateRows;
        var dWhh = _weightHh[layer].Gradient;
        void Product(int row, int rows, ReadOnlySpan<T> previous)
        {
            if (Shape.Cell != CellKind.Gru)
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

    /// <summary>The array in <paramref name="slot"/> if it holds at least <paramref name="length"/> values, else a new one there.</summary>
    internal static T[] Fit(ref T[] slot, int length)
    {
        if (slot is null || slot.Length < length) slot = new T[length];
        return slot;
    }
}
