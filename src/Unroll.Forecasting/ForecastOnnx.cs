using Unroll.Core.Io;

namespace Unroll.Forecasting;

/// <summary>
/// What an ONNX export of a forecasting model carries besides the network. The graph holds the network alone, in the
/// network's units: a forecaster's scaling is per series (one scaler per symbol, and relative scaling divides by each
/// window's last value), its target may be a return or a log, its seasonal pattern is per series, and its
/// combination with ETS and Theta is a fit made at prediction time; none of these is one fixed graph. So the
/// pre- and post-processing go into <c>metadata_props</c>: every <c>forecast.*</c> key of the model file unchanged
/// (the same JSON as in docs/model-format.md) and <see cref="ProcessingKey"/>, the recipe in words.
/// </summary>
public static class ForecastOnnx
{
    /// <summary>The metadata key holding the pre- and post-processing recipe.</summary>
    public const string ProcessingKey = "unroll.processing";

    /// <summary>The metadata key saying what units <c>input</c> and <c>prediction</c> are in.</summary>
    public const string UnitsKey = "unroll.units";

    /// <summary>The <c>metadata_props</c> for a model file's metadata: for a forecasting model its <c>forecast.*</c>
    /// keys and the recipe; for a plain network, none.</summary>
    /// <param name="modelMetadata">The model file's <c>__metadata__</c> (<see cref="LoadedModel{T}.Metadata"/>).</param>
    public static Dictionary<string, string> Metadata(IReadOnlyDictionary<string, string> modelMetadata)
    {
        ArgumentNullException.ThrowIfNull(modelMetadata);
        var result = modelMetadata.Where(kv => kv.Key.StartsWith("forecast.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (result.Count == 0) return result;
        result[UnitsKey] = "network (scaled) units: apply unroll.processing before and after";
        result[ProcessingKey] =
            "Per series, as Forecaster.NetworkFrom does: take the last forecast.lookback values (target column first, then forecast.features); " +
            "if forecast.seasonal has the series, remove its pattern (index j at positions t = j mod period, turned by the steps from its anchor to the series' first date); apply forecast.target (price: as is; return/log_return/diff: from consecutive values); " +
            "scale with the series' entry in forecast.scalers (minmax/zscore: (x - offset) / scale per column; relative: target column (x / last - 1) / s, " +
            "difference: (x - last) / s, with s the target scaler's scale and last the window's last target value). " +
            "Feed input [1, steps, features] and lengths [steps]. Map prediction back in reverse: relative: last * (1 + y * s), difference: last + y * s, " +
            "else the target scaler's inverse, then the inverse target transform from the last value, then the seasonal pattern. " +
            "The ETS/Theta combination (forecast.training combine) is not in the graph: this is the network alone, as 'unroll predict --combine off'.";
        return result;
    }
}
