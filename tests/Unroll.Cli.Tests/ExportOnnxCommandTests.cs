using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Unroll.Cli.Tests;

/// <summary>`unroll export-onnx`: files ONNX Runtime runs to `unroll run`'s predictions, and one-line refusals that write nothing.</summary>
public sealed class ExportOnnxCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-onnx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static float[] RunInOrt(string model, float[][][] sequences)
    {
        int batch = sequences.Length, time = sequences.Max(s => s.Length), features = sequences[0][0].Length;
        var input = new DenseTensor<float>([batch, time, features]);
        var lengths = new DenseTensor<int>([batch]);
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = sequences[b].Length;
            for (int t = 0; t < sequences[b].Length; t++)
                for (int i = 0; i < features; i++) input[b, t, i] = sequences[b][t][i];
        }
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input), NamedOnnxValue.CreateFromTensor("lengths", lengths)]);
        return results.Single(r => r.Name == "prediction").AsTensor<float>().ToArray();
    }

    private float[] RunCommandPredictions(string model, float[][][] sequences)
    {
        var inputPath = PathOf("input.json");
        File.WriteAllText(inputPath, JsonSerializer.Serialize(sequences));
        var r = CliRunner.Run("run", "--model", model, "--input", inputPath);
        Assert.True(r.ExitCode == 0, r.Error);
        using var json = JsonDocument.Parse(r.Out);
        return json.RootElement.GetProperty("predictions").EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(v => v.GetSingle()).ToArray();
    }

    private static float[][][] Ragged(int features, params int[] lengths)
    {
        var random = new Random(11);
        return lengths.Select(n => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray()).ToArray();
    }

    [Theory]
    [InlineData("torch_lstm.safetensors")]
    [InlineData("statquest")]
    public void Export_RunsInOnnxRuntime_AsUnrollRunPrints(string model)
    {
        var modelPath = model == "statquest" ? model : CliRunner.CoreFixture(model);
        var onnx = PathOf("m.onnx");
        var r = CliRunner.Run("export-onnx", "--model", modelPath, "--out", onnx);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Wrote", r.Out);
        using var session = new InferenceSession(onnx);
        int features = session.InputMetadata["input"].Dimensions[2];
        var sequences = Ragged(features, 1, 40, 3, 17);

        var expected = RunCommandPredictions(modelPath, sequences);
        var actual = RunInOrt(onnx, sequences);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void Export_MissingModel_IsOneLineAndWritesNothing()
    {
        var r = CliRunner.Run("export-onnx", "--model", PathOf("none.safetensors"), "--out", PathOf("m.onnx"));
        r.AssertOneLineError("none.safetensors");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void Export_OutIsTheModel_IsRefusedAndTheModelKept()
    {
        var model = PathOf("m.safetensors");
        File.Copy(CliRunner.CoreFixture("torch_lstm.safetensors"), model);
        var before = File.ReadAllBytes(model);
        var r = CliRunner.Run("export-onnx", "--model", model, "--out", model);
        r.AssertOneLineError("is the same file as --model");
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("13")]
    [InlineData("22")]
    public void Export_UnsupportedOpset_IsOneLineAndWritesNothing(string opset)
    {
        var r = CliRunner.Run("export-onnx", "--model", "statquest", "--out", PathOf("m.onnx"), "--opset", opset);
        r.AssertOneLineError($"--opset {opset} is not supported: Unroll writes opsets 14 to 21");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    /// <summary>
    /// A forecasting model end to end in price units: the recipe in the exported metadata (relative scaling: the last
    /// lookback prices as (x / last − 1) / s, the prediction back as last · (1 + y · s)) around ONNX Runtime gives
    /// `unroll predict`'s one-step forecast of the network alone (trained with --combine off, no seasonal adjustment).
    /// </summary>
    [Fact]
    public void ForecastingModel_InOnnxRuntime_GivesPredictsForecastInPriceUnits()
    {
        var stocks = CliRunner.RepoFile("data", "stocks.csv");
        var model = PathOf("f.safetensors");
        var train = CliRunner.Run("train", "--data", stocks, "--out", model, "--epochs", "2", "--hidden", "4", "--seed", "5",
            "--combine", "off", "--deseasonalize", "off", "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        var onnx = PathOf("f.onnx");
        var export = CliRunner.Run("export-onnx", "--model", model, "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        var predict = CliRunner.Run("predict", "--model", model, "--data", stocks, "--horizon", "1", "--json");
        Assert.True(predict.ExitCode == 0, predict.Error);

        using var session = new InferenceSession(onnx);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Contains("unroll.processing", metadata.Keys);
        int lookback = int.Parse(metadata["forecast.lookback"], System.Globalization.CultureInfo.InvariantCulture);
        var scalers = JsonSerializer.Deserialize<Dictionary<string, string>>(metadata["forecast.scalers"])!;
        var prices = File.ReadLines(stocks).Skip(1).Select(l => l.Split(',')).GroupBy(f => f[0])
            .ToDictionary(g => g.Key, g => g.Select(f => double.Parse(f[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        using var json = JsonDocument.Parse(predict.Out);
        var series = json.RootElement.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(prices.Count, series.Count);
        foreach (var entry in series)
        {
            string symbol = entry.GetProperty("symbol").GetString()!;
            var text = scalers[symbol];
            Assert.StartsWith("relative:", text);
            double s = double.Parse(text["relative:".Length..].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
            var window = prices[symbol][^lookback..];
            double last = window[^1];
            Assert.Equal(entry.GetProperty("last_value").GetDouble(), last);
            var input = window.Select(x => new[] { (float)((x / last - 1) / s) }).ToArray();

            float y = RunInOrt(onnx, [input])[0];
            double forecast = last * (1 + y * s);

            double expected = entry.GetProperty("forecast")[0].GetDouble();
            Assert.True(Math.Abs(forecast - expected) <= 1e-5 * Math.Abs(expected), $"{symbol}: ONNX Runtime {forecast}, unroll predict {expected}");
        }
    }

    [Fact]
    public void ExportThenImport_RunsAsTheOriginal_AndRunReadsOnnxDirectly()
    {
        var model = CliRunner.CoreFixture("torch_gru.safetensors");
        var onnx = PathOf("g.onnx");
        var back = PathOf("g.safetensors");
        Assert.Equal(0, CliRunner.Run("export-onnx", "--model", model, "--out", onnx).ExitCode);
        var r = CliRunner.Run("import-onnx", onnx, "--out", back);
        Assert.True(r.ExitCode == 0, r.Error);
        var sequences = Ragged(new Microsoft.ML.OnnxRuntime.InferenceSession(onnx).InputMetadata["input"].Dimensions[2], 2, 9, 1);

        var expected = RunCommandPredictions(model, sequences);
        Assert.Equal(expected, RunCommandPredictions(back, sequences));
        Assert.Equal(expected, RunCommandPredictions(onnx, sequences));
    }

    [Fact]
    public void Import_NotOnnx_IsOneLineAndWritesNothing()
    {
        var bad = PathOf("bad.onnx");
        File.WriteAllText(bad, "not a model at all");
        CliRunner.Run("import-onnx", bad, "--out", PathOf("m.safetensors")).AssertOneLineError("bad.onnx is not an ONNX model (its first bytes are text: 'not a model at all')");
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void Import_ASafetensorsModel_SaysItIsOne_AndAFolderAsInputIsNamedAsOne()
    {
        var model = PathOf("m.safetensors");
        File.Copy(CliRunner.CoreFixture("torch_lstm.safetensors"), model);
        CliRunner.Run("import-onnx", model, "--out", PathOf("x.safetensors"))
            .AssertOneLineError("m.safetensors is a safetensors model, not ONNX: run, explain, predict and export-onnx read it as it is");
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder));
        Directory.CreateDirectory(PathOf("sequences"));
        CliRunner.Run("run", "--model", "statquest", "--input", PathOf("sequences")).AssertOneLineError("sequences is a folder; give the JSON file");
    }

    [Fact]
    public void Import_BinaryThatIsNotOnnx_SaysSoWithoutTheParsersWords()
    {
        var bad = PathOf("bad.onnx");
        File.WriteAllBytes(bad, [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3, 4, 5, 6, 7, 8]);   // a field claiming far more bytes than there are
        var r = CliRunner.Run("import-onnx", bad, "--out", PathOf("m.safetensors"));
        r.AssertOneLineError("bad.onnx is not an ONNX model: its bytes do not read as ONNX's protobuf format");
        Assert.DoesNotContain("stream", r.Error);
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void Import_OutIsTheOnnxFile_IsRefusedNamingIt()
    {
        var onnx = PathOf("m.onnx");
        Assert.Equal(0, CliRunner.Run("export-onnx", "--model", "statquest", "--out", onnx).ExitCode);
        var before = File.ReadAllBytes(onnx);
        CliRunner.Run("import-onnx", onnx, "--out", onnx).AssertOneLineError($"--out {onnx} is the same file as the ONNX file {onnx}");
        Assert.Equal(before, File.ReadAllBytes(onnx));
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("backtest")]
    [InlineData("explain")]
    public void OnnxModel_WhereSafetensorsIsRead_IsNamedWithTheCommandsThatTakeIt(string command)
    {
        var onnx = PathOf("m.onnx");
        Assert.Equal(0, CliRunner.Run("export-onnx", "--model", "statquest", "--out", onnx).ExitCode);
        string[] args = command switch
        {
            "explain" => ["explain", "--model", onnx, "--sequence", "0,1"],
            _ => [command, "--model", onnx, "--data", CliRunner.RepoFile("data", "stocks.csv")],
        };
        CliRunner.Run(args).AssertOneLineError($"{onnx} is an ONNX model, not a safetensors model file: 'unroll run --model {onnx}' reads ONNX, 'unroll import-onnx");
    }
}
