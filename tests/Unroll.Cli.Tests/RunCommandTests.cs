using System.Text.Json;

namespace Unroll.Cli.Tests;

public class RunCommandTests
{
    [Fact]
    public void Run_StatQuestOnStdin_PrintsTheFourPredictions()
    {
        var r = CliRunner.RunWithInput("[[0,0],[0,0.5],[1,0.5],[1,1]]", "run", "--model", "statquest", "--input", "-");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("{\"predictions\":[[0],[0.99],[0],[0.99]]}", r.Out.Trim());
    }

    [Fact]
    public void Run_LossBeyondFloat_IsNullWithANoteInsteadOfFailing()
    {
        var targets = Path.Combine(Path.GetTempPath(), $"unroll-targets-{Guid.NewGuid():N}.json");
        File.WriteAllText(targets, "[1e38]");
        try
        {
            var r = CliRunner.RunWithInput("[[1e38,1e38]]", "run", "--model", "statquest", "--input", "-", "--targets", targets);
            Assert.True(r.ExitCode == 0, r.Error);
            using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement.GetProperty("loss").ValueKind);
            Assert.Equal("loss: null where the value was infinity, which JSON cannot hold", doc.RootElement.GetProperty("notes")[0].GetString());
        }
        finally { File.Delete(targets); }
    }

    [Fact]
    public void Run_StatQuestWithTargetsAndGradients_GivesLossAndNamedGradients()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var targets = Path.Combine(folder, "t.json");
        File.WriteAllText(targets, "[0, 1, 0, 1]");
        var r = CliRunner.RunWithInput("[[0,0],[0,0.5],[1,0.5],[1,1]]", "run", "--model", "statquest", "--input", "-", "--targets", targets, "--gradients");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(2 * 0.01 * 0.01, doc.RootElement.GetProperty("loss").GetDouble(), 6);
        // d/dw3 Σ(out − t)² = Σ 2(out − t)·y = 2·(−0.01)·0.9·2
        Assert.Equal(-0.036, doc.RootElement.GetProperty("gradients").GetProperty("head.weight")[0][0].GetDouble(), 5);
        Directory.Delete(folder, true);
    }

    public static IEnumerable<object[]> Cells() => new[] { "rnn_relu", "rnn_tanh", "lstm", "gru" }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cells))]
    public void Run_PyTorchSavedModel_GivesPyTorchsPredictionsAndGradients(string cell)
    {
        var args = new List<string> { "run", "--model", CliRunner.CoreFixture($"torch_{cell}.safetensors"),
            "--input", CliRunner.CoreFixture($"torch_{cell}.inputs.json"), "--targets", CliRunner.CoreFixture($"torch_{cell}.targets.json"), "--gradients" };
        if (cell.StartsWith("rnn")) args.AddRange(["--cell", cell]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        using var mine = JsonDocument.Parse(r.Out);
        using var torch = JsonDocument.Parse(File.ReadAllText(CliRunner.CoreFixture($"torch_{cell}.expected.json")));
        AssertClose(torch.RootElement.GetProperty("predictions"), mine.RootElement.GetProperty("predictions"), "predictions");
        AssertClose(torch.RootElement.GetProperty("loss"), mine.RootElement.GetProperty("loss"), "loss");
        foreach (var g in torch.RootElement.GetProperty("gradients").EnumerateObject())
            AssertClose(g.Value, mine.RootElement.GetProperty("gradients").GetProperty(g.Name), g.Name);
    }

    private static void AssertClose(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind == JsonValueKind.Array)
        {
            Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
            for (int i = 0; i < expected.GetArrayLength(); i++) AssertClose(expected[i], actual[i], $"{path}[{i}]");
            return;
        }
        double e = expected.GetDouble(), a = actual.GetDouble();
        Assert.True(Math.Abs(e - a) <= 1e-4 * Math.Max(Math.Abs(e), Math.Abs(a)) + 1e-7, $"{path}: PyTorch {e:R}, unroll {a:R}");
    }

    [Theory]
    [InlineData("[[0,\"a\"]]", "sequence 0, step 1 is the string \"a\"")]
    [InlineData("[[0,0],[]]", "sequence 1 has no steps")]
    [InlineData("[[0,0],[[1,2]]]", "sequence 1, step 0 has 2 features, the model expects 1")]
    [InlineData("{}", "expected a JSON array of sequences")]
    [InlineData("[[0,0", "is not valid JSON")]
    [InlineData("[]", "holds no sequences")]
    public void Run_BadInput_GivesOneClearLineAndExitCode2(string input, string expected)
    {
        var r = CliRunner.RunWithInput(input, "run", "--model", "statquest", "--input", "-");
        r.AssertOneLineError(expected);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Run_MissingModelFile_SaysSo()
    {
        var r = CliRunner.RunWithInput("[[1]]", "run", "--model", "/no/such.safetensors", "--input", "-");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no such model file", r.Error);
    }

    [Fact]
    public void Run_RnnFileWithoutCell_RunsTanhAsNnRnnDoes()
    {
        var r = CliRunner.Run("run", "--model", CliRunner.CoreFixture("torch_rnn_tanh.safetensors"), "--input", CliRunner.CoreFixture("torch_rnn_tanh.inputs.json"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var mine = JsonDocument.Parse(r.Out);
        using var torch = JsonDocument.Parse(File.ReadAllText(CliRunner.CoreFixture("torch_rnn_tanh.expected.json")));
        AssertClose(torch.RootElement.GetProperty("predictions"), mine.RootElement.GetProperty("predictions"), "predictions");
    }

    [Fact]
    public void Run_GradientsWithoutTargets_IsRejected()
    {
        var r = CliRunner.RunWithInput("[[1]]", "run", "--model", "statquest", "--input", "-", "--gradients");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gradients needs --targets", r.Error);
    }

    [Fact]
    public void Run_WrongTargetCount_IsRejected()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        var targets = Path.Combine(folder, "t.json");
        File.WriteAllText(targets, "[0, 1]");
        var r = CliRunner.RunWithInput("[[1],[2],[3]]", "run", "--model", "statquest", "--input", "-", "--targets", targets);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("2 targets for 3 sequences", r.Error);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void UnknownOption_GivesOneLineAndExitCode2()
    {
        var r = CliRunner.Run("run", "--model", "statquest", "--input", "-", "--bogus");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error:", r.Error);
    }
}

public class TrainExampleCommandTests
{
    [Fact]
    public void TrainExample_FromRandomWeights_EndsWithinPointOneOfTheTargets()
    {
        var r = CliRunner.Run("train-example");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Every prediction is within 0.1 of its target.", r.Out);
        Assert.Contains("│ 1 ", r.Out);
    }

    [Fact]
    public void TrainExample_BadLearningRate_IsRejected()
    {
        var r = CliRunner.Run("train-example", "--lr", "-1");
        Assert.True(r.ExitCode == 2, r.Error);
        Assert.Contains("--lr must be a positive number", r.Error);
    }
}
