using System.Xml.Linq;
using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.Cli.Tests;

public sealed class ExplainCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-explain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static readonly string[] StatQuestLines =
    [
        "The network: rnn_relu, 1 input, 1 hidden unit, 1 output; unrolled into 2 copies, one per input, oldest first.",
        "Each copy computes  x = input × w1 + previous y × w2 + b1,  y = max(0, x),  output = y × w3 + b2.",
        "Every copy uses the same weights and biases:",
        "  w1 = 1.8 (input weight, rnn.weight_ih_l0)    w2 = −0.5 (recurrent weight, rnn.weight_hh_l0)",
        "  b1 = 0 (rnn.bias_ih_l0 + rnn.bias_hh_l0)    w3 = 1.1 (output weight, head.weight)    b2 = 0 (head.bias)",
        "",
        "Copy 1 of 2: input 0; previous y = 0 (the first copy starts from 0)",
        "  sum         0 × 1.8 + 0 × −0.5 + 0 = 0",
        "  activation  max(0, 0) = 0",
        "  output      0 × 1.1 + 0 = 0   ignored: only the last copy's output is the prediction",
        "",
        "Copy 2 of 2: input 0.5; previous y = 0 (from copy 1)",
        "  sum         0.5 × 1.8 + 0 × −0.5 + 0 = 0.9",
        "  activation  max(0, 0.9) = 0.9",
        "  output      0.9 × 1.1 + 0 = 0.99   ← the prediction for tomorrow",
        "",
        "Every copy used the same weights and biases; only the input and what the previous copy passed on changed.",
    ];

    [Fact]
    public void Explain_StatQuestZeroThenHalf_PrintsEveryCopysSumActivationAndOutput()
    {
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence", "0,0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);
        Assert.Equal(StatQuestLines, r.Out.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Explain_StatQuestHighThenMedium_ShowsTheNegativeSumSwitchedOffAndTheLowPrediction()
    {
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence", "1, 0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("1 × 1.8 + 0 × −0.5 + 0 = 1.8", r.Out);
        Assert.Contains("0.5 × 1.8 + 1.8 × −0.5 + 0 = 0", r.Out);
        Assert.Contains("1.98   ignored", r.Out);                   // copy 1's output, 1.8 × 1.1
        Assert.Contains("0 × 1.1 + 0 = 0   ← the prediction for tomorrow", r.Out);
    }

    [Fact]
    public void Explain_AcceptsTheMinusSignItPrints()
    {
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence=−1,0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("max(0, −1.8) = 0", r.Out);
    }

    private string OneUnitModel(CellKind cell, double[] wih, double[] whh, double[] bih, double[] bhh)
    {
        var network = new RecurrentNetwork<double>(new NetworkShape(cell, 1, 1));
        wih.CopyTo(network["rnn.weight_ih_l0"].Value, 0);
        whh.CopyTo(network["rnn.weight_hh_l0"].Value, 0);
        bih.CopyTo(network["rnn.bias_ih_l0"].Value, 0);
        bhh.CopyTo(network["rnn.bias_hh_l0"].Value, 0);
        network["head.weight"].Value[0] = 1.25;
        var path = PathOf($"{cell}.safetensors");
        ModelFile.Save(network, path);
        return path;
    }

    private static double Predict(string model, string sequence)
    {
        var r = CliRunner.RunWithInput($"[[{sequence}]]", "run", "--model", model, "--input", "-");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        return doc.RootElement.GetProperty("predictions")[0][0].GetDouble();
    }

    [Fact]
    public void Explain_OneUnitLstm_ShowsEachGateAndStateWithItsNumbersAndRunsPrediction()
    {
        var model = OneUnitModel(CellKind.Lstm, [1.5, 0.25, 2, 1], [0.5, 0.5, -1, 0.5], [0, 1, 0, 0], [0, 0, 0, 0]);
        var r = CliRunner.Run("explain", "--model", model, "--sequence", "0,0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        // Copy 1: x = 0, h' = c' = 0, so every gate is σ or tanh of its bias alone.
        Assert.Contains("input gate  i = σ(0 × 1.5 + 0 × 0.5 + 0) = σ(0) = 0.5", r.Out);
        Assert.Contains("forget gate f = σ(0 × 0.25 + 0 × 0.5 + 1) = σ(1) = 0.731059", r.Out);
        Assert.Contains("candidate   g = tanh(0 × 2 + 0 × −1 + 0) = tanh(0) = 0", r.Out);
        // Copy 2: i = σ(0.75), g = tanh(1), c = i·g, h = o·tanh(c).
        double i = 1 / (1 + Math.Exp(-0.75)), g = Math.Tanh(1), o = 1 / (1 + Math.Exp(-0.5)), c = i * g, h = o * Math.Tanh(c);
        Assert.Contains($"= σ(0.75) = {i:G6}", r.Out);
        Assert.Contains($"c = f × c' + i × g = 0.7", r.Out);
        Assert.Contains($"= {c:G6}", r.Out);
        Assert.Contains($"h = o × tanh(c) = {o:G6} × tanh({c:G6}) = {h:G6}", r.Out);
        Assert.Contains($"{h:G6} × 1.25 + 0 = {h * 1.25:G6}   ← the prediction for tomorrow", r.Out);
        Assert.Equal(Predict(model, "0,0.5"), h * 1.25, 1e-6);
    }

    [Fact]
    public void Explain_AFloat32Model_ComputesInFloat32AsRunDoes_AndRefusesWhatRunRefuses()
    {
        // 3e38 fits float32, but 1.8 × 3e38 does not: run's prediction is not finite, and explain's must be the same.
        var run = CliRunner.RunWithInput("[[3e38]]", "run", "--model", "statquest", "--input", "-");
        Assert.Contains("null", run.Out);
        var explained = CliRunner.Run("explain", "--model", "statquest", "--sequence", "3e38");
        Assert.True(explained.ExitCode == 0, explained.Error);
        Assert.Contains("= ∞", explained.Out);
        Assert.Contains("The prediction is not a finite number: a sum overflowed the model's number type (float32, at most ±3.4e38)", explained.Out);

        CliRunner.Run("explain", "--model", "statquest", "--sequence", "1e39").AssertOneLineError("'1e39' (value 1) does not fit the model's number type (float32");
        File.WriteAllText(PathOf("big.json"), "[[1e39]]");
        CliRunner.Run("explain", "--model", "statquest", "--input", PathOf("big.json")).AssertOneLineError("does not fit the model's number type (float32, at most ±3.4e38 in size)");
        CliRunner.RunWithInput("[[1e39]]", "run", "--model", "statquest", "--input", "-").AssertOneLineError("is 1e39, which does not fit the model's number type (float32, at most ±3.4e38 in size)");
    }

    [Fact]
    public void Explain_OneUnitGru_ShowsTheResetInsideTheCandidate()
    {
        var model = OneUnitModel(CellKind.Gru, [1, 0.5, 2], [0.5, 1, -1], [0, 0, 0], [0, 0, 0.5]);
        var r = CliRunner.Run("explain", "--model", model, "--sequence", "0,0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("reset gate  r = σ(0 × 1 + 0 × 0.5 + 0) = σ(0) = 0.5", r.Out);
        Assert.Contains("candidate   n = tanh(0 × 2 + 0 + 0.5 × (0 × −1 + 0.5)) = tanh(0.25) = 0.244919", r.Out);
        Assert.Contains("hidden      h = (1 − z) × n + z × h' = (1 − 0.5) × 0.244919 + 0.5 × 0 = 0.122459", r.Out);
        var last = r.Out.Split('\n').Single(line => line.Contains("prediction for tomorrow"));
        double shown = double.Parse(last.Split(" = ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Predict(model, "0,0.5"), shown, 1e-5);
    }

    [Theory]
    [InlineData("torch_gru.safetensors", null, "r", "h'")]
    [InlineData("torch_lstm.safetensors", null, "f", "c'")]
    [InlineData("torch_rnn_tanh.safetensors", "rnn_tanh", "W_hh·h'+b_hh", "h = tanh(a)")]
    public void Explain_WiderLayers_PrintATablePerCopyAndLayer(string fixture, string? cell, string column1, string column2)
    {
        var input = PathOf("in.json");
        File.WriteAllText(input, "[[[0.1, 0.2], [0.3, -0.4], [1, 1]]]");
        var args = new List<string> { "explain", "--model", CliRunner.CoreFixture(fixture), "--input", input };
        if (cell is not null) args.AddRange(["--cell", cell]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n');
        var headers = lines.Where(l => l.TrimStart().StartsWith("layer 1 of 2", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, headers.Count);                               // one table per copy for layer 1
        Assert.Contains($" {column1} ", headers[0] + " ");
        Assert.Contains(column2, headers[0]);
        Assert.Equal(3 * 2 * 4, lines.Count(l => l.TrimStart().StartsWith("unit ", StringComparison.Ordinal)));   // copies × layers × units
        Assert.Single(lines, l => l.Contains("← the prediction for tomorrow"));
    }

    [Fact]
    public void Explain_InputWithSeveralSequences_ExplainsEachInTurn()
    {
        var r = CliRunner.RunWithInput("[[0, 0], [0, 0.5], [1, 0.5], [1, 1]]", "explain", "--model", "statquest", "--input", "-");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("═══ Sequence 4 of 4 ═══", r.Out);
        Assert.Equal(4, r.Out.Split('\n').Count(l => l.Contains("0.9 × 1.1 + 0 = 0.99") || l.Contains("0 × 1.1 + 0 = 0   ←")));
    }

    [Fact]
    public void Explain_Svg_DrawsOneCopyPerInputWithWeightsOnTheArrowsAsValidXml()
    {
        var svg = PathOf("unrolled.svg");
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence", "0,0.5,1", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        var doc = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", doc.Root!.Name);
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Equal(["copy 1", "copy 2", "copy 3"], texts.Where(t => t.StartsWith("copy ", StringComparison.Ordinal)));
        Assert.Equal(3, texts.Count(t => t == "w1 = 1.8"));
        Assert.Equal(2, texts.Count(t => t == "w2 = −0.5"));           // between copies 1–2 and 2–3
        Assert.Equal(3, texts.Count(t => t == "w3 = 1.1"));
        Assert.Contains("x = 0.9", texts);
        Assert.Contains("y = max(0, x) = 0.9", texts);
        Assert.Contains("0.9×1.1 + 0 = 0.99", texts);
        Assert.Single(texts, t => t == "prediction for tomorrow");
        Assert.Equal(2, texts.Count(t => t == "ignored"));
        Assert.True(new FileInfo(svg).Length < 20_000, "the drawing should stay small");
        Assert.Empty(doc.Descendants(ns + "script"));
        Assert.Empty(doc.Descendants(ns + "image"));
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void Explain_SvgOfGatedCells_ShowsTheGatesInEachCopy(CellKind cell)
    {
        var model = cell == CellKind.Lstm
            ? OneUnitModel(cell, [1.5, 0.25, 2, 1], [0.5, 0.5, -1, 0.5], [0, 1, 0, 0], [0, 0, 0, 0])
            : OneUnitModel(cell, [1, 0.5, 2], [0.5, 1, -1], [0, 0, 0], [0, 0, 0.5]);
        var svg = PathOf("gated.svg");
        var r = CliRunner.Run("explain", "--model", model, "--sequence", "0,0.5", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = XDocument.Load(svg).Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains(cell == CellKind.Lstm ? "i = 0.5, f = 0.7311" : "r = 0.5, z = 0.5", texts);
        Assert.Contains(cell == CellKind.Lstm ? "W_hh (i,f,g,o) = [0.5, 0.5, −1, 0.5]" : "W_hh (r,z,n) = [0.5, 1, −1]", texts);
        if (cell == CellKind.Lstm) Assert.Contains("c (× f)", texts);
    }

    [Fact]
    public void Explain_SvgOfAWideNetwork_NamesTheMatricesOnTheArrows()
    {
        var svg = PathOf("wide.svg");
        var r = CliRunner.RunWithInput("[[[0.1, 0.2], [0.3, 0.4]]]", "explain", "--model", CliRunner.CoreFixture("torch_lstm.safetensors"), "--input", "-", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = XDocument.Load(svg).Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("W_hh (16×4)", texts);
        Assert.Contains("layer 2", texts);
    }

    public static IEnumerable<object[]> BadArguments() =>
    [
        [new[] { "explain", "--model", "statquest" }, "--sequence 0,0.5"],
        [new[] { "explain", "--model", "statquest", "--sequence", "0", "--input", "x.json" }, "not both"],
        [new[] { "explain", "--model", "statquest", "--sequence", "0,abc" }, "'abc' (value 2) is not a number"],
        [new[] { "explain", "--model", "statquest", "--sequence", "0,,1" }, "value 2 is empty"],
        [new[] { "explain", "--model", "statquest", "--sequence", "1", "--cell", "elman" }, "--cell elman is not a cell"],
        [new[] { "explain", "--model", "missing.safetensors", "--sequence", "1" }, "missing.safetensors"],
        [new[] { "explain", "--model", "statquest", "--input", "missing.json" }, "does not exist"],
    ];

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Explain_BadArguments_OneClearLineAndExitCode2(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        r.AssertOneLineError(expected);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Explain_SequenceForAModelWithTwoFeatures_SaysToUseAJsonFile()
    {
        var r = CliRunner.Run("explain", "--model", CliRunner.CoreFixture("torch_gru.safetensors"), "--sequence", "1,2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("expects 2 features per step", r.Error);
        Assert.Contains("--input FILE", r.Error);
    }

    [Fact]
    public void Explain_SvgIntoAMissingFolder_IsRefusedBeforeAnythingIsWritten()
    {
        var svg = Path.Combine(_folder, "no", "such", "x.svg");
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence", "0,0.5", "--svg", svg);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Explain_SvgOfSeveralSequences_IsRefusedAndNoFileWritten()
    {
        var svg = PathOf("several.svg");
        var r = CliRunner.RunWithInput("[[0, 0.5], [1, 1]]", "explain", "--model", "statquest", "--input", "-", "--svg", svg);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--svg draws one sequence", r.Error);
        Assert.False(File.Exists(svg));
    }
}
