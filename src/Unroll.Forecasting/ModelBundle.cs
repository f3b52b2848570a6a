using System.Globalization;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Core.Training;
using Unroll.Data;
using Unroll.Data.Scaling;

namespace Unroll.Forecasting;

/// <summary>
/// A forecaster as one safetensors file: the network's tensors, and in <c>__metadata__</c> everything needed to
/// predict (lookback, horizon, strategy, target transform, per-series scalers, target column and feature names).
/// </summary>
public static class ModelBundle
{
    private const string Prefix = "forecast.";

    /// <summary>Saves atomically.</summary>
    public static void Save(Forecaster forecaster, string path)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        var s = forecaster.Settings;
        var metadata = new Dictionary<string, string>
        {
            [Prefix + "target_column"] = forecaster.TargetColumn,
            [Prefix + "features"] = JsonSerializer.Serialize(forecaster.FeatureNames),
            [Prefix + "lookback"] = s.Lookback.ToString(),
            [Prefix + "horizon"] = s.Horizon.ToString(CultureInfo.InvariantCulture),
            [Prefix + "strategy"] = s.Strategy.ToString().ToLowerInvariant(),
            [Prefix + "target"] = s.Target.ToString().ToLowerInvariant(),
            [Prefix + "scaling"] = s.Scaling.ToString().ToLowerInvariant(),
            [Prefix + "relative"] = s.IsRelative ? "true" : "false",
            [Prefix + "scalers"] = JsonSerializer.Serialize(forecaster.Scalers.ToDictionary(kv => kv.Key, kv => kv.Value.ToString())),
            [Prefix + "training"] = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["epochs"] = s.Epochs.ToString(CultureInfo.InvariantCulture),
                ["batch"] = s.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["lr"] = s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
                ["optimizer"] = s.Optimizer.ToString().ToLowerInvariant(),
                ["clip"] = s.Clip?.ToString("R", CultureInfo.InvariantCulture) ?? "none",
                ["loss"] = s.Loss.ToString(),
                ["validation"] = s.ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
                ["test"] = s.TestFraction.ToString("R", CultureInfo.InvariantCulture),
                ["patience"] = s.Patience.ToString(CultureInfo.InvariantCulture),
                ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            }),
        };
        ModelFile.Save(forecaster.Network, path, metadata);
    }

    /// <summary>Loads a forecaster saved by <see cref="Save"/>.</summary>
    /// <exception cref="ModelFileException">The file is not a model, or a network model without forecasting settings.</exception>
    public static Forecaster Load(string path)
    {
        var (network, metadata, _) = ModelFile.Load<float>(path);
        string Get(string key) => metadata.TryGetValue(Prefix + key, out var v) ? v
            : throw new ModelFileException($"{path}: a network model without forecasting settings (no '{Prefix}{key}' metadata); make a forecasting model with 'unroll train'");
        try
        {
            var training = JsonSerializer.Deserialize<Dictionary<string, string>>(Get("training")) ?? [];
            string T(string key, string fallback) => training.TryGetValue(key, out var v) ? v : fallback;
            var settings = new ForecastSettings
            {
                Cell = network.Shape.Cell,
                Hidden = network.Shape.HiddenSize,
                Layers = network.Shape.Layers,
                Lookback = Lookback.Parse(Get("lookback")),
                Horizon = int.Parse(Get("horizon"), CultureInfo.InvariantCulture),
                Strategy = Enum.Parse<ForecastStrategy>(Get("strategy"), ignoreCase: true),
                Target = Enum.Parse<TargetKind>(Get("target"), ignoreCase: true),
                Scaling = Enum.Parse<ScalerKind>(Get("scaling"), ignoreCase: true),
                Relative = metadata.TryGetValue(Prefix + "relative", out var relative) && relative == "true",   // files before it: not relative
                Epochs = int.Parse(T("epochs", "150"), CultureInfo.InvariantCulture),
                BatchSize = int.Parse(T("batch", "32"), CultureInfo.InvariantCulture),
                LearningRate = double.Parse(T("lr", "0.005"), CultureInfo.InvariantCulture),
                Optimizer = Enum.Parse<OptimizerKind>(T("optimizer", "adam"), ignoreCase: true),
                Clip = T("clip", "none") == "none" ? null : double.Parse(T("clip", "1"), CultureInfo.InvariantCulture),
                Loss = Enum.Parse<LossKind>(T("loss", "MeanSquared")),
                ValidationFraction = double.Parse(T("validation", "0.15"), CultureInfo.InvariantCulture),
                TestFraction = double.Parse(T("test", "0"), CultureInfo.InvariantCulture),
                Patience = int.Parse(T("patience", "20"), CultureInfo.InvariantCulture),
                Seed = int.Parse(T("seed", "42"), CultureInfo.InvariantCulture),
            };
            var features = JsonSerializer.Deserialize<string[]>(Get("features")) ?? [];
            var scalers = (JsonSerializer.Deserialize<Dictionary<string, string>>(Get("scalers")) ?? [])
                .ToDictionary(kv => kv.Key, kv => SeriesScalers.Parse(kv.Value), StringComparer.Ordinal);
            if (network.Shape.InputSize != 1 + features.Length)
                throw new ModelFileException($"{path}: the network takes {network.Shape.InputSize} inputs but the metadata names {features.Length} features (plus the target)");
            if (network.Shape.OutputSize != settings.OutputSize)
                throw new ModelFileException($"{path}: the network has {network.Shape.OutputSize} outputs but a {settings.Strategy.ToString().ToLowerInvariant()} model with horizon {settings.Horizon} needs {settings.OutputSize}");
            return new Forecaster(network, settings, Get("target_column"), features, scalers);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or OverflowException)
        {
            throw new ModelFileException($"{path}: the forecasting metadata is damaged ({e.Message})");
        }
    }
}
