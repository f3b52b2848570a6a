using System.Net;
using System.Text;
using System.Text.Json;

namespace Unroll.Cli.Tests.Serve;

/// <summary>
/// POST /api/example and /api/example/train against a plain double-precision computation of the one-unit ReLU network
/// written here (<see cref="Reference"/>), independent of the engine.
/// </summary>
[Collection(ServeCollection.Name)]
public sealed class ExampleApiTests(ServeServer server)
{
    private static readonly double[][] Scenarios = [[0, 0], [0, 0.5], [1, 0.5], [1, 1]];
    private static readonly double[] Targets = [0, 1, 0, 1];

    // y_t = max(0, input_t·w1 + y_(t−1)·w2 + b1), prediction = y_last·w3 + b2.
    private static double Reference(double[] w, double[] days)
    {
        double y = 0;
        foreach (var x in days) y = Math.Max(0, x * w[0] + y * w[1] + w[3]);
        return y * w[2] + w[4];
    }

    // Σ_s (prediction_s − target_s)² over the four scenarios; w = [w1, w2, w3, b1, b2].
    private static double Ssr(double[] w) => Scenarios.Select((s, i) => Math.Pow(Reference(w, s) - Targets[i], 2)).Sum();

    private static object Body(double[] w, double[] days) => new { w1 = w[0], w2 = w[1], w3 = w[2], b1 = w[3], b2 = w[4], days };

    private static double[] Weights(JsonElement json) => new[] { "w1", "w2", "w3", "b1", "b2" }.Select(n => json.GetProperty(n).GetDouble()).ToArray();

    private static readonly double[] StatQuest = [1.8, -0.5, 1.1, 0, 0];

    [Fact]
    public async Task Example_AtTheStartingWeights_PredictsTheFourScenariosAsThePlainComputation()
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example", Body(StatQuest, [0, 0.5]));
        Assert.Equal(HttpStatusCode.OK, status);
        var scenarios = json.GetProperty("scenarios").EnumerateArray().ToArray();
        Assert.Equal(4, scenarios.Length);
        double[] expected = [0, 0.99, 0, 0.99];
        double ssr = 0;
        for (int s = 0; s < 4; s++)
        {
            double reference = Reference(StatQuest, Scenarios[s]);
            Assert.Equal(expected[s], reference, 1e-12);
            Assert.Equal(reference, scenarios[s].GetProperty("prediction").GetDouble(), 1e-12);
            Assert.Equal(Targets[s], scenarios[s].GetProperty("target").GetDouble());
            Assert.Equal(Targets[s] - reference, scenarios[s].GetProperty("residual").GetDouble(), 1e-12);
            ssr += (Targets[s] - reference) * (Targets[s] - reference);
        }
        Assert.Equal(ssr, json.GetProperty("sum_squared_residuals").GetDouble(), 1e-12);   // 2 × 0.01² = 0.0002
        Assert.Equal("low, medium", scenarios[1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Example_ThreeDays_TraceMatchesAHandComputation()
    {
        double[] w = [1.8, -0.5, 1.1, 0.2, -0.1];
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example", Body(w, [1, 0.5, 0]));
        Assert.Equal(HttpStatusCode.OK, status);
        // Day 1: 1×1.8 + 0.2 = 2.0, + 0×(−0.5) → x = 2.0, y = 2.0, output 2.0×1.1 − 0.1 = 2.1.
        // Day 2: 0.5×1.8 + 0.2 = 1.1, + 2.0×(−0.5) = −1.0 → x = 0.1, y = 0.1, output 0.1×1.1 − 0.1 = 0.01.
        // Day 3: 0×1.8 + 0.2 = 0.2, + 0.1×(−0.5) = −0.05 → x = 0.15, y = 0.15, output 0.15×1.1 − 0.1 = 0.065.
        double[][] hand =
        [
            [1, 0, 2.0, 0, 2.0, 2.0, 2.1],
            [0.5, 2.0, 1.1, -1.0, 0.1, 0.1, 0.01],
            [0, 0.1, 0.2, -0.05, 0.15, 0.15, 0.065],
        ];
        string[] fields = ["input", "previous", "input_term", "recurrent_term", "sum", "activation", "output"];
        var copies = json.GetProperty("copies").EnumerateArray().ToArray();
        Assert.Equal(3, copies.Length);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(k + 1, copies[k].GetProperty("day").GetInt32());
            for (int f = 0; f < fields.Length; f++) Assert.Equal(hand[k][f], copies[k].GetProperty(fields[f]).GetDouble(), 1e-12);
        }
        Assert.Equal(["high", "medium", "low"], copies.Select(c => c.GetProperty("level").GetString()));
        Assert.Equal(0.065, json.GetProperty("prediction").GetDouble(), 1e-12);
        Assert.Equal(Reference(w, [1, 0.5, 0]), json.GetProperty("prediction").GetDouble(), 1e-12);
    }

    [Fact]
    public async Task Example_ANegativeSum_IsSwitchedOffByTheRelu()
    {
        var (_, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example", Body([1.8, -3, 1.1, 0, 0.25], [1, 0.5]));
        var second = json.GetProperty("copies")[1];
        Assert.Equal(0.9 - 5.4, second.GetProperty("sum").GetDouble(), 1e-12);
        Assert.Equal(0, second.GetProperty("activation").GetDouble());
        Assert.Equal(0.25, json.GetProperty("prediction").GetDouble());
    }

    [Fact]
    public async Task Train_FromTheSeededRandomStart_TheLossFallsBelowOneHundredthInThePagesDefaultRun()
    {
        // The page's defaults: seed 0, learning rate 0.05, 2000 steps (train-example's defaults too).
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example/train",
            new { from = "random", seed = 0, steps = 2000, learning_rate = 0.05 });
        Assert.Equal(HttpStatusCode.OK, status);
        var losses = json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("loss").GetDouble()).ToArray();
        Assert.Equal(2000, losses.Length);
        Assert.True(losses[^1] < losses[0] / 10, $"the loss went from {losses[0]} to {losses[^1]}");
        // It falls every hundred steps until it reaches rounding noise (this start fits the four scenarios exactly).
        for (int k = 100; k < losses.Length && losses[k - 100] > 1e-20; k += 100) Assert.True(losses[k] < losses[k - 100], $"the loss rose between steps {k - 99} and {k + 1}");
        Assert.True(losses[199] < 0.01, $"the loss after 200 steps is {losses[199]}");
        Assert.True(json.GetProperty("loss").GetDouble() < 0.01, $"final loss {json.GetProperty("loss").GetDouble()}");
        var final = Weights(json.GetProperty("weights"));
        Assert.Equal(json.GetProperty("loss").GetDouble(), Ssr(final), 1e-12);
        for (int s = 0; s < 4; s++) Assert.InRange(Reference(final, Scenarios[s]), Targets[s] - 0.1, Targets[s] + 0.1);
        Assert.False(json.TryGetProperty("diverged", out _));
    }

