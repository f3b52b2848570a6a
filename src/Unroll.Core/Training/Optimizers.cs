using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Unroll.Numerics;

namespace Unroll.Core.Training;

/// <summary>The optimizers, at the command-line boundary: sgd, momentum, adam, adamw.</summary>
public enum OptimizerKind
{
    /// <summary>Plain gradient descent: w −= lr·g.</summary>
    Sgd,
    /// <summary>Gradient descent with momentum μ: v = μv + g; w −= lr·v.</summary>
    Momentum,
    /// <summary>Adam.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
}

/// <summary>Updates parameters from their gradients; holds whatever state the rule needs.</summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Applies one update with learning rate <paramref name="learningRate"/>.</summary>
    void Step(IReadOnlyList<Parameter<T>> parameters, double learningRate);

    /// <summary>
    /// A copy of the rule's state for <paramref name="parameters"/>: its step count and each buffer it keeps, named
    /// <c>{buffer}.{parameter}</c> with PyTorch's buffer names (<c>momentum_buffer</c>, <c>exp_avg</c>,
    /// <c>exp_avg_sq</c>). Restoring it with <see cref="SetState"/> continues bit for bit.
    /// </summary>
    OptimizerState<T> GetState(IReadOnlyList<Parameter<T>> parameters);

    /// <summary>Replaces the rule's state with <paramref name="state"/> (from <see cref="GetState"/> of the same rule).</summary>
    /// <exception cref="ArgumentException">A buffer is missing, unknown or has the wrong length.</exception>
    void SetState(IReadOnlyList<Parameter<T>> parameters, OptimizerState<T> state);
}

/// <summary>An optimizer's state: updates applied so far, and its buffers by name (<c>{buffer}.{parameter}</c>).</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="Steps">Updates applied so far.</param>
/// <param name="Buffers">Copies of the buffers; a buffer not yet created is absent.</param>
public sealed record OptimizerState<T>(int Steps, IReadOnlyDictionary<string, T[]> Buffers) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Hands each buffer named <c>{buffer}.{parameter}</c> (a copy, its length checked) to <paramref name="set"/>.</summary>
    internal static void Restore(IReadOnlyList<Parameter<T>> parameters, OptimizerState<T> state, string[] bufferNames,
        Action<Parameter<T>, string, T[]> set)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
            foreach (var buffer in bufferNames)
            {
                string key = $"{buffer}.{p.Name}";
                known.Add(key);
                if (!state.Buffers.TryGetValue(key, out var values)) continue;
                if (values.Length != p.Value.Length)
                    throw new ArgumentException($"optimizer buffer {key} has {values.Length} values, the parameter has {p.Value.Length}");
                set(p, buffer, (T[])values.Clone());
            }
        foreach (var key in state.Buffers.Keys)
            if (!known.Contains(key)) throw new ArgumentException($"optimizer buffer {key} belongs to no parameter of this network");
    }
}

/// <summary>Creates optimizers with PyTorch's update rules and defaults.</summary>
public static class Optimizer
{
    /// <summary>Creates the optimizer of the given kind.</summary>
    public static IOptimizer<T> Create<T>(OptimizerKind kind, double momentum = 0.9, double weightDecay = 0.01)
        where T : unmanaged, IFloatingPointIeee754<T> => kind switch
    {
        OptimizerKind.Sgd => new Sgd<T>(0),
        OptimizerKind.Momentum => new Sgd<T>(momentum),
        OptimizerKind.Adam => new Adam<T>(weightDecay: 0),
        OptimizerKind.AdamW => new Adam<T>(weightDecay: weightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The names: sgd (read also as gd), momentum, adam, adamw.</summary>
    public static NameTable<OptimizerKind> Names { get; } = new(
        (OptimizerKind.Sgd, "sgd", ["gd"]),
        (OptimizerKind.Momentum, "momentum", []),
        (OptimizerKind.Adam, "adam", []),
        (OptimizerKind.AdamW, "adamw", []));

    /// <summary>Parses sgd, momentum, adam or adamw; throws <see cref="FormatException"/> naming them.</summary>
    public static OptimizerKind Parse(string name) => Names.Parse(name, "optimizer");
}

/// <summary>Gradient descent, with momentum when μ &gt; 0 (PyTorch's SGD: v = μv + g; w −= lr·v).</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Sgd<T>(double momentum) : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, T[]> _velocity = [];

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter<T>> parameters, double learningRate)
    {
        T lr = T.CreateChecked(learningRate), mu = T.CreateChecked(momentum);
        foreach (var p in parameters)
        {
            if (momentum == 0)
            {
                TensorPrimitives.MultiplyAdd(p.Gradient, -lr, p.Value, p.Value);          // w −= lr·g
                continue;
            }
            if (!_velocity.TryGetValue(p, out var v))
            {
                _velocity[p] = v = (T[])p.Gradient.Clone();   // PyTorch: the first step's buffer is the gradient itself
                TensorPrimitives.MultiplyAdd(v, -lr, p.Value, p.Value);
                continue;
            }
            TensorPrimitives.MultiplyAdd(v, mu, p.Gradient, v);                           // v = μv + g
            TensorPrimitives.MultiplyAdd(v, -lr, p.Value, p.Value);                       // w −= lr·v
        }
        _steps++;
    }

    private int _steps;

    /// <inheritdoc />
    public OptimizerState<T> GetState(IReadOnlyList<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (_velocity.TryGetValue(p, out var v)) buffers[$"momentum_buffer.{p.Name}"] = (T[])v.Clone();
        return new OptimizerState<T>(_steps, buffers);
    }

    /// <inheritdoc />
    public void SetState(IReadOnlyList<Parameter<T>> parameters, OptimizerState<T> state)
    {
        _velocity.Clear();
        OptimizerState<T>.Restore(parameters, state, ["momentum_buffer"], (p, _, values) => _velocity[p] = values);
        _steps = state.Steps;
    }
}

