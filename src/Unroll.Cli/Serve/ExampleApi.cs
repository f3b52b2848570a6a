using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Training;

namespace Unroll.Cli.Serve;

/// <summary>
/// The API behind example.html: the one-unit ReLU network <c>x_t = input_t·w1 + y_(t−1)·w2 + b1</c>,
/// <c>y_t = max(0, x_t)</c>, <c>output_t = y_t·w3 + b2</c>, unrolled over the page's days and trained on the four
/// scenarios. Every number comes from the engine (<see cref="UnrolledTrace"/>, <see cref="ExampleTraining"/>); the page
/// only draws them.
/// </summary>
internal static class ExampleApi
{
    /// <summary>The most days the page may unroll.</summary>
    public const int MaxDays = 50;

    /// <summary>The most gradient-descent steps in one request (the page asks for a few at a time).</summary>
    public const int MaxSteps = 10_000;

    /// <summary>The largest learning rate accepted; the example trains well at 0.05 and diverges long before 10.</summary>
    public const double MaxLearningRate = 10;

    private static readonly string[] ScenarioNames = ["low, low", "low, medium", "high, medium", "high, high"];

    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
        // POST /api/example {w1, w2, w3, b1, b2, days: [..]} → every unrolled copy, the prediction, the four scenarios.
        api.MapPost("/example", async (HttpContext http) =>
        {
            using var body = await ReadBody(http).ConfigureAwait(false);
            var root = body.RootElement;
            var weights = ReadWeights(root, "");
            var days = ReadDays(root);
            return Results.Json(Evaluate(weights, days), ServeApp.Json);
        });

