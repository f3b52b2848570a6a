using System.Net;
using System.Text;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Analysis;

namespace Unroll.Cli.Tests.Serve;

[Collection(ServeCollection.Name)]
public sealed class GradientsApiTests(ServeServer server)
{
    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetDouble()).ToArray();

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public async Task Example_PowerOfTwoW2_GivesExactlyW1TimesW2PowerTMinus1TimesW3(double w2)
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/gradients", new { mode = "example", w2, steps = 40 });
        Assert.Equal(HttpStatusCode.OK, status);
        var series = json.GetProperty("series").EnumerateArray().Single();
        var measured = Numbers(series.GetProperty("first_input_gradient"));
        var reference = Numbers(json.GetProperty("reference").GetProperty("values"));
        Assert.Equal(Enumerable.Range(1, 40).ToArray(), json.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        for (int t = 1; t <= 40; t++)
        {
            double expected = 1.8 * Math.Pow(w2, t - 1) * 1.1;     // every input is 1, so every ReLU stays active
            Assert.Equal(expected, measured[t - 1]);
            Assert.Equal(expected, reference[t - 1]);
        }
        Assert.Equal(w2 > 1 ? "explodes" : "vanishes", series.GetProperty("verdict").GetString());
        Assert.Contains(w2 > 1 ? "It explodes." : "It vanishes", series.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Compare_ReturnsTheFourCells_EqualToGradientFlowOnTheSameNetworks()
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/gradients", new { mode = "compare", hidden = 8, steps = 25, seed = 3, forget_bias = 2.0 });
        Assert.Equal(HttpStatusCode.OK, status);
        var series = json.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["rnn_relu", "rnn_tanh", "lstm", "gru"], series.Select(s => s.GetProperty("name").GetString()));
        var inputs = new Random(3);                          // RandomInputs: N steps uniform in [0, 1) from the seed
        var sequence = Enumerable.Range(0, 25).Select(_ => new[] { inputs.NextDouble() }).ToList();
        foreach (var s in series)
        {
            var cell = CellKinds.Parse(s.GetProperty("name").GetString()!);
            var network = RecurrentNetwork<double>.Create(new NetworkShape(cell, 1, 8), 3);
            if (cell is CellKind.Lstm or CellKind.Gru)
            {
                Array.Fill(network["rnn.bias_ih_l0"].Value, 2.0, 8, 8);    // the f (LSTM) or z (GRU) block
                Array.Fill(network["rnn.bias_hh_l0"].Value, 0.0, 8, 8);
            }
            var expected = GradientFlow.Measure(network, sequence);
            Assert.Equal(expected.FirstInputGradient.Select(g => g[0]).ToArray(), Numbers(s.GetProperty("first_input_gradient")));
            Assert.Equal(expected.ParameterGradientNorms["weight_hh"], Numbers(s.GetProperty("parameter_gradient_norms").GetProperty("weight_hh")));
            Assert.Contains(s.GetProperty("name").GetString() + ": at T = 25", s.GetProperty("summary").GetString());
        }
    }

    [Fact]
    public async Task Cell_OneRandomNetwork_HasOneSeries()
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/gradients", new { mode = "cell", cell = "lstm", hidden = 4, steps = 10 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lstm", json.GetProperty("series").EnumerateArray().Single().GetProperty("name").GetString());
        Assert.False(json.TryGetProperty("reference", out _));
    }

    [Fact]
    public async Task Example_ExplodingBeyondDouble_ComesBackAsTheStringInfinity()
    {
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/gradients", new StringContent("""{"mode":"example","w2":1e300,"steps":4}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"Infinity\"", text);
        var series = JsonDocument.Parse(text).RootElement.GetProperty("series")[0];
        Assert.Equal("Infinity", series.GetProperty("first_input_gradient")[3].GetString());
        Assert.Equal("explodes", series.GetProperty("verdict").GetString());
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests => new()
    {
        { """{"mode":"example","steps":10}""", HttpStatusCode.BadRequest, "needs \"w2\"" },
        { """{"mode":"sideways","steps":10}""", HttpStatusCode.BadRequest, "not one of example, cell or compare" },
        { """{"mode":"example","w2":2,"steps":0}""", HttpStatusCode.BadRequest, "outside 1 to 200" },
        { """{"mode":"example","w2":2,"steps":5000}""", HttpStatusCode.BadRequest, "--steps N' goes to 1000" },
        { """{"mode":"cell","cell":"transformer","steps":10}""", HttpStatusCode.BadRequest, "not one of rnn_relu" },
        { """{"mode":"cell","cell":"rnn_tanh","forget_bias":1,"steps":10}""", HttpStatusCode.BadRequest, "has no gates" },
        { """{"mode":"cell","cell":"gru","hidden":100000,"steps":10}""", HttpStatusCode.BadRequest, "outside 1 to 64" },
        { """{"mode":"compare","w2":2,"steps":10}""", HttpStatusCode.BadRequest, "drop w2" },
        { """{"mode":"example","w2":"two","steps":10}""", HttpStatusCode.BadRequest, "field 'w2' has the wrong type" },
        { """{"mode": """, HttpStatusCode.BadRequest, "not valid JSON" },
        { "", HttpStatusCode.BadRequest, "send a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_IsA4xxWithOneLine_AndTheServerKeepsServing(string body, HttpStatusCode expected, string contains)
    {
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/gradients", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", text);
        ServeServer.AssertError(expected, contains, (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone()));
        var (status, _) = await ServeServer.PostAsync(client, "/api/gradients", new { mode = "example", w2 = 2, steps = 3 });
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
