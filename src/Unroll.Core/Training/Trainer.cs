using System.Numerics;
using System.Numerics.Tensors;

namespace Unroll.Core.Training;

/// <summary>How a <see cref="Trainer{T}"/> computes and applies each step.</summary>
public sealed record TrainerOptions
{
    /// <summary>The loss (default: mean squared error).</summary>
    public LossKind Loss { get; init; } = LossKind.MeanSquared;

    /// <summary>δ of the Huber loss.</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Global-norm clipping threshold; null for none.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Truncated BPTT window in steps; null for full BPTT.</summary>
    public int? TruncateSteps { get; init; }
}

/// <summary>What one training step did.</summary>
/// <param name="Loss">The loss before the update.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
public readonly record struct StepResult(double Loss, double GradientNorm);

/// <summary>
/// A non-finite loss, gradient or weight stopped training; the weights are those before the failed step. When the
/// update itself overflowed, the optimizer's state (momentum, Adam's moments and step count) already includes the
/// failed step: to retry, for example at a lower learning rate, create a new optimizer and trainer.
/// </summary>
public sealed class TrainingDivergedException(string message, DivergenceKind kind = DivergenceKind.Loss, string? parameter = null) : Exception(message)
{
    /// <summary>What became non-finite.</summary>
    public DivergenceKind Kind { get; } = kind;

    /// <summary>The parameter whose update became non-finite (<see cref="DivergenceKind.Weights"/>), else null.</summary>
    public string? Parameter { get; } = parameter;
}

/// <summary>What a failed training step found non-finite.</summary>
public enum DivergenceKind
{
    /// <summary>The loss, before any update: the weights were not changed.</summary>
    Loss,
    /// <summary>The gradient (its global norm), before any update: the weights were not changed.</summary>
    Gradient,
    /// <summary>The updated weights: they were restored, but the optimizer's state includes the step.</summary>
    Weights,
}

/// <summary>One gradient-descent step at a time: forward, loss, BPTT, clipping, update, with a guard against NaN.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _snapshot;
    private ForwardPass<T>? _pass;   // its tape arrays are reused step after step
    // Steps in halves (BatchHalves.TrainingSplit): the last batch's halves with the second half's network, and its pass
    private BatchHalves<T>? _halves;
    private ForwardPass<T>? _secondPass;

    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    public Trainer(RecurrentNetwork<T> network, IOptimizer<T> optimizer, TrainerOptions? options = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new TrainerOptions();
        _snapshot = network.Parameters.Select(p => new T[p.Value.Length]).ToArray();
    }

    /// <summary>The network being trained.</summary>
    public RecurrentNetwork<T> Network { get; }

    /// <summary>The update rule.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Loss, clipping and truncation settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The loss on a batch without changing anything.</summary>
    public double Evaluate(SequenceBatch<T> batch, ReadOnlySpan<T> targets)
    {
        var outputs = Network.Infer(batch);
        return double.CreateChecked(Losses.Compute(Options.Loss, outputs, targets, new T[targets.Length], Options.HuberDelta));
    }

    /// <summary>
    /// One step on <paramref name="batch"/>: forward, loss against <paramref name="targets"/> (B × O), backward, clipping,
    /// update at <paramref name="learningRate"/>. A batch of at least 64 sequences whose layers are worth two threads
    /// runs as two halves of its own on two threads (<see cref="BatchHalves{T}.TrainingSplit"/>), their gradients summed.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss, the gradient or the updated weights are not finite; the
    /// weights are left as they were before this step.</exception>
    public StepResult Step(SequenceBatch<T> batch, ReadOnlySpan<T> targets, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int split = BatchHalves<T>.TrainingSplit(Network.Shape, batch);
        var outputs = split > 0 ? ForwardInHalves(batch, split) : (_pass = Network.ForwardCore(batch, null, _pass)).OutputArray;
        var dOut = new T[outputs.Length];
        double loss = double.CreateChecked(Losses.Compute(Options.Loss, outputs, targets, dOut, Options.HuberDelta));
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException($"the loss became {loss} before the update; the weights were not changed. Try a lower learning rate or gradient clipping", DivergenceKind.Loss);
        Network.ZeroGradients();
        var backward = new BackwardOptions { TruncateSteps = Options.TruncateSteps };
        if (split > 0)
            BackwardInHalves(batch, dOut, backward);
        else
            Network.BackwardCore(_pass!, dOut, backward, consumeTape: true);
        double norm = Options.ClipNorm is double clip
            ? GradientClipping.ClipGlobalNorm(Network.Parameters, clip)
            : GradientClipping.GlobalNorm(Network.Parameters);
        if (!double.IsFinite(norm))
            throw new TrainingDivergedException($"the gradient norm became {norm} (loss {loss:G6}); the weights were not changed. Try a lower learning rate or gradient clipping", DivergenceKind.Gradient);

        for (int k = 0; k < _snapshot.Length; k++) Network.Parameters[k].Value.CopyTo(_snapshot[k], 0);
        Optimizer.Step(Network.Parameters, learningRate);
        foreach (var p in Network.Parameters)
            if (!AllFinite(p.Value))
            {
                for (int k = 0; k < _snapshot.Length; k++) _snapshot[k].CopyTo(Network.Parameters[k].Value, 0);
                throw new TrainingDivergedException($"the update made {p.Name} non-finite (loss {loss:G6}, gradient norm {norm:G6}); the weights were restored. Try a lower learning rate or gradient clipping", DivergenceKind.Weights, p.Name);
            }
        return new StepResult(loss, norm);
    }

    /// <summary>The forward of both halves (<see cref="BatchHalves{T}.TrainingSplit"/>); the outputs in the batch's input order.</summary>
    private T[] ForwardInHalves(SequenceBatch<T> batch, int split)
    {
        var halves = _halves ??= new BatchHalves<T>(Network);
        halves.Take(batch, split);
        var replica = halves.Replica;
        BatchHalves<T>.Run(p =>
        {
            if (p == 0) _pass = Network.ForwardCore(halves.First, null, _pass);
            else _secondPass = replica.ForwardCore(halves.Second, null, _secondPass);
        });
        return halves.Merge(batch, _pass!.OutputArray, _secondPass!.OutputArray, Network.Shape.OutputSize);
    }

    /// <summary>The backward of both halves from dLoss/dOutputs (input order); their gradients summed into the network's, first half first.</summary>
    private void BackwardInHalves(SequenceBatch<T> batch, T[] dOut, BackwardOptions options)
    {
        var (first, second) = _halves!.Cut(batch, dOut, Network.Shape.OutputSize);
        var replica = _halves.Replica;
        replica.ZeroGradients();
        BatchHalves<T>.Run(p =>
        {
            if (p == 0) Network.BackwardCore(_pass!, first, options, consumeTape: true);
            else replica.BackwardCore(_secondPass!, second, options, consumeTape: true);
        });
        for (int k = 0; k < Network.Parameters.Count; k++)
        {
            var gradient = Network.Parameters[k].Gradient;
            TensorPrimitives.Add(gradient, replica.Parameters[k].Gradient, gradient);
        }
    }

    private static bool AllFinite(ReadOnlySpan<T> values)
    {
        // A float's square always fits a double, so one vectorised sum answers for float; doubles are checked one by one.
        if (typeof(T) == typeof(float)) return double.IsFinite(GradientClipping.SumOfSquares(values));
        foreach (var v in values)
            if (!T.IsFinite(v)) return false;
        return true;
    }
}
