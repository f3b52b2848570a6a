using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>A checkpoint could not be read or does not belong to this run: the message names the file and the difference.</summary>
public sealed class CheckpointException(string message, params Setting[] settings) : Exception(message)
{
    /// <summary>The settings the message names.</summary>
    public IReadOnlyList<Setting> Settings { get; } = settings;

    /// <summary>The message with each of <see cref="Settings"/> named by <paramref name="name"/> (a command line's flag).</summary>
    public string MessageWith(Func<Setting, string> name) => Setting.Rename(Message, Settings, name);
}

/// <summary>
/// A <see cref="TrainingSession"/>'s checkpoint as one safetensors file: tensors <c>network.*</c> (the weights now),
/// <c>best.*</c> (the best weights so far), <c>optimizer.{buffer}.*</c> (moments, F32) and <c>order</c> (the epoch's
/// shuffled window order, F64 holding whole numbers); <c>__metadata__</c> holds <c>format = unroll-checkpoint</c>,
/// the settings, a fingerprint of the data, and the run's position and counters as JSON whose numbers are written as
/// round-trip text, so a resumed run continues bit for bit.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private const string Format = ModelFile.CheckpointFormat;
    private const string Version = "1";

    private readonly string _path;
    private readonly IReadOnlyDictionary<string, SafeTensor> _tensors;
    private readonly IReadOnlyDictionary<string, string> _metadata;

    private TrainingCheckpoint(string path, IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
        => (_path, _tensors, _metadata) = (path, tensors, metadata);

    /// <summary>Whether a model file's metadata marks it as a checkpoint (for the model loader's message).</summary>
    public static bool IsCheckpoint(IReadOnlyDictionary<string, string> metadata) => metadata.TryGetValue("format", out var f) && f == Format;

    public static void Write(string path, TrainingSession session, TimeSpan elapsed)
    {
        var state = session.Capture(elapsed);
        var tensors = new List<SafeTensor>();
        foreach (var p in session.Network.Parameters) tensors.Add(Float("network." + p.Name, [.. p.Shape], p.Value));
        foreach (var p in session.Best.Parameters) tensors.Add(Float("best." + p.Name, [.. p.Shape], p.Value));
        var optimizer = session.Optimizer.GetState(session.Network.Parameters);
        foreach (var (name, values) in optimizer.Buffers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            tensors.Add(Float("optimizer." + name, [values.Length], values));
        tensors.Add(new SafeTensor("order", "F64", [state.Order.Length], state.Order.Select(i => (double)i).ToArray()));

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["checkpoint_version"] = Version,
            ["producer"] = "unroll",
            ["settings"] = JsonSerializer.Serialize(session.Settings.Describe().ToDictionary(kv => kv.Name, kv => kv.Value)),
            ["data"] = JsonSerializer.Serialize(Fingerprint(session.Data)),
            ["state"] = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["epoch"] = state.Epoch,
                ["position"] = state.Position,
                ["shuffles"] = state.Shuffles,
                ["loss_sum"] = R(state.LossSum),
                ["norm_sum"] = R(state.NormSum),
                ["batches"] = state.Batches,
                ["bad_in_a_row"] = state.BadInARow,
                ["initial_loss"] = R(state.InitialLoss),
                ["best_loss"] = R(state.BestLoss),
                ["best_epoch"] = state.BestEpoch,
                ["since_best"] = state.SinceBest,
                ["stop"] = state.Stop?.ToString(),
                ["elapsed_ticks"] = state.Elapsed.Ticks,
                ["optimizer_steps"] = optimizer.Steps,
                ["history"] = state.History.Select(h => new Dictionary<string, object?>
                {
                    ["epoch"] = h.Epoch, ["train_loss"] = R(h.TrainLoss), ["validation_loss"] = h.ValidationLoss is double v ? R(v) : null,
                    ["gradient_norm"] = R(h.GradientNorm), ["elapsed_ticks"] = h.Elapsed.Ticks, ["is_best"] = h.IsBest,
                }).ToList(),
            }),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    public static TrainingCheckpoint Read(string path)
    {
        IReadOnlyList<SafeTensor> tensors;
        IReadOnlyDictionary<string, string> metadata;
        try { (tensors, metadata) = SafeTensors.Read(path); }
        catch (ModelFileException e) { throw new CheckpointException(e.Message); }
        if (!IsCheckpoint(metadata))
            throw new CheckpointException($"{path} is not a training checkpoint (a model file? checkpoints are written where {ForecastFixes.CheckpointPath} says)", ForecastFixes.CheckpointPath);
        if (!metadata.TryGetValue("checkpoint_version", out var version) || version != Version)
            throw new CheckpointException($"{path} is a checkpoint of version {version ?? "(none)"}; this build resumes version {Version}: finish the run with the Unroll that started it, or start again");
        var byName = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName[t.Name] = t;
        return new TrainingCheckpoint(path, byName, metadata);
    }

    /// <summary>Refuses a resume whose data or settings differ from the checkpoint's, naming the first difference.</summary>
    public void RequireSameRun(SeriesSet data, ForecastSettings settings)
    {
        var saved = Json<Dictionary<string, string>>("settings");
        foreach (var (name, value) in settings.Describe())
        {
            if (name == "epochs") continue;
            if (!saved.TryGetValue(name, out var then))
                throw new CheckpointException($"{_path} has no setting '{name}'; it was made by another version of Unroll: start the run again");
            if (then != value)
            {
                Setting made = ForecastFixes.Described(name, then), asked = ForecastFixes.Described(name, value);
                throw new CheckpointException($"{_path} was made with {made}, this run asks for {asked}: resume with the same settings (only the number of epochs may change)", made, asked);
            }
        }
        var before = Json<DataFingerprint>("data");
        if (before.Column is null || before.Features is null || before.Series is null || before.Series.Any(s => s is null || s.Symbol is null))
            throw new CheckpointException($"{_path}: the checkpoint's 'data' metadata is incomplete; it is damaged: start the run again");
        var now = Fingerprint(data);
        if (!string.Equals(before.Column, now.Column, StringComparison.Ordinal))
            throw new CheckpointException($"{_path} was trained on column '{before.Column}', this data gives '{now.Column}': resume with the same data");
        if (!before.Features.SequenceEqual(now.Features, StringComparer.Ordinal))
            throw new CheckpointException($"{_path} was trained with features [{string.Join(", ", before.Features)}], this data has [{string.Join(", ", now.Features)}]: resume with the same data");
        var thenSeries = before.Series.ToDictionary(s => s.Symbol, StringComparer.Ordinal);
        foreach (var s in now.Series)
        {
            if (!thenSeries.Remove(s.Symbol, out var old))
                throw new CheckpointException($"{_path} was trained without series '{s.Symbol}', which this data has: resume with the same data");
            if (old.Points != s.Points)
                throw new CheckpointException($"series '{s.Symbol}' has {s.Points} points, {old.Points} when {_path} was made: resume with the same data");
            if (old.Sha256 != s.Sha256)
                throw new CheckpointException($"series '{s.Symbol}' has changed since {_path} was made (same length, different dates or values): resume with the same data");
        }
        if (thenSeries.Count > 0)
            throw new CheckpointException($"{_path} was trained with series '{thenSeries.Keys.First()}', which this data lacks: resume with the same data");
        if (!before.Series.Select(s => s.Symbol).SequenceEqual(now.Series.Select(s => s.Symbol), StringComparer.Ordinal))
            throw new CheckpointException($"the series are in another order than when {_path} was made ({string.Join(", ", before.Series.Select(s => s.Symbol))}): resume with the same data");
    }

    /// <summary>Puts the weights, the best weights, the optimizer's state and the position back into <paramref name="session"/>.</summary>
    public void Restore(TrainingSession session)
    {
        CopyInto(session.Network, "network.");
        CopyInto(session.Best, "best.");
        try
        {
            using var state = JsonDocument.Parse(Need("state"));
            var root = state.RootElement;
            var buffers = _tensors.Values.Where(t => t.Name.StartsWith("optimizer.", StringComparison.Ordinal))
                .ToDictionary(t => t.Name["optimizer.".Length..], t => t.Values.Select(v => (float)v).ToArray(), StringComparer.Ordinal);
            session.Optimizer.SetState(session.Network.Parameters, new OptimizerState<float>(root.GetProperty("optimizer_steps").GetInt32(), buffers));
            var order = Tensor("order").Values.Select(v => (int)v).ToArray();
            var history = root.GetProperty("history").EnumerateArray().Select(h => new TrainingProgress(
                h.GetProperty("epoch").GetInt32(), session.Settings.Epochs, D(h.GetProperty("train_loss")),
                h.GetProperty("validation_loss").ValueKind == JsonValueKind.Null ? null : D(h.GetProperty("validation_loss")),
                D(h.GetProperty("gradient_norm")), TimeSpan.FromTicks(h.GetProperty("elapsed_ticks").GetInt64()), h.GetProperty("is_best").GetBoolean())).ToList();
            var stopText = root.GetProperty("stop");
            session.Restore(new TrainingSession.State(
                root.GetProperty("epoch").GetInt32(), root.GetProperty("position").GetInt32(), root.GetProperty("shuffles").GetInt32(), order,
                D(root.GetProperty("loss_sum")), D(root.GetProperty("norm_sum")), root.GetProperty("batches").GetInt32(),
                root.GetProperty("bad_in_a_row").GetInt32(), D(root.GetProperty("initial_loss")), D(root.GetProperty("best_loss")),
                root.GetProperty("best_epoch").GetInt32(), root.GetProperty("since_best").GetInt32(),
                stopText.ValueKind == JsonValueKind.Null ? null : Enum.Parse<StopReason>(stopText.GetString()!),
                TimeSpan.FromTicks(root.GetProperty("elapsed_ticks").GetInt64()), history), _path);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or JsonException)
        {
            throw new CheckpointException($"{_path}: the checkpoint's state is damaged ({(e is KeyNotFoundException ? "a field is missing" : "a field has the wrong form")}); start the run again");
        }
    }

    private void CopyInto(RecurrentNetwork<float> network, string prefix)
    {
        foreach (var p in network.Parameters)
        {
            var t = Tensor(prefix + p.Name);
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new CheckpointException($"{_path}: tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}], this run's network needs [{string.Join(", ", p.Shape)}]");
            for (int i = 0; i < t.Values.Length; i++) p.Value[i] = (float)t.Values[i];
        }
    }

    private SafeTensor Tensor(string name)
        => _tensors.TryGetValue(name, out var t) ? t : throw new CheckpointException($"{_path}: the checkpoint has no tensor '{name}'; it is damaged or from another version: start the run again");

    private string Need(string key)
        => _metadata.TryGetValue(key, out var v) ? v : throw new CheckpointException($"{_path}: the checkpoint has no '{key}' metadata; it is damaged or from another version: start the run again");

    private T Json<T>(string key)
    {
        try { return JsonSerializer.Deserialize<T>(Need(key)) ?? throw new JsonException("null"); }
        catch (JsonException) { throw new CheckpointException($"{_path}: the checkpoint's '{key}' metadata is not the JSON it should be; it is damaged: start the run again"); }
    }

    private static SafeTensor Float(string name, int[] shape, float[] values)
        => new(name, "F32", shape, values.Select(v => (double)v).ToArray());

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double D(JsonElement e) => double.Parse(e.GetString() ?? throw new FormatException("a number is missing"), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>What identifies the data a run trains on: the column, the features, and each series' length and hash.</summary>
    internal sealed record DataFingerprint(string Column, string[] Features, SeriesFingerprint[] Series);

    internal sealed record SeriesFingerprint(string Symbol, int Points, string Sha256);

    internal static DataFingerprint Fingerprint(SeriesSet data) => new(data.TargetColumn, data.FeatureNames.ToArray(),
        data.Series.Select(s => new SeriesFingerprint(s.Symbol, s.Length, Hash(s))).ToArray());

    // SHA-256 over the dates (day numbers), values and feature values as little-endian bytes.
    private static string Hash(TimeSeries series)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[8];
        hash.AppendData(Encoding.UTF8.GetBytes(series.Symbol));
        for (int t = 0; t < series.Length; t++)
        {
            // Day numbers for dates at midnight, as before intraday data were read (so earlier checkpoints still match).
            var date = series.Dates[t];
            BitConverter.TryWriteBytes(buffer, date.TimeOfDay == TimeSpan.Zero ? DateOnly.FromDateTime(date).DayNumber : date.Ticks);
            hash.AppendData(buffer);
            BitConverter.TryWriteBytes(buffer, series.Values[t]);
            hash.AppendData(buffer);
            foreach (var f in series.Features[t])
            {
                BitConverter.TryWriteBytes(buffer, f);
                hash.AppendData(buffer);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
