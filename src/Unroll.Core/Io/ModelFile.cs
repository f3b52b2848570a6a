using System.Globalization;
using System.Numerics;

namespace Unroll.Core.Io;

/// <summary>A network read from a model file, with the file's metadata.</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="Network">The network, its architecture taken from the tensors' shapes and the metadata.</param>
/// <param name="Metadata">The file's <c>__metadata__</c>, including keys added by other layers (forecasting settings).</param>
/// <param name="StoredAsDouble">Whether every tensor was stored as F64 (the file's own precision is double).</param>
public sealed record LoadedModel<T>(RecurrentNetwork<T> Network, IReadOnlyDictionary<string, string> Metadata, bool StoredAsDouble)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The prefix renames applied to the file's names (given or recognised); null when it used Unroll's own.</summary>
    public NameMapping? Mapping { get; init; }

    /// <summary>True when the file had no recurrent biases (PyTorch's <c>bias=False</c>); they were loaded as zero.</summary>
    public bool WithoutRecurrentBiases { get; init; }

    /// <summary>True when the file had no <c>head.bias</c> (<c>nn.Linear(bias=False)</c>); it was loaded as zero.</summary>
    public bool WithoutHeadBias { get; init; }
}

/// <summary>
/// Model files: safetensors with PyTorch's parameter names (<c>rnn.weight_ih_l0</c> …, <c>head.weight</c>,
/// <c>head.bias</c>) and the architecture in <c>__metadata__</c> (<c>cell</c>, <c>input_size</c>, <c>hidden_size</c>,
/// <c>num_layers</c>, <c>output_size</c>, <c>format_version</c>). A plain PyTorch state dict loads too: sizes come from
/// the shapes, the cell from <c>cell</c> metadata, the caller's override or the gate rows, and other names are renamed
/// or recognised (<see cref="ModelFileOptions"/>).
/// </summary>
/// <remarks>
/// Every save also stores the checksums <c>data_sha256</c> and <c>metadata_sha256</c> (see <see cref="SafeTensors"/>);
/// a load checks them where present, so a damaged file is refused rather than giving different forecasts.
/// <c>format_version</c> is checked before anything else: a file from a newer Unroll is refused by name.
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this build writes, and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Saves the network atomically, F32 for float networks and F64 for double ones.</summary>
    /// <param name="network">The network.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="extraMetadata">More string metadata to store (e.g. forecasting settings); may not override the architecture keys.</param>
    /// <param name="omitZeroBiases">Leave out the recurrent biases when every one is zero, and <c>head.bias</c> when it
    /// is zero, so the file loads into PyTorch modules made with <c>bias=False</c>; false (the default) always writes them.</param>
    public static void Save<T>(RecurrentNetwork<T> network, string path, IReadOnlyDictionary<string, string>? extraMetadata = null, bool omitZeroBiases = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var s = network.Shape;
        var metadata = new Dictionary<string, string>(extraMetadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["producer"] = "unroll",
            ["cell"] = s.Cell.ToName(),
            ["input_size"] = s.InputSize.ToString(CultureInfo.InvariantCulture),
            ["hidden_size"] = s.HiddenSize.ToString(CultureInfo.InvariantCulture),
            ["num_layers"] = s.Layers.ToString(CultureInfo.InvariantCulture),
            ["output_size"] = s.OutputSize.ToString(CultureInfo.InvariantCulture),
        };
        string dtype = typeof(T) == typeof(double) ? "F64" : "F32";
        bool AllZero(IEnumerable<Parameter<T>> ps) => ps.All(p => p.Value.All(v => v == T.Zero));
        bool omitRecurrent = omitZeroBiases && AllZero(network.Parameters.Where(p => p.Name.StartsWith("rnn.bias_", StringComparison.Ordinal)));
        bool omitHead = omitZeroBiases && AllZero(network.Parameters.Where(p => p.Name == "head.bias"));
        var tensors = network.Parameters
            .Where(p => !(omitRecurrent && p.Name.StartsWith("rnn.bias_", StringComparison.Ordinal)) && !(omitHead && p.Name == "head.bias"))
            .Select(p => new SafeTensor(p.Name, dtype, [.. p.Shape], p.Value.Select(double.CreateChecked).ToArray()))
            .ToList();
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>How messages name the setting that picks an RNN's activation (<see cref="ModelFileOptions.Cell"/>).</summary>
    public const string CellSetting = "the cellOverride argument (CellKind.RnnRelu or CellKind.RnnTanh)";

    /// <summary>How messages name what continues a training run from a checkpoint.</summary>
    public const string ResumeSetting = "TrainingSession.Resume";

    /// <summary>The <c>format</c> metadata of a training checkpoint (written by Unroll.Forecasting), which is not a model.</summary>
    public const string CheckpointFormat = "unroll-checkpoint";

    /// <summary>How messages name the setting that renames a file's tensors (<see cref="ModelFileOptions.NameMap"/>).</summary>
    public const string NameMapSetting = "ModelFileOptions.NameMap (e.g. lstm.=rnn.,fc.=head.)";

    /// <summary>Loads a model file as a float or double network.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="cellOverride">The cell to use where the file has no <c>cell</c> metadata (needed for rnn_relu).</param>
    /// <exception cref="ModelFileException">The file is missing, corrupt, truncated, wrongly shaped, ambiguous or from a newer Unroll.</exception>
    public static LoadedModel<T> Load<T>(string path, CellKind? cellOverride = null) where T : unmanaged, IFloatingPointIeee754<T>
        => Load<T>(path, new ModelFileOptions { Cell = cellOverride });

    /// <summary>Loads a model file as a float or double network, renaming or recognising PyTorch names as
    /// <paramref name="options"/> says.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="options">The cell where the file has none, and prefix renames.</param>
    /// <remarks>
    /// Checks, in order: the container (<see cref="SafeTensors.Read(string)"/>), with <c>format_version</c> checked
    /// before the tensors (a newer version is refused), then the checksums where present, then the names (renamed by
    /// <see cref="ModelFileOptions.NameMap"/>, or recognised: see <see cref="LoadedModel{T}.Mapping"/>), features
    /// Unroll has not (bidirectional, <c>proj_size</c>, batch norm), the architecture, every tensor's shape (before the
    /// network is allocated) and every value (finite, and within <typeparamref name="T"/>'s range). Biases that are
    /// absent (<c>bias=False</c>) are zero. Whatever the bytes, the only exception is <see cref="ModelFileException"/>.
    /// </remarks>
    /// <exception cref="ModelFileException">The file is missing, corrupt, truncated, wrongly shaped, ambiguous or from a newer Unroll.</exception>
    public static LoadedModel<T> Load<T>(string path, ModelFileOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var (tensors, metadata) = SafeTensors.Read(path, m => CheckFormatVersion(m, path));
        return FromTensors<T>(tensors, metadata, path, options);
    }

    /// <summary>Loads a model from the bytes of a safetensors file held in memory (an upload), with the same checks as
    /// <see cref="Load{T}(string, ModelFileOptions)"/>; nothing is read from or written to disk.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">How messages name the bytes, e.g. the uploaded file's name.</param>
    /// <param name="options">The cell where the file has none, and prefix renames.</param>
    /// <exception cref="ModelFileException">The bytes are not a model Unroll can run; the message says why in one line.</exception>
    public static LoadedModel<T> Load<T>(byte[] bytes, string source, ModelFileOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var (tensors, metadata) = SafeTensors.Parse(bytes, source, m => CheckFormatVersion(m, source));
        return FromTensors<T>(tensors, metadata, source, options);
    }

    private static LoadedModel<T> FromTensors<T>(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata, string path, ModelFileOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cellOverride = options.Cell;
        string Fail(string what) => throw new ModelFileException($"{path}: {what}");
        if (metadata.TryGetValue("format", out var format) && format == CheckpointFormat)
            throw new ModelFileException($"{path}: this is a training checkpoint, not a model: continue the run from it ({ResumeSetting}), or use the model file that run wrote", ResumeSetting);

        RefuseUnsupportedFeatures(tensors, path);
        var (renamed, mapping) = MapNames(tensors, options.NameMap, path);
        tensors = renamed;
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);   // unique: Read refuses repeats, MapNames collisions

        SafeTensor Need(string name)
            => byName.TryGetValue(name, out var t) ? t
            : throw new ModelFileException($"{path}: tensor '{name}' is missing; a model needs rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0 (per layer), head.weight and head.bias" +
                (tensors.Count > 0 ? $" (found {string.Join(", ", tensors.Take(8).Select(t => SafeTensors.Quote(t.Name)))}); other names can be renamed with {NameMapSetting}" : " (the file holds no tensors)"),
                tensors.Count > 0 ? NameMapSetting : null);

        var whh0 = Need("rnn.weight_hh_l0");
        var wih0 = Need("rnn.weight_ih_l0");
        var headWeight = Need("head.weight");
        if (whh0.Shape.Length != 2 || wih0.Shape.Length != 2 || headWeight.Shape.Length != 2)
            Fail("rnn.weight_ih_l0, rnn.weight_hh_l0 and head.weight must be matrices");
        int hidden = whh0.Shape[1], gateRows = whh0.Shape[0];
        if (hidden < 1 || gateRows % hidden != 0 || gateRows / hidden is not (1 or 3 or 4))
            Fail($"rnn.weight_hh_l0 has shape [{gateRows}, {hidden}]: its rows must be 1, 3 or 4 times its columns (RNN, GRU, LSTM)");
        int gates = gateRows / hidden;

        CellKind cell;
        if (metadata.TryGetValue("cell", out var cellName))
        {
            if (!CellKinds.TryParse(cellName, out cell)) Fail($"metadata cell = {SafeTensors.Quote(cellName)} is not one of {string.Join(", ", CellKinds.Names)}");
            if (cellOverride is { } o && o != cell)
                Fail($"the file says cell = {cell.ToName()} but {o.ToName()} was asked for; drop the override or use the right file");
        }
        else if (cellOverride is { } o) cell = o;
        else if (gates == 4) cell = CellKind.Lstm;
        else if (gates == 3) cell = CellKind.Gru;
        else cell = CellKind.RnnTanh;   // nn.RNN's default; weights cannot tell tanh from relu (CellSetting says which)
        if (cell.GateCount() != gates)
            Fail($"cell {cell.ToName()} has {cell.GateCount()} gate blocks but rnn.weight_hh_l0 has {gates} ({gateRows} rows for {hidden} hidden units)");

        int layers = 0;
        while (byName.ContainsKey($"rnn.weight_ih_l{layers}")) layers++;
        if (wih0.Shape[1] < 1) Fail($"rnn.weight_ih_l0 has shape [{wih0.Shape[0]}, 0]: a model needs at least one input");
        if (headWeight.Shape[0] < 1) Fail($"head.weight has shape [0, {headWeight.Shape[1]}]: a model needs at least one output");
        var shape = new NetworkShape(cell, wih0.Shape[1], hidden, layers, headWeight.Shape[0]);
        CheckMetadataSize(metadata, "input_size", shape.InputSize, Fail);
        CheckMetadataSize(metadata, "hidden_size", shape.HiddenSize, Fail);
        CheckMetadataSize(metadata, "num_layers", shape.Layers, Fail);
        CheckMetadataSize(metadata, "output_size", shape.OutputSize, Fail);

        // bias=False: the recurrent biases are absent from every layer (both of them), the head's independently.
        bool recurrentBiases = Enumerable.Range(0, layers).Any(l => byName.ContainsKey($"rnn.bias_ih_l{l}") || byName.ContainsKey($"rnn.bias_hh_l{l}"));
        bool headBias = byName.ContainsKey("head.bias");
        bool IsOptional(string name) => (!recurrentBiases && name.StartsWith("rnn.bias_", StringComparison.Ordinal)) || (!headBias && name == "head.bias");

        // Every shape is checked before the network is allocated, so its size is bounded by the tensors the file holds.
        var expected = ParameterShapes(shape);
        foreach (var (name, needed) in expected)
        {
            if (IsOptional(name)) continue;
            var t = Need(name);
            if (!t.Shape.SequenceEqual(needed))
                Fail($"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], a {cell.ToName()} network with input {shape.InputSize}, hidden {hidden}, output {shape.OutputSize} needs [{string.Join(", ", needed)}]");
        }
        var unknown = tensors.Select(t => t.Name).Where(n => !expected.Any(p => p.Name == n)).ToList();
        if (unknown.Count > 0)
            Fail($"unexpected tensor{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Take(5).Select(SafeTensors.Quote))}: Unroll models have only rnn.* and head.* parameters (one recurrent module and one linear layer)");
        try { shape.Validate(); }
        catch (ArgumentException e) { Fail(e.Message); }

        var network = new RecurrentNetwork<T>(shape);
        string precision = typeof(T) == typeof(float) ? "float" : typeof(T).Name.ToLowerInvariant();
        foreach (var p in network.Parameters)
        {
            if (!byName.TryGetValue(p.Name, out var t)) { p.Value.AsSpan().Clear(); continue; }   // an absent bias is zero
            for (int i = 0; i < t.Values.Length; i++)
            {
                if (!double.IsFinite(t.Values[i])) Fail($"tensor '{p.Name}' holds a non-finite value ({t.Values[i]}) at index {i}");
                p.Value[i] = T.CreateChecked(t.Values[i]);
                if (!T.IsFinite(p.Value[i]))
                    Fail($"tensor '{p.Name}' holds {t.Values[i].ToString("R", CultureInfo.InvariantCulture)} at index {i}, beyond {precision}'s range; load the model as double");
            }
        }
        return new LoadedModel<T>(network, metadata, tensors.Count > 0 && tensors.All(t => t.DType == "F64"))
        {
            Mapping = mapping,
            WithoutRecurrentBiases = !recurrentBiases,
            WithoutHeadBias = !headBias,
        };
    }

    /// <summary>Refuses, by the feature's name, models Unroll cannot run: it would otherwise report a missing or
    /// wrongly shaped tensor, which misleads.</summary>
    private static void RefuseUnsupportedFeatures(IReadOnlyList<SafeTensor> tensors, string path)
    {
        foreach (var t in tensors)
            if (UnsupportedFeature(t.Name) is { } feature)
                throw new ModelFileException($"{path}: {UnsupportedFeatureMessage(feature, t.Name)}");
    }

    /// <summary>The PyTorch feature a tensor name shows, where Unroll has not got it; null for other names.</summary>
    internal static string? UnsupportedFeature(string name)
        => name.EndsWith("_reverse", StringComparison.Ordinal) ? "bidirectional recurrent layers (bidirectional=True)"
        : name.Contains("weight_hr_l", StringComparison.Ordinal) ? "projected LSTMs (proj_size > 0)"
        : name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal)
          || name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? "batch normalisation (BatchNorm layers)"
        : null;

    /// <summary>The one line that refuses <paramref name="feature"/>, shown by <paramref name="name"/>.</summary>
    internal static string UnsupportedFeatureMessage(string feature, string name)
        => $"the model uses {feature}, which Unroll does not support (tensor {SafeTensors.Quote(name)}): Unroll runs one recurrent module in one direction and a linear head";

    /// <summary>Applies the caller's prefix renames, or recognises one recurrent module and one linear layer under
    /// other names when the file lacks <c>rnn.weight_ih_l0</c> or <c>head.weight</c>.</summary>
    private static (IReadOnlyList<SafeTensor> Tensors, NameMapping? Mapping) MapNames(IReadOnlyList<SafeTensor> tensors, IReadOnlyList<NameRename>? map, string path)
    {
        NameMapping mapping;
        if (map is { Count: > 0 }) mapping = new NameMapping(map, Recognised: false);
        else if (map is not null || (tensors.Any(t => t.Name == "rnn.weight_ih_l0") && tensors.Any(t => t.Name == "head.weight"))) return (tensors, null);
        else if (Recognise(tensors, path) is { } found) mapping = found;
        else return (tensors, null);

        var renamed = new List<SafeTensor>(tensors.Count);
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            var rename = mapping.Renames.FirstOrDefault(r => t.Name.StartsWith(r.From, StringComparison.Ordinal));
            string name = rename is null ? t.Name : rename.To + t.Name[rename.From.Length..];
            if (!from.TryAdd(name, t.Name))
                throw new ModelFileException($"{path}: the renames {mapping} give {SafeTensors.Quote(from[name])} and {SafeTensors.Quote(t.Name)} the same name {SafeTensors.Quote(name)}: change {NameMapSetting}", NameMapSetting);
            renamed.Add(name == t.Name ? t : t with { Name = name });
        }
        return (renamed, mapping);
    }

    /// <summary>Finds exactly one prefix holding <c>weight_ih_l0</c> and <c>weight_hh_l0</c> and exactly one other
    /// holding a <c>weight</c> of shape [out, H] (and optionally <c>bias</c>); null when there is no recurrent module
    /// at all (the caller then reports what is missing).</summary>
    private static NameMapping? Recognise(IReadOnlyList<SafeTensor> tensors, string path)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var recurrent = tensors.Where(t => t.Name.EndsWith("weight_ih_l0", StringComparison.Ordinal))
            .Select(t => t.Name[..^"weight_ih_l0".Length])
            .Where(p => byName.ContainsKey(p + "weight_hh_l0"))
            .ToList();
        if (recurrent.Count == 0) return null;
        string found = string.Join(", ", tensors.Take(8).Select(t => SafeTensors.Quote(t.Name)));
        if (recurrent.Count > 1)
            throw new ModelFileException($"{path}: {recurrent.Count} recurrent modules ({string.Join(", ", recurrent.Select(p => p + "*"))}), and Unroll runs one: save the state dict of the one to run, or rename it to rnn.* with {NameMapSetting} and leave the other's tensors out of the file", NameMapSetting);
        string rnn = recurrent[0];
        var whh = byName[rnn + "weight_hh_l0"];
        int hidden = whh.Shape.Length == 2 ? whh.Shape[1] : -1;
        var heads = tensors.Where(t => t.Name.EndsWith("weight", StringComparison.Ordinal))
            .Select(t => t.Name[..^"weight".Length])
            .Where(p => (p.Length == 0 || p.EndsWith('.')) && !p.StartsWith(rnn, StringComparison.Ordinal) && !rnn.StartsWith(p, StringComparison.Ordinal)
                        && byName[p + "weight"].Shape is [_, var columns] && columns == hidden
                        && tensors.All(t => !t.Name.StartsWith(p, StringComparison.Ordinal) || t.Name == p + "weight" || t.Name == p + "bias"))
            .ToList();
        if (heads.Count != 1)
            throw new ModelFileException(heads.Count == 0
                ? $"{path}: found the recurrent module {rnn}* but no linear layer with a weight of shape [outputs, {hidden}] to read as the head (found {found}): name it with {NameMapSetting}"
                : $"{path}: found the recurrent module {rnn}* and {heads.Count} linear layers that could be the head ({string.Join(", ", heads.Select(p => p + "*"))}): say which with {NameMapSetting}", NameMapSetting);
        var renames = new[] { new NameRename(rnn, "rnn."), new NameRename(heads[0], "head.") }.Where(r => r.From != r.To).ToList();
        return new NameMapping(renames, Recognised: true);   // rnn.* + linear.* needs only linear.=head.
    }

    /// <summary>The parameters a network of <paramref name="shape"/> has, named and shaped as
    /// <see cref="RecurrentNetwork{T}.Parameters"/> (computed without allocating the network).</summary>
    private static List<(string Name, int[] Shape)> ParameterShapes(NetworkShape shape)
    {
        int gh = shape.GateRows, h = shape.HiddenSize;
        var result = new List<(string, int[])>();
        for (int l = 0; l < shape.Layers; l++)
        {
            result.Add(($"rnn.weight_ih_l{l}", [gh, shape.LayerInputSize(l)]));
            result.Add(($"rnn.weight_hh_l{l}", [gh, h]));
            result.Add(($"rnn.bias_ih_l{l}", [gh]));
            result.Add(($"rnn.bias_hh_l{l}", [gh]));
        }
        result.Add(("head.weight", [shape.OutputSize, h]));
        result.Add(("head.bias", [shape.OutputSize]));
        return result;
    }

    /// <summary>Refuses a file from a newer Unroll before its tensors are read (a newer layout must not be misread).</summary>
    private static void CheckFormatVersion(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue("format_version", out var text)) return;   // PyTorch files have none
        if (text.Length is 0 or > 9 || text.AsSpan().ContainsAnyExceptInRange('0', '9') || int.Parse(text, CultureInfo.InvariantCulture) < 1)
            throw new ModelFileException($"{path}: metadata format_version = {SafeTensors.Quote(text)} is not a version number (a whole number from 1); the file is damaged or was not written by Unroll");
        int version = int.Parse(text, CultureInfo.InvariantCulture);
        if (version > FormatVersion)
            throw new ModelFileException($"{path} was written by a newer Unroll (format_version {version}); this build reads up to {FormatVersion}: update Unroll");
    }

    private static void CheckMetadataSize(IReadOnlyDictionary<string, string> metadata, string key, int actual, Func<string, string> fail)
    {
        if (!metadata.TryGetValue(key, out var text)) return;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int stated) || stated != actual)
            fail($"metadata {key} = {SafeTensors.Quote(text)} disagrees with the tensors, which give {actual}");
    }
}
