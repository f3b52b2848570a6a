using System.Numerics;

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

    /// <summary>Parses sgd, momentum, adam or adamw.</summary>
    public static OptimizerKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "sgd" or "gd" => OptimizerKind.Sgd,
        "momentum" => OptimizerKind.Momentum,
        "adam" => OptimizerKind.Adam,
        "adamw" => OptimizerKind.AdamW,
        _ => throw new FormatException($"unknown optimizer '{name}': expected sgd, momentum, adam or adamw"),
    };
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
                for (int i = 0; i < p.Value.Length; i++) p.Value[i] -= lr * p.Gradient[i];
                continue;
            }
            if (!_velocity.TryGetValue(p, out var v))
            {
                _velocity[p] = v = (T[])p.Gradient.Clone();   // PyTorch: the first step's buffer is the gradient itself
                for (int i = 0; i < v.Length; i++) p.Value[i] -= lr * v[i];
                continue;
            }
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = mu * v[i] + p.Gradient[i];
                p.Value[i] -= lr * v[i];
            }
        }
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
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2), one = T.One;
        T correction1 = T.CreateChecked(1 - Math.Pow(beta1, _step));
        T sqrtCorrection2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(beta2, _step)));
        T stepSize = T.CreateChecked(learningRate) / correction1, eps = T.CreateChecked(epsilon);
        T decay = T.CreateChecked(1 - learningRate * weightDecay);
        foreach (var p in parameters)
        {
            if (!_moments.TryGetValue(p, out var state))
                _moments[p] = state = (new T[p.Value.Length], new T[p.Value.Length]);
            var (m, v) = state;
            for (int i = 0; i < m.Length; i++)
            {
                T g = p.Gradient[i];
                if (weightDecay != 0) p.Value[i] *= decay;
                m[i] = b1 * m[i] + (one - b1) * g;
                v[i] = b2 * v[i] + (one - b2) * g * g;
                p.Value[i] -= stepSize * m[i] / (T.Sqrt(v[i]) / sqrtCorrection2 + eps);
            }
        }
    }
}
