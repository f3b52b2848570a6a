using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Io;

namespace Unroll.Cli.Serve;

/// <summary>
/// The API behind gates.html: every gate of every step of an LSTM or GRU, from the engine's own forward pass
/// (UnrolledTrace.Record), for the bundled one-unit LSTM or GRU or a model the browser uploaded.
/// </summary>
/// <remarks>
/// POST /api/gates/upload (multipart, field "model": a .safetensors file; held in memory for this browser session, never
/// written to disk) → {"model": {"name", "cell", "input_size", "hidden_size", "layers", "output_size"}}.<br/>
/// POST /api/gates {"model": "lstm"|"gru"|"upload", "sequence": "0, 0.5, 0.25, 1" (or "inputs": [[0], [0.5], …])} →
/// {"model", "inputs": [T][I], "layers": [{"layer", "hidden_size", "units_shown", "rows": [{"name", "unit", "scale":
/// "unit"|"signed", "values": [T]}]}], "outputs": [T][O], "prediction": [O], "notes": [...]}. Rows are per gate then
/// state (LSTM i, f, g, o, c, h; GRU r, z, n, h), one per unit up to <see cref="MaxUnitsShown"/>; "unit" rows lie in
/// [0, 1] (sigmoid gates), "signed" rows in [−1, 1] (tanh, and h), except c, which can leave it.
/// </remarks>
internal static class GatesApi
{
    /// <summary>The most steps a request runs (the page shows every one as a column).</summary>
    public const int MaxSteps = 200;

