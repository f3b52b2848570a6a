using System.Text.Json;

namespace Unroll.Cli.Tests;

/// <summary>`unroll run` and `unroll explain` on state dicts saved as PyTorch users save them
/// (Unroll.Core.Tests/fixtures/pytorch_names, made by make_pytorch_names.py).</summary>
public class PyTorchNamesCommandTests
{
    private static string Fixture(string file) => CliRunner.CoreFixture(Path.Combine("pytorch_names", file));

    private static void AssertPredictionsAsPyTorch(string name, string output)
    {
        var expected = JsonSerializer.Deserialize<double[][]>(File.ReadAllText(Fixture($"{name}.expected.json")))!;
        using var doc = JsonDocument.Parse(output);
        var predictions = doc.RootElement.GetProperty("predictions");
        Assert.Equal(expected.Length, predictions.GetArrayLength());
        for (int s = 0; s < expected.Length; s++)
            for (int o = 0; o < expected[s].Length; o++)
            {
                double a = predictions[s][o].GetDouble();
                Assert.True(Math.Abs(expected[s][o] - a) <= 1e-5, $"{name}: sequence {s} output {o}: PyTorch {expected[s][o]:R}, unroll {a:R}");
            }
    }

    [Theory]
    [InlineData("lstm_fc", "read lstm.* as rnn.* and fc.* as head.* (recognised: --map lstm.=rnn.,fc.=head.)")]
    [InlineData("rnn_linear", "read linear.* as head.* (recognised: --map linear.=head.)")]
    [InlineData("model_gru_head", "read model.gru.* as rnn.* and model.head.* as head.* (recognised: --map model.gru.=rnn.,model.head.=head.)")]
    [InlineData("lstm_nobias", "read lstm.* as rnn.* and fc.* as head.* (recognised")]
    public void Run_PyTorchNames_AreRecognised_SaidOnOneLine_AndPredictAsPyTorch(string name, string line)
    {
        var r = CliRunner.Run("run", "--model", Fixture($"{name}.safetensors"), "--input", Fixture($"{name}.inputs.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains(line, r.Error);
        AssertPredictionsAsPyTorch(name, r.Out);
    }

    [Fact]
    public void Run_GivenMapAndCell_AreUsed()
    {
        var r = CliRunner.Run("run", "--model", Fixture("rnn_relu_linear.safetensors"), "--input", Fixture("rnn_relu_linear.inputs.json"),
            "--map", "linear.=head.", "--cell", "rnn_relu");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("read linear.* as head.* (given: --map linear.=head.)", r.Error);
        AssertPredictionsAsPyTorch("rnn_relu_linear", r.Out);
    }

    [Fact]
    public void Run_OwnNames_PrintNoMappingLine()
    {
        var r = CliRunner.Run("run", "--model", CliRunner.CoreFixture("torch_lstm.safetensors"), "--input", CliRunner.CoreFixture("torch_lstm.inputs.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);
    }

    [Theory]
    [InlineData("ambiguous_rnns", "lstm1.*")]
    [InlineData("ambiguous_heads", "out.*")]
    public void Run_Ambiguous_IsOneLineNamingMap(string name, string candidate)
    {
        var r = CliRunner.RunWithInput("[[[1,2]]]", "run", "--model", Fixture($"{name}.safetensors"), "--input", "-");
        r.AssertOneLineError("--map");
        Assert.Contains(candidate, r.Error);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("bidirectional", "bidirectional")]
    [InlineData("projected", "proj_size")]
    [InlineData("batchnorm", "batch normalisation")]
    public void Run_UnsupportedFeature_IsOneLineNamingIt(string name, string feature)
    {
        var r = CliRunner.RunWithInput("[[[1,2]]]", "run", "--model", Fixture($"{name}.safetensors"), "--input", "-");
        r.AssertOneLineError(feature);
    }

    [Theory]
    [InlineData("lstm.", "is not a prefix rename FROM=TO")]
    [InlineData("a.=b.,a.=c.", "renamed twice")]
    public void Run_MalformedMap_IsOneLine(string map, string expected)
    {
        var r = CliRunner.RunWithInput("[[[1,2]]]", "run", "--model", Fixture("lstm_fc.safetensors"), "--input", "-", "--map", map);
        r.AssertOneLineError(expected);
    }

    [Fact]
    public void Explain_PyTorchNames_AreRecognised()
    {
        var r = CliRunner.Run("explain", "--model", Fixture("encoder_decoder.safetensors"), "--input", Fixture("encoder_decoder.inputs.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("read encoder.gru.* as rnn.* and decoder.* as head.* (recognised", r.Error);
    }
}
