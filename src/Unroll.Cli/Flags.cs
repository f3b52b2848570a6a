using System.Text.RegularExpressions;
using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Data;
using Unroll.Forecasting;

namespace Unroll.Cli;

/// <summary>
/// The library names the setting that fixes a problem (<c>CsvReadOptions.Sort = true</c>); a user of the command line
/// reads the flag (<c>--sort</c>). This is the one place that turns the first into the second.
/// </summary>
internal static partial class Flags
{
    private static readonly Dictionary<string, string> ForecastFlags = new(StringComparer.Ordinal)
    {
        [nameof(ForecastSettings.Cell)] = "--cell",
        [nameof(ForecastSettings.HiddenSize)] = "--hidden",
        [nameof(ForecastSettings.Layers)] = "--layers",
        [nameof(ForecastSettings.Lookback)] = "--lookback",
        [nameof(ForecastSettings.Horizon)] = "--horizon",
        [nameof(ForecastSettings.Strategy)] = "--strategy",
        [nameof(ForecastSettings.Target)] = "--target",
        [nameof(ForecastSettings.Scaling)] = "--scaling",
        [nameof(ForecastSettings.Epochs)] = "--epochs",
        [nameof(ForecastSettings.BatchSize)] = "--batch",
        [nameof(ForecastSettings.LearningRate)] = "--lr",
        [nameof(ForecastSettings.Optimizer)] = "--optimizer",
        [nameof(ForecastSettings.ClipNorm)] = "--clip",
        [nameof(ForecastSettings.Loss)] = "the loss",
        [nameof(ForecastSettings.ValidationFraction)] = "--val",
        [nameof(ForecastSettings.TestFraction)] = "--test",
        [nameof(ForecastSettings.Patience)] = "--patience",
        [nameof(ForecastSettings.Seed)] = "--seed",
        [nameof(ForecastSettings.Deseasonalize)] = "--deseasonalize",
        [nameof(ForecastSettings.Season)] = "--season",
        [nameof(ForecastSettings.CombineClassical)] = "--combine",
    };

    /// <summary>The flag (with its value) that gives <paramref name="setting"/>.</summary>
    public static string Of(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? value = setting.Value is null ? null : Value(setting.Value);
        string flag = setting.Name switch
        {
            "CsvReadOptions.DecimalSeparator" => "--decimal",
            "CsvReadOptions.Sort" => "--sort",
            "CsvReadOptions.Column" => "--column",
            "CsvReadOptions.Features" => "--features",
            "CsvReadOptions.Symbols" => "--symbol",
            "CsvReadOptions.Name" => "--name",
            "CsvReadOptions.Missing" => "--missing",
            "CsvReadOptions.DateColumn" => "--date-column",
            "CsvReadOptions.SymbolColumn" => "--symbol-column",
            "CsvReadOptions.Resample" => "--resample",
            "CsvReadOptions.Sum" => "--sum",
            "CsvReadOptions.DateOrder" => "--date-order",
            "TrainingRunOptions.CheckpointPath" => "--checkpoint",
            ModelFile.ResumeSetting => "'unroll train … --resume FILE'",
            var name when name.StartsWith("ForecastSettings.", StringComparison.Ordinal)
                          && ForecastFlags.TryGetValue(name["ForecastSettings.".Length..], out var f) => f,
            _ => setting.ToString(),
        };
        // A switch takes no value; "true" is what sets it.
        return value is null || flag == "--sort" ? flag : $"{flag} {value}";
    }

    /// <summary>The message of <paramref name="error"/> with its setting named as the command line names it.</summary>
    public static string Of(ModelFileException error)
        => error.Setting switch
        {
            ModelFile.CellSetting => error.Message.Replace(ModelFile.CellSetting, "--cell rnn_relu or --cell rnn_tanh", StringComparison.Ordinal),
            ModelFile.ResumeSetting => error.Message.Replace(ModelFile.ResumeSetting, "'unroll train … --resume FILE'", StringComparison.Ordinal),
            ModelFile.NameMapSetting => error.Message.Replace(ModelFile.NameMapSetting, "--map (e.g. --map lstm.=rnn.,fc.=head.)", StringComparison.Ordinal),
            _ => error.Message,
        };

    // A value as the library writes it ('.', TargetScaling.MinMax, 0.2) as the command line takes it (., minmax, 0.2).
    private static string Value(string value)
    {
        if (value.Length == 3 && value[0] == '\'' && value[2] == '\'') return value[1].ToString();
        if (EnumLiteral().Match(value) is { Success: true } m)
        {
            string member = m.Groups["member"].Value;
            return m.Groups["type"].Value switch
            {
                nameof(TargetScaling) => SettingNames.Scalings.TryParse(member, out var s) ? SettingNames.Scalings.Name(s) : member,
                nameof(ForecastStrategy) => SettingNames.Strategies.TryParse(member, out var st) ? SettingNames.Strategies.Name(st) : member,
                nameof(Unroll.Data.TargetKind) => SettingNames.Targets.TryParse(member, out var t) ? SettingNames.Targets.Name(t) : member,
                nameof(Unroll.Data.Csv.MissingValues) => SettingNames.Missing.TryParse(member, out var mv) ? SettingNames.Missing.Name(mv) : member,
                nameof(Unroll.Data.Csv.DateOrder) => SettingNames.DateOrders.TryParse(member, out var o) ? SettingNames.DateOrders.Name(o) : member,
                nameof(CellKind) => SettingNames.Cells.TryParse(member, out var c) ? SettingNames.Cells.Name(c) : member,
                _ => member.ToLowerInvariant(),
            };
        }
        return value;
    }

    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z]*)\.(?<member>[A-Z][A-Za-z]*)$")]
    private static partial Regex EnumLiteral();
}
