namespace Unroll.Core.Training;

/// <summary>What one step of <see cref="ExampleTraining.Run"/> did: the loss and every weight and bias after it.</summary>
/// <param name="Step">The step number, from 1.</param>
/// <param name="Loss">The sum of squared residuals before the step.</param>
/// <param name="W1">Input weight after the step.</param>
/// <param name="W2">Recurrent weight after the step.</param>
/// <param name="B1">Hidden bias (b_ih + b_hh) after the step.</param>
/// <param name="W3">Output weight after the step.</param>
/// <param name="B2">Output bias after the step.</param>
/// <param name="Gradients">The gradient of each parameter at this step, by PyTorch name.</param>
public sealed record ExampleStep(int Step, double Loss, double W1, double W2, double B1, double W3, double B2,
    IReadOnlyDictionary<string, double> Gradients);

/// <summary>Trains the classic one-unit ReLU network on its four scenarios by plain gradient descent.</summary>
public static class ExampleTraining
{
    /// <summary>The four scenarios (yesterday, today) with low = 0, medium = 0.5, high = 1.</summary>
    public static IReadOnlyList<double[]> Scenarios { get; } = [[0, 0], [0, 0.5], [1, 0.5], [1, 1]];

    /// <summary>Tomorrow's price for each scenario: low, high, low, high.</summary>
    public static IReadOnlyList<double> Targets { get; } = [0, 1, 0, 1];

    /// <summary>
    /// Starts from random weights (seeded) and runs <paramref name="epochs"/> steps of gradient descent on the sum of
    /// squared residuals, reporting each step: <see cref="Train"/> from <see cref="RandomStart"/>.
    /// </summary>
    public static RecurrentNetwork<double> Run(int seed, int epochs, double learningRate, Action<ExampleStep>? report)
    {
        var network = RandomStart(seed);
        Train(network, epochs, learningRate, report);
        return network;
    }

    /// <summary>
    /// The seeded random start: every weight and bias uniform in [−1, 1), <c>rnn.bias_hh_l0</c> then set to 0 (one
    /// hidden bias, b1). Draws again, from the same source, while the unit starts dead (the network predicts the same
    /// value for every scenario, so no gradient reaches w1, w2 or b1), as a person would.
    /// </summary>
    public static RecurrentNetwork<double> RandomStart(int seed)
    {
        var random = new Random(seed);
        var shape = new NetworkShape(CellKind.RnnRelu, 1, 1);
        var batch = Batch();
        RecurrentNetwork<double> network;
        do
        {
            network = new RecurrentNetwork<double>(shape);
            foreach (var p in network.Parameters)
                for (int i = 0; i < p.Value.Length; i++) p.Value[i] = random.NextDouble() * 2 - 1;
            network["rnn.bias_hh_l0"].Value[0] = 0;     // one hidden bias, b1, as in the example
        }
        while (network.Forward(batch).Outputs.ToArray().Distinct().Count() == 1);
        return network;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps of plain gradient descent on <paramref name="network"/> (changed in place),
    /// from whatever weights it has: each step computes the sum of squared residuals L = Σ_s (ŷ_s − target_s)² over
    /// the four scenarios, its gradient by backpropagation through time, and moves every weight and bias θ to
    /// θ − learningRate · ∂L/∂θ. <c>rnn.bias_hh_l0</c> is held at 0 (b1 is <c>rnn.bias_ih_l0</c>).
    /// </summary>
    /// <param name="network">A one-unit ReLU network, e.g. from <see cref="Examples.StatQuest{T}(double, double, double, double, double)"/>.</param>
    /// <param name="steps">How many steps, 0 or more.</param>
    /// <param name="learningRate">The step size, positive.</param>
    /// <param name="report">Called after every step with the loss and gradients before it and the weights after it.</param>
    /// <exception cref="ArgumentException">The network is not the one-unit ReLU network.</exception>
    /// <exception cref="TrainingDivergedException">A step made the loss, a gradient or a weight non-finite; the
    /// network keeps the weights from before that step.</exception>
    public static void Train(RecurrentNetwork<double> network, int steps, double learningRate, Action<ExampleStep>? report)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Shape != new NetworkShape(CellKind.RnnRelu, 1, 1))
            throw new ArgumentException($"the example trains the one-unit ReLU network (CellKind.RnnRelu, 1 input, 1 hidden unit), not {network.Shape}: build it with Examples.StatQuest", nameof(network));
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be a positive finite number, such as 0.05");
        var batch = Batch();
        var trainer = new Trainer<double>(network, Optimizer.Create<double>(OptimizerKind.Sgd), new TrainerOptions { Loss = LossKind.SumSquared });
        var targets = Targets.ToArray();
        network["rnn.bias_hh_l0"].Value[0] = 0;
        for (int step = 1; step <= steps; step++)
        {
            var result = trainer.Step(batch, targets, learningRate);
            network["rnn.bias_hh_l0"].Value[0] = 0;
            report?.Invoke(new ExampleStep(step, result.Loss,
                network["rnn.weight_ih_l0"].Value[0], network["rnn.weight_hh_l0"].Value[0],
                network["rnn.bias_ih_l0"].Value[0], network["head.weight"].Value[0], network["head.bias"].Value[0],
                network.Parameters.ToDictionary(p => p.Name, p => p.Gradient[0])));
        }
    }

    /// <summary>The network's prediction for each of the four <see cref="Scenarios"/>, in order.</summary>
    public static double[] Predict(RecurrentNetwork<double> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Predict(Sequences()).Select(p => p[0]).ToArray();
    }

    /// <summary>The loss the training minimises: the sum of squared residuals Σ_s (ŷ_s − target_s)² over the four scenarios.</summary>
    public static double SumSquaredResiduals(RecurrentNetwork<double> network)
    {
        var predictions = Predict(network);
        double sum = 0;
        for (int s = 0; s < predictions.Length; s++) sum += (predictions[s] - Targets[s]) * (predictions[s] - Targets[s]);
        return sum;
    }

    private static List<IReadOnlyList<double[]>> Sequences()
        => Scenarios.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList();

    private static SequenceBatch<double> Batch() => SequenceBatch<double>.Create(Sequences(), 1);
}