        // POST /api/example/train {weights: {..}, from: "current"|"random", seed, steps, learning_rate} → every step.
        api.MapPost("/example/train", async (HttpContext http) =>
        {
            using var body = await ReadBody(http).ConfigureAwait(false);
            var root = body.RootElement;
            var from = ReadFrom(root);
            int seed = ReadInteger(root, "seed", int.MinValue, int.MaxValue, fallback: 0, "such as 0");
            int steps = ReadInteger(root, "steps", 1, MaxSteps, fallback: null, "such as 50");
            double rate = ReadLearningRate(root);
            RecurrentNetwork<double> network;
            if (from == TrainStart.Random)
            {
                network = ExampleTraining.RandomStart(seed);
            }
            else
            {
                if (!root.TryGetProperty("weights", out var given) || given.ValueKind != JsonValueKind.Object)
                    throw ApiError.BadRequest("weights is missing: training from the current weights needs {\"weights\": {\"w1\": 1.8, \"w2\": -0.5, \"w3\": 1.1, \"b1\": 0, \"b2\": 0}}, or send \"from\": \"random\"");
                network = ReadWeights(given, "weights.").Network();
            }
            return Results.Json(Train(network, from, steps, rate), ServeApp.Json);
        });
    }

    /// <summary>The unrolled trace of <paramref name="days"/> and the four scenarios, at <paramref name="weights"/>.</summary>
    internal static ExampleReply Evaluate(ExampleWeights weights, double[] days)
    {
        var network = weights.Network();
        var trace = UnrolledTrace.Record(network, days.Select(d => new[] { d }).ToList());
        var copies = trace.Layers[0].Select(step => new ExampleCopy(
            Day: step.Step + 1,
            Input: step.Input[0],
            Level: Level(step.Input[0]),
            Previous: step.PreviousHidden[0],
            InputTerm: step.InputTerm[0],
            RecurrentTerm: step.HiddenTerm[0],
            Sum: step.PreActivation[0],
            Activation: step.Hidden[0],
            Output: trace.Outputs[step.Step][0])).ToArray();
        var predictions = ExampleTraining.Predict(network);
        var scenarios = Enumerable.Range(0, predictions.Length).Select(s =>
        {
            double target = ExampleTraining.Targets[s], residual = target - predictions[s];
            return new ExampleScenario(ScenarioNames[s], ExampleTraining.Scenarios[s], predictions[s], target, residual, residual * residual);
        }).ToArray();
        return new ExampleReply(weights, copies, trace.Prediction[0], scenarios, ExampleTraining.SumSquaredResiduals(network));
    }

    /// <summary>Trains <paramref name="network"/> in place for <paramref name="steps"/> steps and reports each one.</summary>
    internal static TrainReply Train(RecurrentNetwork<double> network, TrainStart from, int steps, double rate)
    {
        var start = ExampleWeights.Of(network);
        var before = start;
        var report = new List<TrainStep>(steps);
        string? diverged = null;
        try
        {
            ExampleTraining.Train(network, steps, rate, step =>
            {
                var after = new ExampleWeights(step.W1, step.W2, step.W3, step.B1, step.B2);
                var g = step.Gradients;
                // b1 is rnn.bias_ih_l0 alone: rnn.bias_hh_l0 is held at 0, so its gradient (equal to b1's) moves nothing.
                var gradient = new ExampleWeights(g["rnn.weight_ih_l0"], g["rnn.weight_hh_l0"], g["head.weight"], g["rnn.bias_ih_l0"], g["head.bias"]);
                report.Add(new TrainStep(step.Step, step.Loss, gradient, after - before, after));
                before = after;
            });
        }
        catch (TrainingDivergedException e)
        {
            diverged = $"training stopped at step {report.Count + 1}: {e.Message}";
        }
        return new TrainReply(from.ToString().ToLowerInvariant(), rate, start, report, ExampleWeights.Of(network), ExampleTraining.SumSquaredResiduals(network), diverged);
    }

    private static string? Level(double x) => x switch { 0 => "low", 0.5 => "medium", 1 => "high", _ => null };

    private static async Task<JsonDocument> ReadBody(HttpContext http)
    {
        var body = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            var error = ApiError.BadRequest($"the request body is a JSON {Kind(body.RootElement)}, not an object: send {{\"w1\": 1.8, \"w2\": -0.5, ...}}");
            body.Dispose();
            throw error;
        }
        return body;
    }

    private static ExampleWeights ReadWeights(JsonElement json, string prefix)
        => new(ReadNumber(json, prefix, "w1", 1.8), ReadNumber(json, prefix, "w2", -0.5), ReadNumber(json, prefix, "w3", 1.1),
            ReadNumber(json, prefix, "b1", 0), ReadNumber(json, prefix, "b2", 0));

    private static double ReadNumber(JsonElement json, string prefix, string name, double example)
    {
        string example1 = example.ToString(CultureInfo.InvariantCulture);
        if (!json.TryGetProperty(name, out var value))
            throw ApiError.BadRequest($"{prefix}{name} is missing: give it a finite number, such as {example1}");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var x) || !double.IsFinite(x))
            throw ApiError.BadRequest($"{prefix}{name} is {Shown(value)}, not a finite number: give a number such as {example1}");
        return x;
    }

    private static double[] ReadDays(JsonElement json)
    {
        if (!json.TryGetProperty("days", out var days) || days.ValueKind != JsonValueKind.Array)
            throw ApiError.BadRequest($"days is {(json.TryGetProperty("days", out var d) ? Shown(d) : "missing")}, not a list: give 1 to {MaxDays} inputs, oldest first, such as [0, 0.5, 1] (low = 0, medium = 0.5, high = 1)");
        int count = days.GetArrayLength();
        if (count is 0 or > MaxDays)
            throw ApiError.BadRequest($"days has {count} input{(count == 1 ? "" : "s")}: give 1 to {MaxDays}, such as [0, 0.5, 1]");
        var result = new double[count];
        int k = 0;
        foreach (var day in days.EnumerateArray())
        {
            if (day.ValueKind != JsonValueKind.Number || !day.TryGetDouble(out var x) || !double.IsFinite(x))
                throw ApiError.BadRequest($"days[{k}] is {Shown(day)}, not a finite number: use 0 (low), 0.5 (medium), 1 (high) or another number");
            result[k++] = x;
        }
        return result;
    }

    private static TrainStart ReadFrom(JsonElement json)
    {
        if (!json.TryGetProperty("from", out var from)) return TrainStart.Current;
        return from.ValueKind == JsonValueKind.String ? from.GetString() switch
        {
            "current" => TrainStart.Current,
            "random" => TrainStart.Random,
            _ => throw ApiError.BadRequest($"from is {Shown(from)}: give \"current\" (the weights sent) or \"random\" (a seeded random start)"),
        } : throw ApiError.BadRequest($"from is {Shown(from)}, not a string: give \"current\" or \"random\"");
    }

    private static int ReadInteger(JsonElement json, string name, int min, int max, int? fallback, string example)
    {
        if (!json.TryGetProperty(name, out var value))
            return fallback ?? throw ApiError.BadRequest($"{name} is missing: give a whole number from {min} to {max}, {example}");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < min || n > max)
            throw ApiError.BadRequest($"{name} is {Shown(value)}: give a whole number from {min} to {max}, {example}");
        return (int)n;
    }

    private static double ReadLearningRate(JsonElement json)
    {
        const string Fix = "give a number above 0 and at most 10, such as 0.05 (the example's rate)";
        if (!json.TryGetProperty("learning_rate", out var value))
            throw ApiError.BadRequest($"learning_rate is missing: {Fix}");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var rate) || !(rate > 0) || !(rate <= MaxLearningRate))
            throw ApiError.BadRequest($"learning_rate is {Shown(value)}: {Fix}");
        return rate;
    }

    // A JSON value as the user sent it, cut short so the error stays one readable line.
    private static string Shown(JsonElement value)
    {
        var text = value.GetRawText().ReplaceLineEndings(" ");
        return text.Length <= 40 ? text : text[..37] + "...";
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}