    [Fact]
    public async Task Train_InChunksFromCurrent_IsTheSameAsOneRun()
    {
        // The page trains a few steps per request, sending back the weights it got: that must not change the result.
        using var client = server.NewClient();
        var (_, whole) = await ServeServer.PostAsync(client, "/api/example/train", new { from = "random", seed = 3, steps = 60, learning_rate = 0.05 });
        var (_, first) = await ServeServer.PostAsync(client, "/api/example/train", new { from = "random", seed = 3, steps = 25, learning_rate = 0.05 });
        var (_, rest) = await ServeServer.PostAsync(client, "/api/example/train",
            new { from = "current", weights = first.GetProperty("weights"), steps = 35, learning_rate = 0.05 });
        Assert.Equal(Weights(whole.GetProperty("weights")), Weights(rest.GetProperty("weights")));
        Assert.Equal(whole.GetProperty("steps")[25].GetProperty("loss").GetDouble(), rest.GetProperty("steps")[0].GetProperty("loss").GetDouble());
    }

    [Fact]
    public async Task Train_Gradients_MatchCentralFiniteDifferencesOfTheSsr()
    {
        // Every sum positive in every scenario (away from the ReLU's kink), so the SSR is smooth here.
        double[] w = [0.9, 0.3, 0.6, 0.1, -0.2];
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example/train", new
        {
            from = "current",
            weights = new { w1 = w[0], w2 = w[1], w3 = w[2], b1 = w[3], b2 = w[4] },
            steps = 1,
            learning_rate = 0.1,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var step = json.GetProperty("steps")[0];
        Assert.Equal(Ssr(w), step.GetProperty("loss").GetDouble(), 1e-12);
        var gradient = Weights(step.GetProperty("gradient"));
        var change = Weights(step.GetProperty("change"));
        var after = Weights(step.GetProperty("weights"));
        const double h = 1e-6;
        for (int i = 0; i < 5; i++)
        {
            double[] up = (double[])w.Clone(), down = (double[])w.Clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (Ssr(up) - Ssr(down)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-7 * Math.Max(1, Math.Abs(numeric)), $"parameter {i}: finite difference {numeric}, engine {gradient[i]}");
            Assert.Equal(-0.1 * gradient[i], change[i], 1e-12);           // plain gradient descent: θ ← θ − η·∂L/∂θ
            Assert.Equal(w[i] - 0.1 * gradient[i], after[i], 1e-12);
        }
    }

    [Fact]
    public async Task Train_AHugeLearningRate_StopsWithAOneLineReason_AndKeepsTheStepsDone()
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/example/train", new
        {
            from = "current",
            weights = new { w1 = 1.8, w2 = 0.9, w3 = 1.1, b1 = 0.5, b2 = 0 },
            steps = 200,
            learning_rate = 10,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var diverged = json.GetProperty("diverged").GetString()!;
        Assert.Contains("lower learning rate", diverged);
        Assert.DoesNotContain('\n', diverged);
        Assert.True(json.GetProperty("steps").GetArrayLength() < 200);
        Assert.All(Weights(json.GetProperty("weights")), x => Assert.True(double.IsFinite(x)));
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "/api/example", """{"w1": 1.8, "w2": "abc", "w3": 1.1, "b1": 0, "b2": 0, "days": [0, 0.5]}""", "w2" },
        { "/api/example", """{"w1": 1.8, "w2": "NaN", "w3": 1.1, "b1": 0, "b2": 0, "days": [0, 0.5]}""", "w2" },
        { "/api/example", """{"w1": 1.8, "w2": -0.5, "w3": 1.1, "b1": 0, "days": [0, 0.5]}""", "b2 is missing" },
        { "/api/example", """{"w1": 1.8, "w2": -0.5, "w3": 1.1, "b1": 0, "b2": 0, "days": []}""", "days has 0 inputs" },
        { "/api/example", """{"w1": 1.8, "w2": -0.5, "w3": 1.1, "b1": 0, "b2": 0, "days": [""" + string.Join(", ", Enumerable.Repeat("0", 51)) + "]}", "days has 51 inputs" },
        { "/api/example", """{"w1": 1.8, "w2": -0.5, "w3": 1.1, "b1": 0, "b2": 0, "days": [0, "Infinity"]}""", "days[1]" },
        { "/api/example", """{"w1": 1.8, "w2": -0.5, "w3": 1.1, "b1": 0, "b2": 0, "days": [0, 0.5]""", "not valid JSON" },
        { "/api/example", """[1.8, -0.5]""", "not an object" },
        { "/api/example", "", "not valid JSON" },
        { "/api/example/train", """{"from": "random", "seed": 0, "steps": 10, "learning_rate": -0.05}""", "learning_rate" },
        { "/api/example/train", """{"from": "random", "seed": 0, "steps": 10, "learning_rate": 1e300}""", "learning_rate" },
        { "/api/example/train", """{"from": "random", "seed": 0, "steps": 0, "learning_rate": 0.05}""", "steps" },
        { "/api/example/train", """{"from": "random", "seed": 0, "steps": 10001, "learning_rate": 0.05}""", "steps" },
        { "/api/example/train", """{"from": "random", "seed": 0.5, "steps": 10, "learning_rate": 0.05}""", "seed" },
        { "/api/example/train", """{"from": "somewhere", "steps": 10, "learning_rate": 0.05}""", "from" },
        { "/api/example/train", """{"from": "current", "steps": 10, "learning_rate": 0.05}""", "weights is missing" },
        { "/api/example/train", """{"from": "current", "weights": {"w1": 1, "w2": 1, "w3": 1, "b1": null, "b2": 0}, "steps": 10, "learning_rate": 0.05}""", "weights.b1" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_Is400OneLineJson_NamingTheField_AndTheServerStillAnswers(string path, string body, string names)
    {
        using var client = server.NewClient();
        using (var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json")))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            ServeServer.AssertError(HttpStatusCode.BadRequest, names, (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone()));
        }
        var (status, json) = await ServeServer.PostAsync(client, "/api/example", Body(StatQuest, [0, 0.5]));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0.99, json.GetProperty("prediction").GetDouble(), 1e-12);
    }
}