    /// <summary>The most units per gate shown; the rest are computed but not sent, and a note says so.</summary>
    public const int MaxUnitsShown = 16;

    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
        var uploads = new GateUploads();                    // one per server, captured by both endpoints
        api.MapPost("/gates/upload", async (HttpContext http) => await Results.Json(await UploadAsync(http, uploads), ServeApp.Json).ExecuteAsync(http));
        api.MapPost("/gates", async (HttpContext http) =>
        {
            var request = await GradientsApi.ReadJson<GatesRequest>(http);
            await Results.Json(Trace(request, uploads.Get(Sessions.Of(http))), ServeApp.Json).ExecuteAsync(http);   // written here, as in GradientsApi
        });
    }

    internal sealed record GatesRequest(string? Model, string? Sequence, double[][]? Inputs);

    internal sealed record ModelInfo(string Name, string Cell, int InputSize, int HiddenSize, int Layers, int OutputSize)
    {
        public static ModelInfo Of(string name, NetworkShape s) => new(name, s.Cell.ToName(), s.InputSize, s.HiddenSize, s.Layers, s.OutputSize);
    }

    internal sealed record UploadReply(ModelInfo Model);

    internal sealed record Row(string Name, int Unit, string Scale, double[] Values);

    internal sealed record Layer(int Index, int HiddenSize, int UnitsShown, IReadOnlyList<Row> Rows);

    internal sealed record GatesReply(ModelInfo Model, double[][] Inputs, IReadOnlyList<Layer> Layers, double[][] Outputs, double[] Prediction, IReadOnlyList<string>? Notes);

    /// <summary>A model uploaded in this session: its name (for messages) and the network.</summary>
    /// <summary>A model uploaded in a browser session, held in memory.</summary>
    /// <param name="Name">The browser's file name, for messages only.</param>
    /// <param name="Network">The network read from it.</param>
    /// <param name="Forecasting">The file is a forecasting model (it carries forecast.* metadata): its network reads and
    /// writes scaled units, not prices.</param>
    internal sealed record Uploaded(string Name, RecurrentNetwork<double> Network, bool Forecasting = false);

    private static async Task<UploadReply> UploadAsync(HttpContext http, GateUploads uploads)
    {
        var options = http.RequestServices.GetRequiredService<ServeOptions>();
        if (!http.Request.HasFormContentType)
            throw ApiError.BadRequest("upload the model as a multipart form with a file field named 'model' (a .safetensors file)");
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var file = form.Files.GetFile("model") ?? form.Files.FirstOrDefault()
            ?? throw ApiError.BadRequest("the upload holds no file: choose a .safetensors model file");
        if (file.Length > options.UploadLimitBytes)
            throw new ApiError(StatusCodes.Status413PayloadTooLarge, $"{Shown(file.FileName)} is {file.Length / (1024 * 1024)} MB, more than the {options.UploadLimitBytes / (1024 * 1024)} MB this server accepts: inspect a smaller model, or run 'unroll explain --model FILE' on the command line");
        if (file.Length == 0) throw ApiError.BadRequest($"{Shown(file.FileName)} is empty: choose a .safetensors model file");
        var bytes = new byte[file.Length];                  // held in memory only: the upload is never written to disk
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, http.RequestAborted).ConfigureAwait(false);
        var name = Shown(file.FileName);
        var loaded = ModelFile.Load<double>(bytes, name, new ModelFileOptions());   // ModelFileException → 400 with the CLI's line
        var shape = loaded.Network.Shape;
        if (shape.Cell is not (CellKind.Lstm or CellKind.Gru))
            throw ApiError.BadRequest($"{name} is a {shape.Cell.ToName()} network, which has no gates: this page shows LSTM and GRU gates; 'unroll explain --model {name}' shows an RNN's sums");
        uploads.Put(Sessions.Of(http), new Uploaded(name, loaded.Network, loaded.Metadata.Keys.Any(k => k.StartsWith("forecast.", StringComparison.Ordinal))));
        return new UploadReply(ModelInfo.Of(name, shape));
    }

    // The browser's file name, for messages only (never opened): its last segment, printable, at most 80 characters.
    private static string Shown(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray());
        if (name.Length == 0) name = "the uploaded file";
        return name.Length > 80 ? name[..77] + "..." : name;
    }

    /// <summary>Checks the request, runs the model over the sequence and lays out every gate per step.</summary>
    internal static GatesReply Trace(GatesRequest? request, Uploaded? uploaded)
    {
        if (request is null) throw ApiError.BadRequest("send a JSON object such as {\"model\": \"lstm\", \"sequence\": \"0, 0.5, 0.25, 1\"}");
        var (name, network) = request.Model switch
        {
            "lstm" => ("the bundled one-unit LSTM", Examples.Lstm<double>()),
            "gru" => ("the bundled one-unit GRU", Examples.Gru<double>()),
            "upload" => uploaded is null
                ? throw ApiError.BadRequest("no model has been uploaded in this browser session (or it was replaced): upload a .safetensors file first")
                : (uploaded.Name, uploaded.Network),
            null => throw ApiError.BadRequest("say which model: \"model\": \"lstm\", \"gru\" (the bundled one-unit cells) or \"upload\" (the file uploaded in this session)"),
            _ => throw ApiError.BadRequest($"model '{request.Model}' is not one of lstm, gru or upload"),
        };
        var shape = network.Shape;
        var inputs = Inputs(request, shape.InputSize);
        var trace = UnrolledTrace.Record(network, inputs);

        var gateNames = UnrolledTrace.GateNames(shape.Cell);
        int shown = Math.Min(shape.HiddenSize, MaxUnitsShown), length = inputs.Count;
        var layers = new List<Layer>();
        for (int l = 0; l < shape.Layers; l++)
        {
            var steps = trace.Layers[l];
            var rows = new List<Row>();
            for (int g = 0; g < gateNames.Count; g++)
                for (int u = 0; u < shown; u++)
                    rows.Add(new Row(gateNames[g], u, Scale(gateNames[g]), steps.Select(s => s.Gates[g * shape.HiddenSize + u]).ToArray()));
            if (shape.Cell == CellKind.Lstm)
                for (int u = 0; u < shown; u++) rows.Add(new Row("c", u, "signed", steps.Select(s => s.Cell![u]).ToArray()));
            for (int u = 0; u < shown; u++) rows.Add(new Row("h", u, "signed", steps.Select(s => s.Hidden[u]).ToArray()));
            layers.Add(new Layer(l, shape.HiddenSize, shown, rows));
        }
        var notes = new List<string>();
        if (request.Model == "upload" && uploaded is { Forecasting: true })
            notes.Add($"{name} is a forecasting model: its network reads the sequence and writes the prediction in the scaled units it was trained on (each series' changes divided by its typical move), not in prices; 'unroll predict --model {name} --data FILE' forecasts in prices.");
        if (shown < shape.HiddenSize)
            notes.Add($"Each layer has {shape.HiddenSize} hidden units; the first {shown} of each gate are shown. 'unroll explain --model FILE' prints them all.");
        return new GatesReply(ModelInfo.Of(name, shape), inputs.ToArray(), layers, trace.Outputs.ToArray(), trace.Prediction, notes.Count > 0 ? notes : null);
    }

    // Sigmoid gates (LSTM i, f, o; GRU r, z) lie in [0, 1]; tanh values (LSTM g, GRU n) in [−1, 1].
    private static string Scale(string gate) => gate is "g" or "n" ? "signed" : "unit";

    /// <summary>
    /// The sequence: "inputs" as arrays of I numbers per step, or "sequence" as text. With one input every number is a
    /// step (separated by commas, spaces, semicolons or new lines); with I inputs, steps are separated by semicolons or
    /// new lines and each holds I numbers.
    /// </summary>
    private static List<double[]> Inputs(GatesRequest request, int inputSize)
    {
        List<double[]> steps;
        string perStep = inputSize == 1 ? "one number per step" : $"{inputSize} numbers per step, steps separated by ';' or new lines";
        if (request.Inputs is { } given)
        {
            if (request.Sequence is not null) throw ApiError.BadRequest("give the sequence once: \"sequence\" (text) or \"inputs\" (numbers per step), not both");
            steps = given.Select((s, t) => s ?? throw ApiError.BadRequest($"step {t + 1} of \"inputs\" is null: give {perStep}")).ToList();
        }
        else if (request.Sequence is { } text)
        {
            var separators = inputSize == 1 ? new[] { ',', ' ', ';', '\n', '\r', '\t' } : [';', '\n', '\r'];
            var chunks = inputSize == 1 ? [text] : text.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            steps = [];
            foreach (var chunk in chunks)
            {
                var numbers = chunk.Split(inputSize == 1 ? separators : [',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(token => double.TryParse(token.Replace('−', '-'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                        : throw ApiError.BadRequest($"'{(token.Length > 20 ? token[..20] + "…" : token)}' in the sequence is not a number: give {perStep}, e.g. 0, 0.5, 0.25, 1"))
                    .ToArray();
                if (inputSize == 1) steps.AddRange(numbers.Select(v => new[] { v }));
                else steps.Add(numbers);
            }
        }
        else throw ApiError.BadRequest($"give the input sequence as \"sequence\": text with {perStep}, e.g. \"0, 0.5, 0.25, 1\"");

        if (steps.Count == 0) throw ApiError.BadRequest($"the sequence has no steps: give {perStep}, e.g. 0, 0.5, 0.25, 1");
        if (steps.Count > MaxSteps) throw ApiError.BadRequest($"the sequence has {steps.Count} steps; this page shows at most {MaxSteps}: shorten it, or use 'unroll explain' on the command line");
        for (int t = 0; t < steps.Count; t++)
        {
            if (steps[t].Length != inputSize)
                throw ApiError.BadRequest($"step {t + 1} has {steps[t].Length} number{(steps[t].Length == 1 ? "" : "s")}, the model takes {inputSize} input{(inputSize == 1 ? "" : "s")} per step: give {perStep}");
            if (steps[t].FirstOrDefault(v => !double.IsFinite(v), 0) is var bad && !double.IsFinite(bad))
                throw ApiError.BadRequest($"step {t + 1} holds {bad}, which is not a finite number: give ordinary numbers");
        }
        return steps;
    }
}

/// <summary>The model each browser session uploaded last, in memory only; at most <see cref="Capacity"/> sessions keep
/// one (the oldest upload is dropped first), so uploads cannot fill the memory.</summary>
internal sealed class GateUploads
{
    public const int Capacity = 16;
    private readonly ConcurrentDictionary<string, (long Order, GatesApi.Uploaded Model)> _bySession = new();
    private long _order;

    public GatesApi.Uploaded? Get(string session) => _bySession.TryGetValue(session, out var entry) ? entry.Model : null;

    public void Put(string session, GatesApi.Uploaded model)
    {
        _bySession[session] = (Interlocked.Increment(ref _order), model);
        while (_bySession.Count > Capacity)
        {
            var oldest = _bySession.MinBy(e => e.Value.Order);
            _bySession.TryRemove(oldest.Key, out _);
        }
    }
}
