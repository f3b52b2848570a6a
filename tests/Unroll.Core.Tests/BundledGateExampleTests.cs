using System.Text.Json;
using Unroll.Core.Analysis;

namespace Unroll.Core.Tests;

/// <summary>
/// The bundled one-unit LSTM and GRU (Examples.Lstm, Examples.Gru) against a plain double reference of the cell
/// equations written here, independent of the engine, and against PyTorch's outputs (fixtures/gate_examples.json).
/// </summary>
public class BundledGateExampleTests
{
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    // The worked example's gates, written as the example states them (weight on h', weight on x, bias).
    private static (double[] I, double[] F, double[] G, double[] O, double[] C, double[] H) LstmReference(IReadOnlyList<double> xs)
    {
        int n = xs.Count;
        double[] i = new double[n], f = new double[n], g = new double[n], o = new double[n], c = new double[n], h = new double[n];
        double hPrev = 0, cPrev = 0;
        for (int t = 0; t < n; t++)
        {
            double x = xs[t];
            f[t] = Sigmoid(2.70 * hPrev + 1.63 * x + 1.62);
            i[t] = Sigmoid(2.00 * hPrev + 1.65 * x + 0.62);
            g[t] = Math.Tanh(1.41 * hPrev + 0.94 * x - 0.32);
            o[t] = Sigmoid(4.38 * hPrev - 0.19 * x + 0.59);
            c[t] = f[t] * cPrev + i[t] * g[t];
            h[t] = o[t] * Math.Tanh(c[t]);
            (hPrev, cPrev) = (h[t], c[t]);
        }
        return (i, f, g, o, c, h);
    }

    // PyTorch's GRU equations with the stored weights: n's reset multiplies (W_hn·h' + b_hn).
    private static (double[] R, double[] Z, double[] N, double[] H) GruReference(IReadOnlyList<double> xs)
    {
        int n = xs.Count;
        double[] r = new double[n], z = new double[n], nn = new double[n], h = new double[n];
        double hPrev = 0;
        for (int t = 0; t < n; t++)
        {
            double x = xs[t];
            r[t] = Sigmoid(2.05 * x - 1.20 + (-5.37) * hPrev - 1.13);
            z[t] = Sigmoid(-6.03 * x + 3.72 + 6.53 * hPrev + 3.17);
            nn[t] = Math.Tanh(-1.54 * x - 0.47 + r[t] * (0.94 * hPrev - 1.26));
            h[t] = (1 - z[t]) * nn[t] + z[t] * hPrev;
            hPrev = h[t];
        }
        return (r, z, nn, h);
    }

    private static List<double[]> Steps(IReadOnlyList<double> xs) => xs.Select(x => new[] { x }).ToList();

    public static TheoryData<string> Companies => new() { "A", "B" };

    private static IReadOnlyList<double> Company(string name) => name == "A" ? Examples.CompanyA : Examples.CompanyB;

    [Theory]
    [MemberData(nameof(Companies))]
    public void Lstm_EveryGateAndState_MatchesThePlainReference(string company)
    {
        var xs = Company(company);
        var (i, f, g, o, c, h) = LstmReference(xs);
        var trace = UnrolledTrace.Record(Examples.Lstm<double>(), Steps(xs));
        for (int t = 0; t < xs.Count; t++)
        {
            var step = trace.Layers[0][t];
            double[] expected = [i[t], f[t], g[t], o[t]];
            for (int k = 0; k < 4; k++) TestData.Close(expected[k], step.Gates[k], 1e-14, 1e-15, $"company {company} step {t} gate {"ifgo"[k]}");
            TestData.Close(c[t], step.Cell![0], 1e-14, 1e-15, $"company {company} step {t} c");
            TestData.Close(h[t], step.Hidden[0], 1e-14, 1e-15, $"company {company} step {t} h");
        }
        TestData.Close(h[^1], trace.Prediction[0], 1e-14, 1e-15, "prediction = h (head weight 1, bias 0)");
    }

    [Theory]
    [MemberData(nameof(Companies))]
    public void Gru_EveryGateAndState_MatchesThePlainReference(string company)
    {
        var xs = Company(company);
        var (r, z, n, h) = GruReference(xs);
        var trace = UnrolledTrace.Record(Examples.Gru<double>(), Steps(xs));
        for (int t = 0; t < xs.Count; t++)
        {
            var step = trace.Layers[0][t];
            double[] expected = [r[t], z[t], n[t]];
            for (int k = 0; k < 3; k++) TestData.Close(expected[k], step.Gates[k], 1e-14, 1e-15, $"company {company} step {t} gate {"rzn"[k]}");
            TestData.Close(h[t], step.Hidden[0], 1e-14, 1e-15, $"company {company} step {t} h");
        }
        TestData.Close(-1.75 * h[^1] - 0.59, trace.Prediction[0], 1e-14, 1e-15, "prediction");
    }

    [Fact]
    public void Lstm_TellsCompanyAFromB_ByTheFirstDayAlone()
    {
        var network = Examples.Lstm<double>();
        var predictions = network.Predict([Steps(Examples.CompanyA), Steps(Examples.CompanyB)]);
        Assert.InRange(predictions[0][0], -0.05, 0.05);     // A: day 5 low (≈ 0.006)
        Assert.InRange(predictions[1][0], 0.95, 1.05);      // B: day 5 high (≈ 0.969)
    }

    [Fact]
    public void Gru_TellsCompanyAFromB_AfterRoundingToTwoDecimals()
    {
        var network = Examples.Gru<double>();
        var predictions = network.Predict([Steps(Examples.CompanyA), Steps(Examples.CompanyB)]);
        Assert.InRange(predictions[0][0], -0.05, 0.05);     // ≈ 0.007
        Assert.InRange(predictions[1][0], 0.95, 1.05);      // ≈ 1.009
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void BundledCell_MatchesPyTorch(string cell)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TorchFixture.PathOf("gate_examples.json")));
        var entry = doc.RootElement.GetProperty(cell);
        var network = cell == "lstm" ? Examples.Lstm<double>() : Examples.Gru<double>();
        foreach (var p in entry.GetProperty("params").EnumerateObject())
        {
            var flat = Flatten(p.Value).ToArray();
            Assert.Equal(flat, network[p.Name].Value);
        }
        foreach (var s in entry.GetProperty("sequences").EnumerateObject())
        {
            var xs = s.Value.GetProperty("inputs").EnumerateArray().Select(e => e.GetDouble()).ToList();
            var trace = UnrolledTrace.Record(network, Steps(xs));
            var hs = s.Value.GetProperty("h").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int t = 0; t < hs.Length; t++) TestData.Close(hs[t], trace.Layers[0][t].Hidden[0], 1e-12, 1e-14, $"{cell} {s.Name} h at step {t}");
            if (s.Value.TryGetProperty("c", out var cs))
            {
                var c = cs.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (int t = 0; t < c.Length; t++) TestData.Close(c[t], trace.Layers[0][t].Cell![0], 1e-12, 1e-14, $"{cell} {s.Name} c at step {t}");
            }
            TestData.Close(s.Value.GetProperty("prediction").GetDouble(), trace.Prediction[0], 1e-12, 1e-14, $"{cell} {s.Name} prediction");
        }
    }

    private static IEnumerable<double> Flatten(JsonElement e)
        => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];
}
