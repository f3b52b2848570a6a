// Glossary: B sequences, T longest length, N total steps (packed rows), I inputs, H hidden, G gates, O outputs.
// Packed layout: see SequenceBatch. Shapes in comments are (rows × columns), row-major.
// The network holds the parameters and sequences its layers (Layers/RecurrentLayer, Layers/LinearHead), as llm.c's
// gpt2_forward calls one function per layer; the layers' scratch arrays live in one Workspace.
using System.Numerics;
using Unroll.Core.Cells;
using Unroll.Core.Layers;

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
    private readonly RecurrentLayer<T>[] _layers;
    private readonly LinearHead<T> _head;
    private readonly Workspace<T> _work = new();

    /// <summary>Creates a network with all parameters zero; see <see cref="Create(NetworkShape, int)"/> for a random start.</summary>
    public RecurrentNetwork(NetworkShape shape) : this(shape, values: null)
    {
    }

    private RecurrentNetwork(NetworkShape shape, RecurrentNetwork<T>? values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        Shape = shape;
        _layers = new RecurrentLayer<T>[shape.Layers];
        var all = new List<Parameter<T>>();
        for (int l = 0; l < shape.Layers; l++)
        {
            var layer = _layers[l] = new RecurrentLayer<T>(shape, l, values?._layers[l]);
            all.AddRange([layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh]);
        }
        Parameter<T> headWeight = values is null ? new("head.weight", shape.OutputSize, shape.HiddenSize) : new(values.Parameters[^2]),
            headBias = values is null ? new("head.bias", shape.OutputSize) : new(values.Parameters[^1]);
        _head = new LinearHead<T>(headWeight, headBias);
        all.AddRange([headWeight, headBias]);
        Parameters = all;
    }

    /// <summary>
    /// A network that holds this one's parameter values (the same arrays: an update of either is the other's) with
    /// gradients, layers and scratch arrays of its own, so that the two can run passes on two threads at once.
    /// </summary>
    internal RecurrentNetwork<T> Replica()
    {
        var replica = new RecurrentNetwork<T>(Shape, this);
        CopySettingsTo(replica);
        return replica;
    }

    /// <summary>Gives a replica this network's settings that are not parameters: the cell kernels' width and each layer's joint-gradient rule.</summary>
    internal void CopySettingsTo(RecurrentNetwork<T> replica)
    {
        replica.CellSimd = CellSimd;
        for (int l = 0; l < _layers.Length; l++) replica._layers[l].JointGradientBytes = _layers[l].JointGradientBytes;
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

    /// <summary>Layer <paramref name="l"/>, for tests.</summary>
    internal RecurrentLayer<T> Layer(int l) => _layers[l];

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
    /// Predicts from single-feature sequences, each given as its values in step order (<c>[[0.1f, 0.2f, 0.3f], [0.5f, 0.4f]]</c>):
    /// the same as <see cref="Predict(IReadOnlyList{IReadOnlyList{T[]}})"/> with every value its own one-feature step.
    /// </summary>
    /// <param name="sequences">One array per sequence, one value per step; lengths may differ.</param>
    /// <returns>The head's output after each sequence's last step: one O-vector per sequence.</returns>
    /// <exception cref="ArgumentException">The network takes more than one feature per step, or a sequence is empty.</exception>
    public T[][] Predict(IReadOnlyList<T[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (Shape.InputSize != 1)
            throw new ArgumentException($"this overload takes one value per step, but the network expects {Shape.InputSize} features per step " +
                "(NetworkShape.InputSize): give each step as a T[] of them, as a list of steps per sequence", nameof(sequences));
        var steps = new IReadOnlyList<T[]>[sequences.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            var values = sequences[i] ?? throw new ArgumentException($"sequence {i} is null", nameof(sequences));
            var one = new T[values.Length][];
            for (int t = 0; t < one.Length; t++) one[t] = [values[t]];
            steps[i] = one;
        }
        return Predict(steps);
    }

    /// <summary>
    /// The head's outputs (B × O, input order, a fresh array) for a batch: a forward pass whose tape arrays are kept
    /// (the largest seen) and reused by the next call, so repeated inference allocates only its outputs and final
    /// state; layers whose steps run in shares keep no gates on it, only h and c. On two threads a batch of at least 64
    /// sequences runs as two halves of its own (<see cref="BatchHalves{T}.InferenceSplit"/>), with Forward's bits. Not
    /// for concurrent use of one network.
    /// </summary>
    public T[] Infer(SequenceBatch<T> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int split = batch.InputSize == Shape.InputSize ? BatchHalves<T>.InferenceSplit(Shape, batch) : 0;
        if (split == 0)
            return (_inference = ForwardCore(batch, null, _inference ?? new ForwardPass<T>(batch, Shape) { KeepsGates = false })).OutputArray;
        // Two halves of the batch, each a batch of its own on one of two threads (BatchHalves), then the head once
        // over every sequence's last h, as Forward runs it (a product over fewer rows may sum in another order)
        var halves = _inferenceHalves ??= new BatchHalves<T>(this);
        halves.Take(batch, split);
        var replica = halves.Replica;
        BatchHalves<T>.Run(p =>
        {
            if (p == 0) _inference = ForwardCore(halves.First, null, _inference ?? new ForwardPass<T>(halves.First, Shape) { KeepsGates = false });
            else replica._inference = replica.ForwardCore(halves.Second, null, replica._inference ?? new ForwardPass<T>(halves.Second, Shape) { KeepsGates = false });
        });
        var lastHidden = halves.Merge(batch, _inference!.LastHidden, replica._inference!.LastHidden, Shape.HiddenSize);
        var outputs = new T[batch.Count * Shape.OutputSize];
        _head.Forward(lastHidden, batch.Count, outputs);
        return outputs;
    }

    private ForwardPass<T>? _inference;
    private BatchHalves<T>? _inferenceHalves;

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

        int count = batch.Count, h = Shape.HiddenSize;
        var pass = reuse?.Rebind(batch) ?? new ForwardPass<T>(batch, Shape);
        T[] input = batch.PackedArray;                              // (N × I), then each layer's h (N × H)
        for (int l = 0; l < Shape.Layers; l++)
        {
            _layers[l].Forward(batch, input, initialState?.HiddenArrays[l], initialState?.CellArrays?[l], pass, _work, CellSimd);
            input = pass.Hidden[l];
        }

        // Final state and the head on each sequence's last step.
        var finalHidden = new T[Shape.Layers][];
        var finalCell = Shape.Cell == CellKind.Lstm ? new T[Shape.Layers][] : null;
        for (int l = 0; l < Shape.Layers; l++)
        {
            finalHidden[l] = batch.GatherLast(pass.Hidden[l], h);
            if (finalCell is not null) finalCell[l] = batch.GatherLast(pass.Cell[l], h);
        }
        pass.FinalState = RecurrentState<T>.Own(finalHidden, finalCell);
        pass.LastHidden = finalHidden[^1];                          // (B × H), the head's input: FinalState is read-only
        var outputs = new T[count * Shape.OutputSize];              // (B × O) = h_last·W_headᵀ + b_head
        _head.Forward(pass.LastHidden, count, outputs);
        pass.OutputArray = outputs;
        return pass;
    }

    /// <summary>
    /// The head applied to the last layer's hidden state at every step of input sequence <paramref name="sequence"/>:
    /// (length × O). The last row is the prediction; the earlier ones are the outputs an unrolled network ignores.
    /// </summary>
    public T[] StepOutputs(ForwardPass<T> pass, int sequence)
    {
        ArgumentNullException.ThrowIfNull(pass);
        int length = pass.Batch.Lengths[sequence];
        var outputs = new T[length * Shape.OutputSize];
        _head.Forward(pass.HiddenOf(Shape.Layers - 1, sequence), length, outputs);
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
        int count = batch.Count, n = batch.TotalSteps, h = Shape.HiddenSize, o = Shape.OutputSize;
        if (outputGradient.Length != count * o)
            throw new ArgumentException($"the output gradient has {outputGradient.Length} values, expected {count} sequences × {o} outputs");
        if (options.TruncateSteps is < 1)
            throw new ArgumentException($"truncated BPTT needs at least 1 step, got {options.TruncateSteps}");

        // Head: out = h_last·Wᵀ + b.   dW += dOutᵀ·h_last (O × H); db += Σ dOut; dh_last = dOut·W (B × H, input order)
        var dLast = _work.DLast(count * h);
        _head.Backward(pass.LastHidden, outputGradient, count, dLast);

        // dLoss/dh from above, per packed row (N × H): the top layer's only gradient from above is the head's at each
        // sequence's last step; each layer below gets the dX of the layer above, written where that layer's outputs
        // were once they are used up (consumeTape), else in the workspace.
        T[] dHidden = Shape.Layers > 1 && !consumeTape ? _work.DHidden(n * h) : [];
        T[]? inputGradient = null;
        if (consumeTape) pass.Consumed = true;
        for (int l = Shape.Layers - 1; l >= 0; l--)
        {
            bool top = l == Shape.Layers - 1;
            T[] input = l == 0 ? batch.PackedArray : pass.Hidden[l - 1];
            T[] dAbove = dHidden;
            if (l > 0 && consumeTape) dHidden = pass.Hidden[l];     // this layer's outputs are used up: hold dX there
            Span<T> dInput = l > 0 ? dHidden
                : options.InputGradient ? inputGradient = new T[n * Shape.InputSize] : [];
            _layers[l].Backward(batch, input, pass, top ? dLast : null, top ? null : dAbove, dInput, consumeTape,
                options.TruncateSteps, _work, CellSimd);
        }
        return new BackwardResult<T>(batch, inputGradient);
    }
}
