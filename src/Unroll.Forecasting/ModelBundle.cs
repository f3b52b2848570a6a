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
    /// <exception cref="ArgumentException">The forecaster was extended by <see cref="Forecaster.Serving"/> to series it
    /// was not trained on: saving it would make them look trained.</exception>
    public static void Save(Forecaster forecaster, string path)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        if (forecaster.ColdStart.Count > 0 || forecaster.StandsFor.Count > 0)
            throw new ArgumentException($"this forecaster was extended by {nameof(Forecaster.Serving)} to series it was not trained on " +
                $"({string.Join(", ", forecaster.ColdStart.Concat(forecaster.StandsFor.Keys).Order(StringComparer.Ordinal))}); save the forecaster it came from", nameof(forecaster));
        var s = forecaster.Settings;
        var metadata = new Dictionary<string, string>
        {
            [Prefix + "target_column"] = forecaster.TargetColumn,
            [Prefix + "features"] = JsonSerializer.Serialize(forecaster.FeatureNames),
            [Prefix + "lookback"] = s.Lookback.ToString(),
            [Prefix + "horizon"] = s.Horizon.ToString(CultureInfo.InvariantCulture),
            [Prefix + "strategy"] = SettingNames.Strategies.Name(s.Strategy),
            [Prefix + "target"] = SettingNames.Targets.Name(s.Target),
            [Prefix + "scaling"] = SettingNames.Scalings.Name(s.EffectiveScaling),
            [Prefix + "scalers"] = JsonSerializer.Serialize(forecaster.Scalers.ToDictionary(kv => kv.Key, kv => ScalersText(kv.Value, s))),
            [Prefix + "naive_scales"] = JsonSerializer.Serialize(forecaster.NaiveScales.ToDictionary(kv => kv.Key, kv => kv.Value.ToString("R", CultureInfo.InvariantCulture))),
            [Prefix + "training"] = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["epochs"] = s.Epochs.ToString(CultureInfo.InvariantCulture),
                ["batch"] = s.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["lr"] = s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
                ["optimizer"] = SettingNames.Optimizers.Name(s.Optimizer),
                ["clip"] = s.ClipNorm?.ToString("R", CultureInfo.InvariantCulture) ?? "none",
                ["loss"] = SettingNames.Losses.Name(s.Loss),
                ["validation"] = s.ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
                ["test"] = s.TestFraction.ToString("R", CultureInfo.InvariantCulture),
                ["patience"] = s.Patience.ToString(CultureInfo.InvariantCulture),
                ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
                ["deseasonalize"] = s.Deseasonalize ? "on" : "off",
                ["combine"] = s.CombineClassical ? "on" : "off",
                ["season"] = s.Season?.ToString(CultureInfo.InvariantCulture) ?? "auto",
            }),
            [Prefix + "classical_fit"] = JsonSerializer.Serialize(forecaster.ClassicalFitLengths.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(CultureInfo.InvariantCulture))),
            [Prefix + "left_out"] = JsonSerializer.Serialize(forecaster.LeftOut.ToDictionary(kv => kv.Key, kv => kv.Value.Order().Select(m => m == ForecastMethod.Model ? "network" : m.Name()).ToArray())),
            [Prefix + "seasonal"] = JsonSerializer.Serialize(forecaster.Adjustments.ToDictionary(kv => kv.Key, kv => kv.Value.ToJson())),
        };
        if (forecaster.Calibration is { } calibration) metadata[Prefix + "intervals"] = calibration.ToJson();
        if (forecaster.TrainedStep is { } step) metadata[Prefix + "step"] = step.ToString();
        ModelFile.Save(forecaster.Network, path, metadata);
    }

    /// <summary>Loads a forecaster saved by <see cref="Save"/>.</summary>
    /// <param name="path">The model file.</param>
    /// <remarks>Every setting is read strictly (enum names, not numbers; whole and finite numbers; settings in range;
    /// one scaler per feature, each with a finite positive scale), so whatever the bytes, the only exception is
    /// <see cref="ModelFileException"/>, naming the file and the metadata key.</remarks>
    /// <exception cref="ModelFileException">The file is not a model, a network model without forecasting settings, or
    /// its settings are damaged.</exception>
    public static Forecaster Load(string path)
    {
        var (network, metadata, _) = ModelFile.Load<float>(path);
        ModelFileException Damaged(string what) => new($"{path}: {what}");
        ModelFileException Bad(string key, string text, string expected)
            => Damaged($"metadata {Prefix}{key} = {SafeTensors.Quote(text)} is not {expected}; the file is damaged: train the model again");
        string Get(string key) => metadata.TryGetValue(Prefix + key, out var v) ? v
            : throw Damaged($"a network model without forecasting settings (no '{Prefix}{key}' metadata); make a forecasting model with 'unroll train'");

        try
        {
            var training = Json<Dictionary<string, string>>("training", Get("training"), "a JSON object of strings");
            string T(string key, string fallback) => training.TryGetValue(key, out var v) ? v : fallback;
            int Whole(string key, string text) =>
                int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : throw Bad(key, text, "a whole number");
            double Number(string key, string text) =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : throw Bad(key, text, "a finite number");
            TEnum Choice<TEnum>(string key, string text, NameTable<TEnum> names) where TEnum : struct, Enum
                => names.TryParse(text, out var value) ? value : throw Bad(key, text, "one of " + string.Join(", ", names.Names));

            // Files written before TargetScaling said scaling minmax or zscore (the features' scalers) and, apart,
            // relative true or false (the target's).
            string? relative = metadata.TryGetValue(Prefix + "relative", out var r) ? r : null;
            if (relative is not (null or "true" or "false")) throw Bad("relative", relative, "true or false");
            string lookback = Get("lookback");
            string clip = T("clip", "none");
            var settings = new ForecastSettings
            {
                Cell = network.Shape.Cell,
                HiddenSize = network.Shape.HiddenSize,
                Layers = network.Shape.Layers,
                Lookback = Lookback.TryParse(lookback, out var steps) ? steps : throw Bad("lookback", lookback, "'all' or a whole number of steps from 1"),
                Horizon = Whole("horizon", Get("horizon")),
                Strategy = Choice("strategy", Get("strategy"), SettingNames.Strategies),
                Target = Choice("target", Get("target"), SettingNames.Targets),
                Scaling = relative == "true" ? TargetScaling.Relative : Choice("scaling", Get("scaling"), SettingNames.Scalings),
                Epochs = Whole("training epochs", T("epochs", "150")),
                BatchSize = Whole("training batch", T("batch", "32")),
                LearningRate = Number("training lr", T("lr", "0.005")),
                Optimizer = Choice("training optimizer", T("optimizer", "adam"), SettingNames.Optimizers),
                ClipNorm = clip == "none" ? null : Number("training clip", clip),
                Loss = Choice("training loss", T("loss", "mse"), SettingNames.Losses),
                ValidationFraction = Number("training validation", T("validation", "0.15")),
                TestFraction = Number("training test", T("test", "0")),
                Patience = Whole("training patience", T("patience", "20")),
                Seed = Whole("training seed", T("seed", "42")),
                // Files written before seasonal adjustment: none was made (their "seasonal" metadata is absent too).
                Deseasonalize = T("deseasonalize", "off") switch { "on" => true, "off" => false, var d => throw Bad("training deseasonalize", d, "on or off") },
                Season = T("season", "auto") is "auto" ? null : Whole("training season", T("season", "auto")),
                CombineClassical = T("combine", "off") switch { "on" => true, "off" => false, var c => throw Bad("training combine", c, "on or off") },
            };
            try { settings.Validate(); }
            catch (SettingsException e) { throw Damaged($"the forecasting settings are out of range ({e.MessageWith(ForecastFixes.ShortName)}); the file is damaged: train the model again"); }

            string target = Get("target_column");
            if (target.Length == 0) throw Bad("target_column", target, "a column name");
            var features = Json<string[]>("features", Get("features"), "a JSON array of column names");
            if (features.Any(string.IsNullOrEmpty)) throw Bad("features", Get("features"), "a JSON array of column names");
            if (network.Shape.InputSize != 1 + features.Length)
                throw Damaged($"the network takes {network.Shape.InputSize} inputs but the metadata names {features.Length} features (plus the target)");
            if (network.Shape.OutputSize != settings.OutputSize)
                throw Damaged($"the network has {network.Shape.OutputSize} outputs but a {SettingNames.Strategies.Name(settings.Strategy)} model with horizon {settings.Horizon} needs {settings.OutputSize}");

            var scalers = new Dictionary<string, SeriesScalers>(StringComparer.Ordinal);
            foreach (var (symbol, text) in Json<Dictionary<string, string>>("scalers", Get("scalers"), "a JSON object of strings"))
            {
                SeriesScalers parsed;
                if (text is null) throw Damaged($"metadata {Prefix}scalers, series {SafeTensors.Quote(symbol)}: no scaler (null); the file is damaged: train the model again");
                try { parsed = ParseScalers(text, settings); }
                catch (Exception e) when (e is DataException or ArgumentException)   // Scaler's constructors throw ArgumentException for ranges that overflow
                {
                    throw Damaged($"metadata {Prefix}scalers, series {SafeTensors.Quote(symbol)}: " +
                        (e is DataException ? e.Message.ReplaceLineEndings(" ") : $"scaler {SafeTensors.Quote(text)} has a range out of bounds; the file is damaged: train the model again"));
                }
                if (parsed.Features.Count != features.Length)
                    throw Damaged($"metadata {Prefix}scalers, series {SafeTensors.Quote(symbol)}: {parsed.Features.Count} feature scalers for {features.Length} features; the file is damaged: train the model again");
                foreach (var scaler in parsed.Features.Prepend(parsed.Target))
                {
                    double scale = scaler.Inverse(1) - scaler.Inverse(0);
                    if (!(scale > 0) || !double.IsFinite(scale) || !double.IsFinite(1 / scale))
                        throw Damaged($"metadata {Prefix}scalers, series {SafeTensors.Quote(symbol)}: scaler {SafeTensors.Quote(scaler.ToString())} has a scale out of range ({scale.ToString("R", CultureInfo.InvariantCulture)}); the file is damaged: train the model again");
                }
                scalers[symbol] = parsed;
            }
            // Files written before intervals: no calibration, no naive scales (predict then shows no intervals).
            var naiveScales = new Dictionary<string, double>(StringComparer.Ordinal);
            if (metadata.TryGetValue(Prefix + "naive_scales", out var scalesText))
                foreach (var (symbol, text) in Json<Dictionary<string, string>>("naive_scales", scalesText, "a JSON object of numbers as strings"))
                    naiveScales[symbol] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0
                        ? v : throw Bad("naive_scales", text ?? "null", "a finite number at least 0");
            IntervalCalibration? calibration = null;
            if (metadata.TryGetValue(Prefix + "intervals", out var intervalsText))
            {
                try { calibration = IntervalCalibration.Parse(intervalsText); }
                catch (FormatException) { throw Bad("intervals", intervalsText, "the intervals' calibration"); }
            }
            var adjustments = new Dictionary<string, SeasonalAdjustment>(StringComparer.Ordinal);
            if (metadata.TryGetValue(Prefix + "seasonal", out var seasonalText))
                foreach (var (symbol, text) in Json<Dictionary<string, string>>("seasonal", seasonalText, "a JSON object of strings"))
                {
                    if (!scalers.ContainsKey(symbol)) throw Bad("seasonal", seasonalText, "a seasonal pattern for each of the model's series only");
                    try { adjustments[symbol] = SeasonalAdjustment.Parse(text ?? "null"); }
                    catch (FormatException) { throw Bad("seasonal", text ?? "null", "a seasonal pattern (period, additive, strength, indices)"); }
                }
            var classicalFit = new Dictionary<string, int>(StringComparer.Ordinal);
            if (metadata.TryGetValue(Prefix + "classical_fit", out var fitText))
                foreach (var (symbol, text) in Json<Dictionary<string, string>>("classical_fit", fitText, "a JSON object of whole numbers as strings"))
                    classicalFit[symbol] = scalers.ContainsKey(symbol) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                        ? n : throw Bad("classical_fit", fitText, "a count of values at least 1 for each of the model's series");
            var leftOut = new Dictionary<string, IReadOnlySet<ForecastMethod>>(StringComparer.Ordinal);
            if (metadata.TryGetValue(Prefix + "left_out", out var leftOutText))
                foreach (var (symbol, parts) in Json<Dictionary<string, string[]>>("left_out", leftOutText, "a JSON object of arrays of parts"))
                {
                    if (!scalers.ContainsKey(symbol) || parts is null) throw Bad("left_out", leftOutText, "parts left out of the combination for each of the model's series");
                    leftOut[symbol] = parts.Select(part => part switch
                    {
                        "network" => ForecastMethod.Model,
                        "ets" => ForecastMethod.Ets,
                        "theta" => ForecastMethod.Theta,
                        _ => throw Bad("left_out", leftOutText, "parts named network, ets or theta"),
                    }).ToHashSet();
                }
            // Files written before the step was stored: none is checked.
            DataStep? step = null;
            if (metadata.TryGetValue(Prefix + "step", out var stepText))
                step = DataStep.TryParse(stepText, out var parsed) ? parsed : throw Damaged($"metadata {Prefix}step = {SafeTensors.Quote(stepText)} is not a step " +
                    "this Unroll knows (business_days, days, weeks, months, quarters, years or intraday:SECONDS): the file is damaged or written by a newer Unroll; " +
                    "update Unroll, or train the model again");
            return new Forecaster(network, settings, target, features, scalers).WithParts(adjustments, classicalFit, leftOut).WithIntervals(calibration, naiveScales).WithStep(step);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or OverflowException or DataException)
        {
            // Every field above is validated; this is the net for whatever a future field forgets.
            throw Damaged($"the forecasting metadata is damaged ({(e is JsonException ? "not valid JSON" : "a value out of range")}); train the model again");
        }

        TResult Json<TResult>(string key, string text, string expected) where TResult : class
        {
            TResult? value;
            try
            {
                value = JsonSerializer.Deserialize<TResult>(text);
            }
            catch (JsonException e)
            {
                throw Damaged($"metadata {Prefix}{key} is not {expected} (it goes wrong near byte {(e.BytePositionInLine ?? 0) + 1}); the file is damaged: train the model again");
            }
            return value ?? throw Damaged($"metadata {Prefix}{key} is not {expected} (it is null); the file is damaged: train the model again");
        }
    }

    /// <summary>
    /// A series' scalers as stored: target first, then one per feature, joined by ';'. An anchored model's target entry
    /// is <c>relative:SCALE</c> or <c>difference:SCALE</c>, the typical one-step move that windows are divided by; in
    /// memory that is a z-score scaler with mean 0 and deviation SCALE, which is what files before it stored.
    /// </summary>
    private static string ScalersText(SeriesScalers scalers, ForecastSettings settings)
        => settings.IsAnchored && scalers.Target is ZScoreScaler { Mean: 0 } unit
            ? string.Join(";", scalers.Features.Select(f => f.ToString())
                .Prepend($"{SettingNames.Scalings.Name(settings.EffectiveScaling)}:{unit.StandardDeviation.ToString("R", CultureInfo.InvariantCulture)}"))
            : scalers.ToString();

    /// <summary>Reads what <see cref="ScalersText"/> wrote (and what files before <c>relative:</c> wrote).</summary>
    private static SeriesScalers ParseScalers(string text, ForecastSettings settings)
    {
        string prefix = settings.IsAnchored ? SettingNames.Scalings.Name(settings.EffectiveScaling) + ":" : "";
        bool tagged = text.StartsWith("relative:", StringComparison.Ordinal) || text.StartsWith("difference:", StringComparison.Ordinal);
        if (!tagged) return SeriesScalers.Parse(text);
        if (prefix.Length == 0 || !text.StartsWith(prefix, StringComparison.Ordinal))
            throw new DataException($"the target's scaler '{text.Split(';')[0]}' does not match the model's scaling ({SettingNames.Scalings.Name(settings.EffectiveScaling)})");
        int end = text.IndexOf(';', StringComparison.Ordinal);
        string scale = end < 0 ? text[prefix.Length..] : text[prefix.Length..end];
        if (!double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s > 0) || !double.IsFinite(s))
            throw new DataException($"the scale '{scale}' is not a number above 0");
        var features = end < 0 ? SeriesScalers.Parse("none").Features : SeriesScalers.Parse("none" + text[end..]).Features;
        return new SeriesScalers(new ZScoreScaler(0, s), features);
    }
}
