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
    /// squared residuals, reporting each step. Restarts from a new draw when the unit starts dead (ReLU outputs 0
    /// for every scenario, so no gradient flows), as a person would.
    /// </summary>
    public static RecurrentNetwork<double> Run(int seed, int epochs, double learningRate, Action<ExampleStep>? report)
    {
        var random = new Random(seed);
        var shape = new NetworkShape(CellKind.RnnRelu, 1, 1);
        var batch = SequenceBatch<double>.Create(Scenarios.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList(), 1);
        RecurrentNetwork<double> network;
        do
        {
            network = new RecurrentNetwork<double>(shape);
            foreach (var p in network.Parameters)
                for (int i = 0; i < p.Value.Length; i++) p.Value[i] = random.NextDouble() * 2 - 1;
            network["rnn.bias_hh_l0"].Value[0] = 0;     // one hidden bias, b1, as in the example
        }
        while (network.Forward(batch).Outputs.ToArray().Distinct().Count() == 1);

        var trainer = new Trainer<double>(network, Optimizer.Create<double>(OptimizerKind.Sgd), new TrainerOptions { Loss = LossKind.SumSquared });
        var targets = Targets.ToArray();
        for (int step = 1; step <= epochs; step++)
        {
            var result = trainer.Step(batch, targets, learningRate);
            network["rnn.bias_hh_l0"].Value[0] = 0;
            report?.Invoke(new ExampleStep(step, result.Loss,
                network["rnn.weight_ih_l0"].Value[0], network["rnn.weight_hh_l0"].Value[0],
                network["rnn.bias_ih_l0"].Value[0], network["head.weight"].Value[0], network["head.bias"].Value[0],
                network.Parameters.ToDictionary(p => p.Name, p => p.Gradient[0])));
        }
        return network;
    }
}
