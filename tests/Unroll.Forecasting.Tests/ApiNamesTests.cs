using System.Reflection;
using Unroll.Core;
using Unroll.Core.Training;
using Unroll.Data;

namespace Unroll.Forecasting.Tests;

/// <summary>One name for one idea across the public API of Core, Data and Forecasting.</summary>
public sealed class ApiNamesTests
{
    /// <summary>Numeric settings and their one name: the name a number of that idea must not take, and the one it has.</summary>
    private static readonly Dictionary<string, string> Preferred = new(StringComparer.Ordinal)
    {
        ["Hidden"] = "HiddenSize", ["HiddenUnits"] = "HiddenSize", ["Clip"] = "ClipNorm", ["GradientClip"] = "ClipNorm",
        ["MaxGradNorm"] = "ClipNorm", ["InputFeatures"] = "InputSize",
        // Not "Batch": TrainingIncident.Batch is which batch, a position; sizes are BatchSize (see below).
    };

    [Fact]
    public void NumericSettings_HaveOneNameAcrossTheLibraries()
    {
        var assemblies = new[] { typeof(NetworkShape).Assembly, typeof(SeriesSet).Assembly, typeof(ForecastSettings).Assembly };
        var wrong = new List<string>();
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()))
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if ((valueType == typeof(int) || valueType == typeof(double)) && Preferred.TryGetValue(property.Name, out var name))
                    wrong.Add($"{type.Name}.{property.Name} (call it {name})");
            }
        Assert.Empty(wrong);
    }

    [Fact]
    public void ForecastSettings_NameTheNetworkAndTrainerSettingsAsCoreDoes()
    {
        Assert.NotNull(typeof(ForecastSettings).GetProperty(nameof(NetworkShape.HiddenSize)));
        Assert.NotNull(typeof(ForecastSettings).GetProperty(nameof(NetworkShape.Layers)));
        Assert.NotNull(typeof(ForecastSettings).GetProperty(nameof(TrainerOptions.ClipNorm)));
        Assert.NotNull(typeof(ForecastSettings).GetProperty(nameof(TrainerOptions.Loss)));
        Assert.NotNull(typeof(Unroll.Core.Benchmarking.Workload).GetProperty(nameof(ForecastSettings.BatchSize)));
        Assert.NotNull(typeof(Unroll.Core.Benchmarking.Workload).GetProperty(nameof(ForecastSettings.HiddenSize)));
    }
}
