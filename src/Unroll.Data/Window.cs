namespace Unroll.Data;

/// <summary>
/// One example cut from a series: the input steps [<see cref="InputStart"/>, <see cref="TargetStart"/>), each a
/// vector [target value, features...], and the next <see cref="Targets"/>.Length target values.
/// </summary>
/// <remarks>Shapes: <see cref="Inputs"/> is (T, I) row-major, T = <see cref="Steps"/>, I = <see cref="InputSize"/>
/// = 1 + F; <see cref="Targets"/> is (H). Indices are steps of the series the window was cut from.</remarks>
public sealed class Window
{
    private readonly double[] _inputs, _targets;

    internal Window(string symbol, int inputStart, int targetStart, int inputSize, double[] inputs, double[] targets)
    {
        Symbol = symbol;
        InputStart = inputStart;
        TargetStart = targetStart;
        InputSize = inputSize;
        _inputs = inputs;
        _targets = targets;
    }

    /// <summary>The series the window was cut from.</summary>
    public string Symbol { get; }

    /// <summary>The series step of the first input.</summary>
    public int InputStart { get; }

    /// <summary>The series step of the first target, one after the last input.</summary>
    public int TargetStart { get; }

    /// <summary>The number of input steps, T.</summary>
    public int Steps => TargetStart - InputStart;

    /// <summary>The length of each input vector, I = 1 + number of features.</summary>
    public int InputSize { get; }

    /// <summary>The inputs, (T, I) row-major: step t is [value[t], features[t]...].</summary>
    public ReadOnlyMemory<double> Inputs => _inputs;

    /// <summary>The target values of steps [TargetStart, TargetStart + H); empty for a window to forecast from.</summary>
    public ReadOnlyMemory<double> Targets => _targets;

    /// <summary>A window of the same place in the same series holding other values (such as the same inputs
    /// expressed relative to the last one): copies of <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
    /// <exception cref="ArgumentException">A length differs from this window's.</exception>
    public Window With(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets)
    {
        if (inputs.Length != _inputs.Length || targets.Length != _targets.Length)
            throw new ArgumentException($"a window of {Steps} steps of {InputSize} and {_targets.Length} targets needs {_inputs.Length} inputs and {_targets.Length} targets, got {inputs.Length} and {targets.Length}");
        return new Window(Symbol, InputStart, TargetStart, InputSize, inputs.ToArray(), targets.ToArray());
    }

    /// <summary>The input vector of step <paramref name="t"/> of the window (0 is the oldest). (I)</summary>
    /// <param name="t">The step, 0 ≤ t &lt; <see cref="Steps"/>.</param>
    public ReadOnlySpan<double> Step(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, Steps);
        return _inputs.AsSpan(t * InputSize, InputSize);
    }
}

/// <summary>The windows of one series, split by where their targets fall in time.</summary>
/// <param name="Train">Windows whose targets all lie in the training part.</param>
/// <param name="Validation">Windows whose targets all lie in the validation part.</param>
/// <param name="Test">Windows whose targets all lie in the test part.</param>
public sealed record SplitWindows(IReadOnlyList<Window> Train, IReadOnlyList<Window> Validation, IReadOnlyList<Window> Test);