/// <summary>Where training starts: the weights sent, or a seeded random draw (<see cref="ExampleTraining.RandomStart"/>).</summary>
internal enum TrainStart { Current, Random }

/// <summary>The example's five parameters (also used for their gradients and for the change one step made).</summary>
internal readonly record struct ExampleWeights(double W1, double W2, double W3, double B1, double B2)
{
    public RecurrentNetwork<double> Network() => Examples.StatQuest<double>(W1, W2, W3, B1, B2);

    public static ExampleWeights Of(RecurrentNetwork<double> network)
        => new(network["rnn.weight_ih_l0"].Value[0], network["rnn.weight_hh_l0"].Value[0], network["head.weight"].Value[0],
            network["rnn.bias_ih_l0"].Value[0], network["head.bias"].Value[0]);

    public static ExampleWeights operator -(ExampleWeights a, ExampleWeights b)
        => new(a.W1 - b.W1, a.W2 - b.W2, a.W3 - b.W3, a.B1 - b.B1, a.B2 - b.B2);
}

/// <summary>One unrolled copy: x = (input·w1 + b1) + (previous·w2), activation = max(0, x), output = activation·w3 + b2.</summary>
/// <param name="Day">1 for the oldest input.</param>
/// <param name="Input">The day's input.</param>
/// <param name="Level">"low", "medium" or "high" for 0, 0.5 and 1; null for any other input.</param>
/// <param name="Previous">y from the copy before (0 for the first).</param>
/// <param name="InputTerm">input·w1 + b1.</param>
/// <param name="RecurrentTerm">previous·w2.</param>
/// <param name="Sum">x, the two terms added (by the engine).</param>
/// <param name="Activation">y = max(0, x), passed to the next copy.</param>
/// <param name="Output">y·w3 + b2; the last copy's is the prediction.</param>
internal sealed record ExampleCopy(int Day, double Input, string? Level, double Previous, double InputTerm, double RecurrentTerm,
    double Sum, double Activation, double Output);

/// <summary>One of the four scenarios: residual = target − prediction.</summary>
internal sealed record ExampleScenario(string Name, double[] Days, double Prediction, double Target, double Residual, double SquaredResidual);

/// <summary>The reply of POST /api/example.</summary>
internal sealed record ExampleReply(ExampleWeights Weights, ExampleCopy[] Copies, double Prediction, ExampleScenario[] Scenarios, double SumSquaredResiduals);

/// <summary>One gradient-descent step: the loss and gradient at the weights before it, the change it made, the weights after.</summary>
internal sealed record TrainStep(int Step, double Loss, ExampleWeights Gradient, ExampleWeights Change, ExampleWeights Weights);

/// <summary>The reply of POST /api/example/train.</summary>
/// <param name="From">"current" or "random".</param>
/// <param name="LearningRate">The rate every step used.</param>
/// <param name="Start">The weights before step 1 (the random draw, or the weights sent).</param>
/// <param name="Steps">Every step done.</param>
/// <param name="Weights">The weights after the last step.</param>
/// <param name="Loss">The sum of squared residuals at <paramref name="Weights"/>.</param>
/// <param name="Diverged">Why training stopped early (a non-finite loss, gradient or weight), else null.</param>
internal sealed record TrainReply(string From, double LearningRate, ExampleWeights Start, List<TrainStep> Steps, ExampleWeights Weights,
    double Loss, string? Diverged);
