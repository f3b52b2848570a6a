using System.Text.Json;
using Unroll.Core.Io;
using Unroll.Data.Csv;

namespace Unroll.Forecasting.Tests;

/// <summary>The saved settings name each choice once, consistently, and files from before still predict the same.</summary>
public sealed class ModelBundleFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-format-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private static string Stocks()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Unroll.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "data", "stocks.csv");
    }

    private static Dictionary<string, double[]> Expected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture("stocks_model_before_scaling_names.predict.json")));
        return doc.RootElement.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("symbol").GetString()!, s => s.GetProperty("forecast").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    /// <summary>
    /// The forecasts that commit printed, to 1e-6 relative: the file must be read as it was (names, scalers, settings),
    /// while the engine's float32 arithmetic may sum in another order since (the batch-1 step product did, changing the
    /// ninth digit); a misread setting or scaler moves a forecast by far more.
    /// </summary>
    private static void AssertPredictsAsBefore(Forecaster model)
    {
        var expected = Expected();
        foreach (var series in CsvSeriesReader.Read(Stocks()).Series)
        {
            var actual = model.Predict(series, 3).Values;
            Assert.Equal(expected[series.Symbol].Length, actual.Length);
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[series.Symbol][i]) <= 1e-6 * Math.Abs(expected[series.Symbol][i]),
                    $"{series.Symbol} step {i + 1}: {actual[i]} vs {expected[series.Symbol][i]}");
        }
    }

    [Fact]
    public void Load_FileFromBeforeTheScalingNames_PredictsExactlyAsItDid()
    {
        var model = ModelBundle.Load(Fixture("stocks_model_before_scaling_names.safetensors"));
        Assert.Equal(TargetScaling.Relative, model.Settings.Scaling);
        AssertPredictsAsBefore(model);
    }

    [Fact]
    public void Save_ThatOldModel_WritesConsistentNamesAndStillPredictsTheSame()
    {
        var path = Path.Combine(_folder, "resaved.safetensors");
        ModelBundle.Save(ModelBundle.Load(Fixture("stocks_model_before_scaling_names.safetensors")), path);
        var metadata = SafeTensors.Read(path).Metadata;
        Assert.Equal("relative", metadata["forecast.scaling"]);
        Assert.False(metadata.ContainsKey("forecast.relative"));
        var scalers = JsonSerializer.Deserialize<Dictionary<string, string>>(metadata["forecast.scalers"])!;
        Assert.All(scalers.Values, s => Assert.StartsWith("relative:", s));
        var training = JsonSerializer.Deserialize<Dictionary<string, string>>(metadata["forecast.training"])!;
        Assert.Equal("mse", training["loss"]);
        AssertPredictsAsBefore(ModelBundle.Load(path));
    }

    [Theory]
    [InlineData(TargetScaling.MinMax, "minmax:")]
    [InlineData(TargetScaling.ZScore, "zscore:")]
    public void Save_NonRelativeScaling_NamesItAndItsScalersAlike(TargetScaling scaling, string prefix)
    {
        var data = CsvSeriesReader.Read(Stocks(), new CsvReadOptions { Symbols = ["MSFT"] });
        var forecaster = Forecaster.Fit(data, new ForecastSettings { HiddenSize = 4, Epochs = 2, Scaling = scaling }).Forecaster;
        var path = Path.Combine(_folder, "m.safetensors");
        ModelBundle.Save(forecaster, path);
        var metadata = SafeTensors.Read(path).Metadata;
        Assert.Equal(SettingNames.Scalings.Name(scaling), metadata["forecast.scaling"]);
        Assert.StartsWith(prefix, JsonSerializer.Deserialize<Dictionary<string, string>>(metadata["forecast.scalers"])!["MSFT"]);
        Assert.Equal(scaling, ModelBundle.Load(path).Settings.Scaling);
    }
}
