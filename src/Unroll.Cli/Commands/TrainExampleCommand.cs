using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Unroll.Core;
using Unroll.Core.Training;

namespace Unroll.Cli.Commands;

/// <summary>`unroll train-example`: gradient descent on the classic one-unit ReLU network, from random weights.</summary>
internal static class TrainExampleCommand
{
    public static Command Create(CliContext context)
    {
        var epochs = Options.Count("--epochs", "Gradient-descent steps", 2000);
        var rate = Options.Positive("--lr", "Learning rate", 0.05, max: 1e6);
        var seed = Options.Seed("Seed of the random starting weights", 0);
        var explain = new Option<bool>("--explain") { Description = "Print every step: the loss, the gradient of every weight and bias, and their new values (try it with --epochs 20)" };
        var command = new Command("train-example", "Train the one-unit ReLU example (low/low → low, low/medium → high, high/medium → low, high/high → high) by plain gradient descent") { epochs, rate, seed, explain };
        command.SetAction(parse =>
        {
            int steps = parse.GetValue(epochs);
            double lr = parse.GetValue(rate);
            bool everyStep = parse.GetValue(explain);
            var o = context.Out;
            o.WriteLine("Training x_t = input_t·w1 + y_(t-1)·w2 + b1, y_t = max(0, x_t), output = y·w3 + b2 on four scenarios");
            o.WriteLine("(low = 0, medium = 0.5, high = 1): the sum of squared residuals is the loss, plain gradient descent the rule.");
            o.WriteLine();
            // Each row: the step, the loss before it (the weights it started from), then the weights after it.
            var table = new Table().AddColumns("step", "loss before", "w1", "w2", "b1", "w3", "b2");
            if (everyStep) WriteExplainHeader(o, parse.GetValue(seed), lr);
            ExampleStep? first = null, last = null;
            RecurrentNetwork<double> network;
            try
            {
                network = ExampleTraining.Run(parse.GetValue(seed), steps, lr, step =>
                {
                    first ??= step;
                    last = step;
                    if (everyStep)
                    {
                        WriteExplainedStep(o, step);
                    }
                    else if (IsReported(step.Step, steps))
                    {
                        table.AddRow([.. new[] { step.Step.ToString(CultureInfo.InvariantCulture) }
                            .Concat(new[] { step.Loss, step.W1, step.W2, step.B1, step.W3, step.B2 }.Select(Number))]);
                    }
                });
            }
            catch (TrainingDivergedException e)
            {
                // The learning rate is the learner's choice, and the blow-up is the lesson: show the rows so far.
                if (!everyStep) context.Console.Write(table);
                string what = e.Kind switch { DivergenceKind.Loss => "the loss", DivergenceKind.Gradient => "the gradient", _ => e.Parameter ?? "a weight" };
                // A run that gave no result, as train's divergence: exit 1, one line.
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"error: training diverged at step {(last?.Step ?? 0) + 1}: {what} overflowed to a non-finite number, so steps of --lr {lr} overshoot further each time; try a lower --lr, such as 0.05"));
                return UnrollCli.Failed;
            }
            if (!everyStep) context.Console.Write(table);
            o.WriteLine();
            string[] names = ["low, low", "low, medium", "high, medium", "high, high"];
            var predictions = network.Predict(ExampleTraining.Scenarios.Select(s => (IReadOnlyList<double[]>)s.Select(x => new[] { x }).ToList()).ToList());
            bool learned = true;
            for (int i = 0; i < 4; i++)
            {
                double p = predictions[i][0], target = ExampleTraining.Targets[i];
                learned &= Math.Abs(p - target) <= 0.1;
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {names[i],-13} → predicts {Number(p)} (target {target})"));
            }
            o.WriteLine(learned ? "Every prediction is within 0.1 of its target." : "Not every prediction is within 0.1 of its target" + WhyNot(first, last));
            return learned ? UnrollCli.Ok : UnrollCli.Failed;
        });
        return command;
    }

    // Columns of the --explain blocks: a label, then loss, w1, w2, b1, w3, b2, each right-aligned.
    private const int LabelWidth = 10, NumberWidth = 12;

    private static readonly string[] GradientNames = ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "head.weight", "head.bias"];

    /// <summary>The rule, and the starting weights so that step 1's update can be checked by hand.</summary>
    // Four decimals, as the table has always shown them, until a diverging run's numbers would print a hundred digits.
    private static string Number(double v)
        => Math.Abs(v) < 1e6 ? v.ToString("F4", CultureInfo.InvariantCulture) : v.ToString("0.####E+0", CultureInfo.InvariantCulture);

    /// <summary>Why training has not learned the scenarios yet, from its first and last steps: the loss grew (the
    /// steps overshoot), the gradient vanished (a flat point that no more steps leave), or it is still on its way.</summary>
    private static string WhyNot(ExampleStep? first, ExampleStep? last)
    {
        if (first is null || last is null) return " yet: try more --epochs.";
        if (last.Loss > first.Loss)
            return string.Create(CultureInfo.InvariantCulture,
                $", and the loss grew from {first.Loss:G4} to {last.Loss:G4}: steps of this --lr overshoot; try a lower --lr.");
        double norm = Math.Sqrt(last.Gradients.Values.Sum(g => g * g));
        if (norm < 1e-8)
            return string.Create(CultureInfo.InvariantCulture, $", and the gradient has vanished (its norm is {norm:G2}): ") +
                "training sits at a flat point that more steps do not leave, as where the ReLU outputs 0 for the inputs that would move it; try another --seed.";
        return " yet: try more --epochs.";
    }

    private static void WriteExplainHeader(TextWriter o, int seed, double lr)
    {
        // With no steps, Run returns the network exactly as it starts (the same seeded draw as the real run).
        var start = ExampleTraining.Run(seed, 0, lr, null);
        o.WriteLine("Each step: the loss with the weights on the line above, the gradient of that loss for every weight and bias,");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"and the new weights, each moved by −{lr} × its gradient (new = old − {lr} × gradient)."));
        o.WriteLine();
        o.WriteLine(Row("", "loss", "w1", "w2", "b1", "w3", "b2"));
        o.WriteLine(Row("start", "", Numbers(start["rnn.weight_ih_l0"].Value[0], start["rnn.weight_hh_l0"].Value[0],
            start["rnn.bias_ih_l0"].Value[0], start["head.weight"].Value[0], start["head.bias"].Value[0])));
    }

    private static void WriteExplainedStep(TextWriter o, ExampleStep step)
    {
        o.WriteLine(Row($"step {step.Step}", F(step.Loss)));
        o.WriteLine(Row("  gradient", "", Numbers(GradientNames.Select(name => step.Gradients[name]).ToArray())));
        o.WriteLine(Row("  weights", "", Numbers(step.W1, step.W2, step.B1, step.W3, step.B2)));
    }

    private static string[] Numbers(params double[] values) => values.Select(F).ToArray();

    private static string F(double value) => value.ToString("F6", CultureInfo.InvariantCulture);

    private static string Row(string label, string loss, params string[] values)
        => (label.PadRight(LabelWidth) + loss.PadLeft(NumberWidth) + string.Concat(values.Select(v => v.PadLeft(NumberWidth)))).TrimEnd();

    /// <summary>Steps 1, 2, 5, 10, 20, 50, … and the last: the loss falls fastest early.</summary>
    private static bool IsReported(int step, int last)
    {
        if (step == last) return true;
        for (long scale = 1; scale <= step; scale *= 10)
            if (step == scale || step == 2 * scale || step == 5 * scale) return true;
        return false;
    }
}
