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
}
