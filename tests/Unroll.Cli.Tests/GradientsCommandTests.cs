using System.Text.Json;
using System.Xml.Linq;

namespace Unroll.Cli.Tests;

public sealed class GradientsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-gradients-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonDocument Json(params string[] args)
    {
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, r.Error);
        return JsonDocument.Parse(r.Out);
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void Gradients_W2Two_AtFiftyStepsTheFirstInputGradientIsExactly2To49TimesTheFirst()
    {
        using var doc = Json("gradients", "--cell", "rnn_relu", "--w2", "2", "--steps", "50", "--json");
        var root = doc.RootElement;
        Assert.Equal(["lengths", "first_input_gradient", "parameter_gradient_norms"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Enumerable.Range(1, 50), root.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()));
        var g = Doubles(root.GetProperty("first_input_gradient"));
        Assert.Equal(50, g.Length);
        Assert.Equal(1.8 * 1.1, g[0], 1e-15);
        Assert.Equal(Math.Pow(2, 49), g[49] / g[0]);                 // exactly 562949953421312: exploding
        for (int t = 1; t < 50; t++) Assert.Equal(2.0, g[t] / g[t - 1]);
    }

    [Fact]
    public void Gradients_W2Half_AtFiftyStepsTheFirstInputGradientIsExactlyHalfTo49TimesTheFirst()
    {
        using var doc = Json("gradients", "--w2", "0.5", "--steps", "50", "--json");
        var g = Doubles(doc.RootElement.GetProperty("first_input_gradient"));
        Assert.Equal(Math.Pow(0.5, 49), g[49] / g[0]);               // exactly 1.7763568394002505e-15: vanishing
    }

    [Fact]
    public void Gradients_Json_HasANormPerParameterGroupAndLength()
    {
        using var doc = Json("gradients", "--w2", "0.5", "--steps", "20", "--json");
        var norms = doc.RootElement.GetProperty("parameter_gradient_norms");
        Assert.Equal(["weight_ih", "weight_hh", "bias", "head"], norms.EnumerateObject().Select(p => p.Name));
        foreach (var group in norms.EnumerateObject()) Assert.Equal(20, group.Value.GetArrayLength());
        Assert.Equal(0, norms.GetProperty("weight_hh")[0].GetDouble());           // one step: W_hh multiplies h₀ = 0
        Assert.Equal(1.1, norms.GetProperty("weight_ih")[0].GetDouble(), 1e-15);  // dy_1/dw1 = x·w3 = 1.1
        // With w2 = 0.5 the sums converge: dL/dw1 → 1.1·Σ 0.5^k = 2.2 while the first-input gradient vanishes.
        Assert.Equal(2.2, norms.GetProperty("weight_ih")[19].GetDouble(), 1e-5);
    }

    [Fact]
    public void Gradients_W2Text_NamesTheExactRatioAndTheVerdict()
    {
        var exploding = CliRunner.Run("gradients", "--w2", "2", "--steps", "50");
        Assert.True(exploding.ExitCode == 0, exploding.Error);
        Assert.Contains("At T = 50 the first-input gradient is 562949953421312 times its T = 1 value (w2^49 = 2^49 = 562949953421312). It explodes.", exploding.Out);
        Assert.Equal(50, exploding.Out.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s")));
        var vanishing = CliRunner.Run("gradients", "--w2", "0.5", "--steps", "50");
        Assert.Contains("1.7763568394002505e−15 times its T = 1 value", vanishing.Out);
        Assert.Contains("It vanishes", vanishing.Out);
        // A negative weight is bracketed before its power: −3^2 would read as −9.
        Assert.Contains("(w2^2 = (−3)^2 = 9)", CliRunner.Run("gradients", "--w2", "-3", "--steps", "3").Out);
    }

    [Theory]
    [InlineData("0.9", "It survives, but fades")]     // 0.9^49 ≈ 0.0057: shrunk 175-fold, not yet below 10⁻³
    [InlineData("1.05", "It survives, but grows")]    // 1.05^49 ≈ 10.9
    [InlineData("1", "It survives.")]
    public void Gradients_BetweenTheThresholds_SaysWhichWayItIsGoing(string w2, string expected)
    {
        var run = CliRunner.Run("gradients", "--w2", w2, "--steps", "50");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(expected, run.Out);
    }

    [Fact]
    public void Gradients_OverflowBeyondDouble_IsWrittenAsNullNotACrash()
    {
        using var doc = Json("gradients", "--w2", "4", "--steps", "600", "--json");
        var g = doc.RootElement.GetProperty("first_input_gradient");
        Assert.Equal(JsonValueKind.Number, g[500].ValueKind);
        Assert.Equal(JsonValueKind.Null, g[599].ValueKind);          // 1.98 · 4^599 > 1.8e308
    }

    [Fact]
    public void Gradients_Compare_RunsEveryCellOnTheSameLengthsAndTheTanhRnnVanishes()
    {
        using var doc = Json("gradients", "--compare", "--steps", "50", "--json");
        var cells = doc.RootElement.GetProperty("cells");
        Assert.Equal(["rnn_relu", "rnn_tanh", "lstm", "gru"], cells.EnumerateObject().Select(p => p.Name));
        var tanh = Doubles(cells.GetProperty("rnn_tanh").GetProperty("first_input_gradient"));
        Assert.True(Math.Abs(tanh[49] / tanh[0]) < 1e-6, $"tanh ratio {tanh[49] / tanh[0]}");
        foreach (var cell in cells.EnumerateObject())
            Assert.Equal(50, cell.Value.GetProperty("parameter_gradient_norms").GetProperty("weight_hh").GetArrayLength());
    }

    [Fact]
    public void Gradients_CompareWithAnOpenForgetGate_LstmAndGruGradientsSurviveWhereTheRnnsVanish()
    {
        using var doc = Json("gradients", "--compare", "--steps", "100", "--forget-bias", "3", "--json");
        var cells = doc.RootElement.GetProperty("cells");
        double Ratio(string cell)
        {
            var g = Doubles(cells.GetProperty(cell).GetProperty("first_input_gradient"));
            return Math.Abs(g[99] / g[0]);
        }
        Assert.True(Ratio("lstm") > 1e-3, $"lstm {Ratio("lstm")}");
        Assert.True(Ratio("gru") > 1e-3, $"gru {Ratio("gru")}");
        Assert.True(Ratio("rnn_tanh") < 1e-15, $"rnn_tanh {Ratio("rnn_tanh")}");
        Assert.True(Ratio("rnn_relu") < 1e-15, $"rnn_relu {Ratio("rnn_relu")}");
    }

    [Fact]
    public void Gradients_SameSeed_GivesTheSameNumbers()
    {
        var a = CliRunner.Run("gradients", "--cell", "lstm", "--hidden", "4", "--steps", "10", "--seed", "3", "--json");
        var b = CliRunner.Run("gradients", "--cell", "lstm", "--hidden", "4", "--steps", "10", "--seed", "3", "--json");
        var c = CliRunner.Run("gradients", "--cell", "lstm", "--hidden", "4", "--steps", "10", "--seed", "4", "--json");
        Assert.Equal(a.Out, b.Out);
        Assert.NotEqual(a.Out, c.Out);
    }

    [Fact]
    public void Gradients_Svg_IsAValidLogScalePlotWithTheEngineAndTheFormula()
    {
        var svg = Path.Combine(_folder, "w2.svg");
        var r = CliRunner.Run("gradients", "--w2", "2", "--steps", "50", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"Plotted to {svg}.", r.Out);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var doc = XDocument.Load(svg);
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("10⁰", texts);
        Assert.Contains("10¹⁴", texts);
        Assert.Contains("w1·w2^(T−1)·w3", texts);
        Assert.Contains("weight_hh", texts);
        Assert.Equal(2 + 4, doc.Descendants(ns + "polyline").Count());   // engine and formula; four parameter groups
        Assert.True(new FileInfo(svg).Length < 40_000, "the plot should stay small");
    }

    [Fact]
    public void Gradients_CompareSvg_HasALinePerCellInBothPanels()
    {
        var svg = Path.Combine(_folder, "compare.svg");
        var r = CliRunner.Run("gradients", "--compare", "--steps", "30", "--svg", svg, "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var _ = JsonDocument.Parse(r.Out);                          // --json output stays pure JSON with --svg
        XNamespace ns = "http://www.w3.org/2000/svg";
        var doc = XDocument.Load(svg);
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        foreach (var cell in new[] { "rnn_relu", "rnn_tanh", "lstm", "gru" }) Assert.Equal(2, texts.Count(t => t.StartsWith(cell, StringComparison.Ordinal)));
    }

    [Fact]
    public void Gradients_Svg_LabelsTheTopDecadeOfEachPanelAndTheLineAtOne()
    {
        var svg = Path.Combine(_folder, "w2-axes.svg");
        var r = CliRunner.Run("gradients", "--w2", "2", "--steps", "50", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var doc = XDocument.Load(svg);
        var texts = doc.Descendants(ns + "text").ToList();

        // The norms reach about 10¹⁷: the axis runs to 10¹⁸ and says so at its top, level with the frame's top edge.
        var frames = doc.Descendants(ns + "rect").Where(e => (string?)e.Attribute("fill") == "#fcfcfc").ToList();
        Assert.Equal(2, frames.Count);
        double top = (double)frames[1].Attribute("y")!;
        Assert.Contains(texts, t => t.Value == "10¹⁸" && Math.Abs((double)t.Attribute("y")! - (top + 4)) < 0.11);
        Assert.Contains(texts, t => t.Value == "10¹⁶" && Math.Abs((double)t.Attribute("y")! - ((double)frames[0].Attribute("y")! + 4)) < 0.11);
        // The darker line at 1 says what it marks, in each panel.
        Assert.Equal(2, doc.Descendants(ns + "line").Count(e => (string?)e.Attribute("stroke") == "#999"));
        Assert.Contains(texts, t => t.Value == "1: the output moves as much as the first input");
        Assert.Contains(texts, t => t.Value == "‖∇‖ = 1");
    }

    [Fact]
    public void GradientsCompare_Svg_LabelsBothEndsOfTheFirstInputAxis()
    {
        var svg = Path.Combine(_folder, "compare-axes.svg");
        var r = CliRunner.Run("gradients", "--compare", "--steps", "30", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var doc = XDocument.Load(svg);
        var frame = doc.Descendants(ns + "rect").First(e => (string?)e.Attribute("fill") == "#fcfcfc");
        double top = (double)frame.Attribute("y")!, bottom = top + (double)frame.Attribute("height")!;
        // The y tick labels of the first panel stand right of nothing but the frame: x = left − 6.
        double labelX = (double)frame.Attribute("x")! - 6;
        var labels = doc.Descendants(ns + "text").Where(t => Math.Abs((double)t.Attribute("x")! - labelX) < 0.11 && t.Value.StartsWith("10", StringComparison.Ordinal))
            .Select(t => (double)t.Attribute("y")! - 4).ToList();
        Assert.Contains(labels, y => Math.Abs(y - top) < 0.11);
        Assert.Contains(labels, y => Math.Abs(y - bottom) < 0.11);
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "1: the output moves as much as the first input");
    }

    [Theory]
    [InlineData("3")]        // explodes past double's range at T = 647
    [InlineData("0.475")]    // vanishes into subnormals
    public void Gradients_SvgAtTheEdgesOfDouble_DrawsEveryLineInsideItsPanel(string w2)
    {
        var svg = Path.Combine(_folder, $"edge-{w2}.svg");
        var r = CliRunner.Run("gradients", "--w2", w2, "--steps", "1000", "--svg", svg);
        Assert.True(r.ExitCode == 0, r.Error);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var doc = XDocument.Load(svg);
        var frames = doc.Descendants(ns + "rect").Where(e => (string?)e.Attribute("fill") == "#fcfcfc").ToList();
        double top = (double)frames[0].Attribute("y")!, bottom = top + (double)frames[0].Attribute("height")!;
        var ys = doc.Descendants(ns + "polyline").SelectMany(p => p.Attribute("points")!.Value.Split(' '))
            .Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(ys);
        Assert.All(ys, y => Assert.InRange(y, top - 3, bottom + 3));
    }

    public static IEnumerable<object[]> BadArguments() =>
    [
        [new[] { "gradients", "--steps", "10" }, "say what to measure"],
        [new[] { "gradients", "--cell", "lstm", "--steps", "0" }, "--steps expects a whole number from 1 to 1,000"],
        [new[] { "gradients", "--cell", "lstm", "--steps", "1001" }, "--steps expects a whole number from 1 to 1,000"],
        [new[] { "gradients", "--cell", "elman", "--steps", "5" }, "--cell elman is not a cell"],
        [new[] { "gradients", "--cell", "lstm", "--w2", "2", "--steps", "5" }, "not of a lstm"],
        [new[] { "gradients", "--w2", "2", "--hidden", "4", "--steps", "5" }, "--hidden 4 does not apply"],
        [new[] { "gradients", "--w2", "2", "--compare", "--steps", "5" }, "use one or the other"],
        [new[] { "gradients", "--compare", "--cell", "gru", "--steps", "5" }, "drop one of them"],
        [new[] { "gradients", "--cell", "rnn_tanh", "--forget-bias", "1", "--steps", "5" }, "has no gates"],
        [new[] { "gradients", "--cell", "gru", "--hidden", "0", "--steps", "5" }, "--hidden expects a whole number from 1 to 1,024"],
        [new[] { "gradients", "--w2", "NaN", "--steps", "5" }, "--w2 must be a finite number"],
    ];

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Gradients_BadArguments_OneClearLineAndExitCode2(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        r.AssertOneLineError(expected);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void Gradients_SvgIntoAMissingFolder_IsRefusedBeforeAnyWork()
    {
        var r = CliRunner.Run("gradients", "--w2", "2", "--steps", "5", "--svg", Path.Combine(_folder, "none", "x.svg"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Error);
        Assert.Equal("", r.Out);
    }
}
