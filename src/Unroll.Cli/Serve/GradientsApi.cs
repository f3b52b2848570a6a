using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Cli.Commands;
using static Unroll.Cli.Svg.NumberText;

namespace Unroll.Cli.Serve;

/// <summary>
/// The API behind gradients.html: vanishing and exploding gradients measured by the engine (GradientFlow.Measure, the
/// same as `unroll gradients`), for the one-unit ReLU example with a chosen w2, one randomly initialised cell, or the
/// four cells side by side.
/// </summary>
/// <remarks>
/// POST /api/gradients {"mode": "example"|"cell"|"compare", "w2", "cell", "hidden", "forget_bias", "steps", "seed"} →
/// {"mode", "description", "lengths": [1 … N], "series": [{"name", "first_input_gradient": [N], "parameter_gradient_norms":
/// {group: [N]}, "verdict": "vanishes"|"explodes"|"survives" (absent when there is nothing to compare), "summary"}],
/// "reference": {"name": "w1·w2^(T−1)·w3", "values": [N]} (example only)}. ±∞ and NaN are the strings "Infinity",
/// "-Infinity", "NaN".
/// </remarks>
internal static class GradientsApi
{
    /// <summary>The most steps a page request measures: every length is its own forward and backward pass (work ∝ N²),
    /// and the page redraws as a slider moves. `unroll gradients --steps` goes to <see cref="GradientsCommand.MaxSteps"/>.</summary>
    public const int MaxSteps = 200;