/// <summary>
/// Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e−8), or AdamW when <paramref name="weightDecay"/> &gt; 0: w ·= 1 − lr·λ before
/// the Adam step, as PyTorch's AdamW does.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Adam<T>(double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : IOptimizer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<Parameter<T>, (T[] M, T[] V)> _moments = [];
    private int _step;

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter<T>> parameters, double learningRate)
    {
        _step++;
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2);
        T correction1 = T.CreateChecked(1 - Math.Pow(beta1, _step));
        T sqrtCorrection2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(beta2, _step)));
        T stepSize = T.CreateChecked(learningRate) / correction1, eps = T.CreateChecked(epsilon);
        T decay = T.CreateChecked(1 - learningRate * weightDecay);
        foreach (var p in parameters)
        {
            if (!_moments.TryGetValue(p, out var state))
                _moments[p] = state = (new T[p.Value.Length], new T[p.Value.Length]);
            var (m, v) = state;
            Update(p.Value, p.Gradient, m, v, decay, b1, b2, stepSize, sqrtCorrection2, eps);
        }
    }

    /// <inheritdoc />
    public OptimizerState<T> GetState(IReadOnlyList<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (_moments.TryGetValue(p, out var state))
            {
                buffers[$"exp_avg.{p.Name}"] = (T[])state.M.Clone();
                buffers[$"exp_avg_sq.{p.Name}"] = (T[])state.V.Clone();
            }
        return new OptimizerState<T>(_step, buffers);
    }

    /// <inheritdoc />
    public void SetState(IReadOnlyList<Parameter<T>> parameters, OptimizerState<T> state)
    {
        _moments.Clear();
        OptimizerState<T>.Restore(parameters, state, ["exp_avg", "exp_avg_sq"], (p, buffer, values) =>
        {
            var (m, v) = _moments.TryGetValue(p, out var pair) ? pair : (new T[p.Value.Length], new T[p.Value.Length]);
            _moments[p] = buffer == "exp_avg" ? (values, v) : (m, values);
        });
        foreach (var p in parameters)
            if (_moments.ContainsKey(p) != (state.Buffers.ContainsKey($"exp_avg.{p.Name}") && state.Buffers.ContainsKey($"exp_avg_sq.{p.Name}")))
                throw new ArgumentException($"optimizer state for {p.Name} needs both exp_avg and exp_avg_sq");
        _step = state.Steps;
    }

    /// <summary>
    /// One Adam update of a tensor, as written: w ·= 1 − lr·λ (AdamW only); m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²;
    /// w −= (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε). Vector512 lanes where accelerated, then Vector&lt;T&gt;, then the tail
    /// one at a time: the same equations, each operation rounded once, so the same bits at every width.
    /// </summary>
    private void Update(Span<T> w, ReadOnlySpan<T> g, Span<T> m, Span<T> v, T decay, T b1, T b2, T stepSize, T sqrtCorrection2, T eps)
    {
        var rule = new Rule(weightDecay != 0, decay, b1, b2, stepSize, sqrtCorrection2, eps);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = Units<Vector512<T>, Simd512<T>>.Update(rule, w, g, m, v, i);
        if (Vector.IsHardwareAccelerated)
            i = Units<Vector<T>, SimdVector<T>>.Update(rule, w, g, m, v, i);
        Units<T, SimdScalar<T>>.Update(rule, w, g, m, v, i);
    }

    /// <summary>One step's constants: whether to decay, 1 − lr·λ, β₁, β₂, lr / (1 − β₁ᵗ), √(1 − β₂ᵗ), ε.</summary>
    private readonly record struct Rule(bool Decays, T Decay, T Beta1, T Beta2, T StepSize, T SqrtCorrection2, T Epsilon);

    /// <summary>The update for W elements at a time (<typeparamref name="TOps"/>'s width); returns the first element it left.</summary>
    private static class Units<TV, TOps>
        where TV : struct
        where TOps : struct, ISimd<T, TV>
    {
        public static int Update(Rule rule, Span<T> w, ReadOnlySpan<T> g, Span<T> m, Span<T> v, int i)
        {
            int width = TOps.Count;
            Lanes<T, TV, TOps> b1 = Lanes<T, TV, TOps>.Broadcast(rule.Beta1), b2 = Lanes<T, TV, TOps>.Broadcast(rule.Beta2);
            Lanes<T, TV, TOps> c1 = Lanes<T, TV, TOps>.Broadcast(T.One - rule.Beta1), c2 = Lanes<T, TV, TOps>.Broadcast(T.One - rule.Beta2);
            Lanes<T, TV, TOps> step = Lanes<T, TV, TOps>.Broadcast(rule.StepSize), correction = Lanes<T, TV, TOps>.Broadcast(rule.SqrtCorrection2);
            Lanes<T, TV, TOps> eps = Lanes<T, TV, TOps>.Broadcast(rule.Epsilon), decay = Lanes<T, TV, TOps>.Broadcast(rule.Decay);
            for (; i <= w.Length - width; i += width)
            {
                var gi = Lanes<T, TV, TOps>.Load(g, i);
                var wi = Lanes<T, TV, TOps>.Load(w, i);
                if (rule.Decays) wi *= decay;
                var mi = b1 * Lanes<T, TV, TOps>.Load(m, i) + c1 * gi;
                var vi = b2 * Lanes<T, TV, TOps>.Load(v, i) + c2 * gi * gi;
                mi.Store(m, i);
                vi.Store(v, i);
                (wi - step * mi / (Lanes<T, TV, TOps>.Sqrt(vi) / correction + eps)).Store(w, i);
            }
            return i;
        }
    }
}
