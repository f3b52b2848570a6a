using Unroll.Data;

namespace Unroll.Forecasting;

/// <summary>The <see cref="ForecastSettings"/> and <see cref="TrainingRunOptions"/> settings that errors name as their fix.</summary>
public static class ForecastFixes
{
    /// <summary><c>ForecastSettings.PROPERTY</c>, with a value when given.</summary>
    public static Setting Of(string property, string? value = null) => new($"{nameof(ForecastSettings)}.{property}", value);

    /// <summary>The settings <see cref="ForecastSettings.Describe"/> lists, by the name it gives them.</summary>
    public static Setting Described(string name, string value) => Of(PropertyOf(name), value);

    /// <summary>The name <see cref="ForecastSettings.Describe"/> gives a setting (<c>lr</c>), or the setting's own text if it lists none.</summary>
    public static string ShortName(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        foreach (var (name, _) in new ForecastSettings().Describe())
            if (setting.Name == Of(PropertyOf(name)).Name) return setting.Value is null ? name : $"{name} {setting.Value}";
        return setting.ToString();
    }

    private static string PropertyOf(string name) => name switch
    {
        "cell" => nameof(ForecastSettings.Cell),
        "hidden" => nameof(ForecastSettings.HiddenSize),
        "layers" => nameof(ForecastSettings.Layers),
        "lookback" => nameof(ForecastSettings.Lookback),
        "horizon" => nameof(ForecastSettings.Horizon),
        "strategy" => nameof(ForecastSettings.Strategy),
        "target" => nameof(ForecastSettings.Target),
        "scaling" => nameof(ForecastSettings.Scaling),
        "epochs" => nameof(ForecastSettings.Epochs),
        "batch" => nameof(ForecastSettings.BatchSize),
        "lr" => nameof(ForecastSettings.LearningRate),
        "optimizer" => nameof(ForecastSettings.Optimizer),
        "clip" => nameof(ForecastSettings.ClipNorm),
        "loss" => nameof(ForecastSettings.Loss),
        "val" => nameof(ForecastSettings.ValidationFraction),
        "test" => nameof(ForecastSettings.TestFraction),
        "patience" => nameof(ForecastSettings.Patience),
        "seed" => nameof(ForecastSettings.Seed),
        "deseasonalize" => nameof(ForecastSettings.Deseasonalize),
        "season" => nameof(ForecastSettings.Season),
        "combine" => nameof(ForecastSettings.CombineClassical),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a setting ForecastSettings.Describe lists"),
    };

    /// <summary><see cref="TrainingRunOptions.CheckpointPath"/>.</summary>
    public static Setting CheckpointPath { get; } = new($"{nameof(TrainingRunOptions)}.{nameof(TrainingRunOptions.CheckpointPath)}");

    /// <summary><see cref="TrainingSession.Resume"/>.</summary>
    public static Setting Resume { get; } = new($"{nameof(TrainingSession)}.{nameof(TrainingSession.Resume)}");
}