    /// <summary>The most hidden units a page request uses, for the same reason; the CLI's --hidden goes to 1024.</summary>
    public const int MaxHidden = 64;

    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
        // A RequestDelegate writes its reply itself: a lambda returning Task<IResult> would bind as one and drop the result.
        api.MapPost("/gradients", async (HttpContext http) => await Results.Json(Measure(await ReadJson<GradientsRequest>(http)), ServeApp.Json).ExecuteAsync(http));
    }

    /// <summary>Reads the request body as JSON with the API's options. Read here rather than bound by the framework,
    /// which answers a malformed body with an empty 400 outside development: a JsonException becomes the one-line 400.</summary>
    internal static async Task<T?> ReadJson<T>(HttpContext http)
    {
        if (http.Request.ContentLength == 0) return default;
        return await System.Text.Json.JsonSerializer.DeserializeAsync<T>(http.Request.Body, ServeApp.Json, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>What the page asks for; every field optional in JSON, checked by <see cref="Measure"/>.</summary>
    internal sealed record GradientsRequest(string? Mode, double? W2, string? Cell, int? Hidden, double? ForgetBias, int? Steps, int? Seed);

    internal sealed record Series(string Name, double[] FirstInputGradient, IReadOnlyDictionary<string, double[]> ParameterGradientNorms, string? Verdict, string Summary);

    internal sealed record Reference(string Name, double[] Values);

    internal sealed record GradientsReply(string Mode, string Description, int[] Lengths, IReadOnlyList<Series> Series, Reference? Reference);

    private enum Mode { Example, Cell, Compare }

    /// <summary>Checks the request and measures; a bad field is an <see cref="ApiError"/> (400) naming it and the fix.</summary>
    internal static GradientsReply Measure(GradientsRequest? request)
    {
        if (request is null) throw ApiError.BadRequest("send a JSON object such as {\"mode\": \"example\", \"w2\": 2, \"steps\": 30}");
        var mode = request.Mode switch
        {
            "example" => Mode.Example,
            "cell" => Mode.Cell,
            "compare" => Mode.Compare,
            null => throw ApiError.BadRequest("say what to measure: \"mode\": \"example\" (the one-unit ReLU example with w2), \"cell\" (a random network) or \"compare\" (the four cells side by side)"),
            _ => throw ApiError.BadRequest($"mode '{request.Mode}' is not one of example, cell or compare"),
        };
        int steps = request.Steps ?? throw ApiError.BadRequest($"give \"steps\", the longest sequence length to measure, from 1 to {MaxSteps}");
        if (steps is < 1 or > MaxSteps)
            throw ApiError.BadRequest($"steps = {steps} is outside 1 to {MaxSteps}, the most this page measures live (each length is its own pass); 'unroll gradients --steps N' goes to {GradientsCommand.MaxSteps}");
        int seed = request.Seed ?? 0;

        if (mode == Mode.Example)
        {
            if (request.Cell is not null) throw ApiError.BadRequest("mode 'example' is the one-unit ReLU network, so \"cell\" does not apply: drop it, or use mode 'cell'");
            if (request.Hidden is not (null or 1)) throw ApiError.BadRequest($"mode 'example' has one unit, so \"hidden\": {request.Hidden} does not apply: drop it, or use mode 'cell'");
            if (request.ForgetBias is not null) throw ApiError.BadRequest("\"forget_bias\" sets an LSTM or GRU gate's bias, and mode 'example' is a ReLU network: drop it, or use mode 'cell' or 'compare'");
            double w2 = request.W2 ?? throw ApiError.BadRequest("mode 'example' needs \"w2\", the recurrent weight, e.g. 2 (explodes) or 0.5 (vanishes)");
            if (!double.IsFinite(w2)) throw ApiError.BadRequest($"w2 = {w2} is not a finite number: give a number such as 2 or 0.5");
            var report = GradientRuns.Example(w2, steps);
            var description = $"The one-unit ReLU example with w1 = {Format(GradientRuns.W1)}, w2 = {Format(w2)}, w3 = {Format(GradientRuns.W3)}, biases 0, every input 1.";
            return new GradientsReply("example", description, report.Lengths, [ToSeries("rnn_relu", report, w2)],
                new Reference("w1·w2^(T−1)·w3", GradientRuns.ExampleReference(w2, steps)));
        }

        if (request.W2 is not null) throw ApiError.BadRequest($"\"w2\" sets the one-unit example's recurrent weight; mode '{request.Mode}' uses randomly initialised networks: drop w2, or use mode 'example'");
        int hidden = request.Hidden ?? 16;
        if (hidden is < 1 or > MaxHidden)
            throw ApiError.BadRequest($"hidden = {hidden} is outside 1 to {MaxHidden}, the most this page measures live; 'unroll gradients --hidden N' goes to 1024");
        if (request.ForgetBias is double b && !double.IsFinite(b)) throw ApiError.BadRequest($"forget_bias = {b} is not a finite number: give a number such as 1 or 3, or leave it out");

        CellKind[] cells;
        if (mode == Mode.Cell)
        {
            if (request.Cell is null) throw ApiError.BadRequest($"mode 'cell' needs \"cell\": one of {string.Join(", ", CellKinds.Names)}");
            if (!CellKinds.TryParse(request.Cell, out var kind)) throw ApiError.BadRequest($"cell '{request.Cell}' is not one of {string.Join(", ", CellKinds.Names)}");
            if (request.ForgetBias is not null && kind is not (CellKind.Lstm or CellKind.Gru))
                throw ApiError.BadRequest($"\"forget_bias\" sets an LSTM or GRU gate's bias; a {kind.ToName()} has no gates: choose lstm or gru, or drop forget_bias");
            cells = [kind];
        }
        else
        {
            if (request.Cell is not null) throw ApiError.BadRequest($"mode 'compare' runs every cell side by side, so \"cell\": \"{request.Cell}\" does not apply: drop it, or use mode 'cell'");
            cells = Enum.GetValues<CellKind>();
        }
        var inputs = GradientRuns.RandomInputs(steps, seed);
        var series = cells.Select(c => ToSeries(c.ToName(), GradientFlow.Measure(GradientRuns.RandomNetwork(c, hidden, seed, request.ForgetBias), inputs), null)).ToList();
        var what = mode == Mode.Compare ? "Each cell" : cells[0].ToName();
        var text = $"{what} with {hidden} hidden unit{(hidden == 1 ? "" : "s")}, initialised as PyTorch does (uniform in ±1/√{hidden}, seed {seed})"
            + (request.ForgetBias is double fb ? $", then the LSTM forget gate's and GRU update gate's bias set to {Format(fb)}" : "") + "; inputs uniform in [0, 1).";
        return new GradientsReply(mode == Mode.Compare ? "compare" : "cell", text, series[0].FirstInputGradient.Select((_, i) => i + 1).ToArray(), series, null);
    }

    private static Series ToSeries(string name, GradientFlowReport report, double? w2)
    {
        double first = report.FirstInputGradient[0][0], last = report.FirstInputGradient[^1][0];
        string? verdict = report.Lengths.Length > 1 && first != 0 ? GradientRuns.Verdict(last / first).ToString().ToLowerInvariant() : null;
        return new Series(name, report.FirstInputGradient.Select(g => g[0]).ToArray(), report.ParameterGradientNorms, verdict,
            GradientRuns.Summary(name, report, w2, "steps"));
    }
}
