using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Analysis;
using Unroll.Core.Io;

namespace Unroll.Cli.Tests.Serve;

[Collection(ServeCollection.Name)]
public sealed class GatesApiTests(ServeServer server)
{
    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // Every row of the reply against the engine's own trace: row (gate, unit) at step t is Gates[g·H + unit].
    private static void AssertRowsMatch(JsonElement layer, IReadOnlyList<UnrolledStep> steps, CellKind cell, int hidden, int shown)
    {
        var rows = layer.GetProperty("rows").EnumerateArray().ToList();
        var gates = UnrolledTrace.GateNames(cell);
        int states = cell == CellKind.Lstm ? 2 : 1;
        Assert.Equal((gates.Count + states) * shown, rows.Count);
        foreach (var row in rows)
        {
            string name = row.GetProperty("name").GetString()!;
            int unit = row.GetProperty("unit").GetInt32();
            var expected = name switch
            {
                "c" => steps.Select(s => s.Cell![unit]),
                "h" => steps.Select(s => s.Hidden[unit]),
                _ => steps.Select(s => s.Gates[gates.ToList().IndexOf(name) * hidden + unit]),
            };
            Assert.Equal(expected.ToArray(), Numbers(row.GetProperty("values")));
            Assert.Equal(name is "i" or "f" or "o" or "r" or "z" ? "unit" : "signed", row.GetProperty("scale").GetString());
        }
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public async Task BundledCell_GateValues_EqualTheEnginesTrace(string model)
    {
        var (status, json) = await ServeServer.PostAsync(server.NewClient(), "/api/gates", new { model, sequence = "0, 0.5, 0.25, 1" });
        Assert.Equal(HttpStatusCode.OK, status);
        var network = model == "lstm" ? Examples.Lstm<double>() : Examples.Gru<double>();
        var trace = UnrolledTrace.Record(network, [[0.0], [0.5], [0.25], [1.0]]);
        var layer = json.GetProperty("layers").EnumerateArray().Single();
        AssertRowsMatch(layer, trace.Layers[0], network.Shape.Cell, 1, 1);
        Assert.Equal(trace.Prediction, Numbers(json.GetProperty("prediction")));
        Assert.Equal(model, json.GetProperty("model").GetProperty("cell").GetString());
        Assert.InRange(json.GetProperty("prediction")[0].GetDouble(), -0.05, 0.05);    // company A: day 5 low
    }

    [Fact]
    public async Task Upload_RealSafetensorsFile_IsTracedLayerByLayer_AndCapsTheUnitsShown()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-gates-");
        try
        {
            var network = RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 2, 20, 2), 5);
            var path = Path.Combine(folder.FullName, "two-layer.safetensors");
            ModelFile.Save(network, path);
            using var client = server.NewClient();
            var (status, json) = await UploadAsync(client, File.ReadAllBytes(path), "two-layer.safetensors");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(20, json.GetProperty("model").GetProperty("hidden_size").GetInt32());
            Assert.Equal(2, json.GetProperty("model").GetProperty("input_size").GetInt32());

            (status, json) = await ServeServer.PostAsync(client, "/api/gates", new { model = "upload", sequence = "0.1 0.2; 0.3 -0.4\n1, 2" });
            Assert.Equal(HttpStatusCode.OK, status);
            var trace = UnrolledTrace.Record(network, [[0.1, 0.2], [0.3, -0.4], [1.0, 2.0]]);
            var layers = json.GetProperty("layers").EnumerateArray().ToList();
            Assert.Equal(2, layers.Count);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(16, layers[l].GetProperty("units_shown").GetInt32());
                AssertRowsMatch(layers[l], trace.Layers[l], CellKind.Lstm, 20, 16);
            }
            Assert.Contains("first 16", json.GetProperty("notes")[0].GetString());

            // another browser session has no upload
            ServeServer.AssertError(HttpStatusCode.BadRequest, "no model has been uploaded", await ServeServer.PostAsync(server.NewClient(), "/api/gates", new { model = "upload", sequence = "1 2" }));
        }
        finally { folder.Delete(recursive: true); }
    }

    private static async Task<(HttpStatusCode, JsonElement)> UploadAsync(HttpClient client, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "model", name);
        using var response = await client.PostAsync("/api/gates/upload", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Upload_Garbage_IsRefusedInOneLine_AndTheServerKeepsServing()
    {
        using var client = server.NewClient();
        ServeServer.AssertError(HttpStatusCode.BadRequest, "notes.safetensors: not a safetensors model file (its first bytes are text: 'this is not a model at a...')", await UploadAsync(client, Encoding.UTF8.GetBytes("this is not a model at all, just words"), "notes.safetensors"));
        ServeServer.AssertError(HttpStatusCode.BadRequest, "stocks.csv: not a safetensors model file (its first bytes are text: 'symbol,date,", await UploadAsync(client, Encoding.UTF8.GetBytes("symbol,date,open,high,low,close,volume\nAAPL,2024-01-02,1,2,3,4,5\n"), "stocks.csv"));
        ServeServer.AssertError(HttpStatusCode.BadRequest, "not a valid safetensors model file", await UploadAsync(client, [255, 255, 255, 255, 0, 0, 0, 0, 1], "binary.safetensors"));
        var (status, _) = await ServeServer.PostAsync(client, "/api/gates", new { model = "lstm", sequence = "1" });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Upload_SafetensorsThatIsNoModel_NamesTheMissingTensor()
    {
        var bytes = SafeTensors.Serialize([new SafeTensor("weights", "F32", [2], [1.0, 2.0])], new Dictionary<string, string>());
        ServeServer.AssertError(HttpStatusCode.BadRequest, "is missing", await UploadAsync(server.NewClient(), bytes, "../../etc/other.safetensors"));
    }

    [Fact]
    public async Task Upload_AForecastingModel_SaysItsNumbersAreScaledUnits_NotPrices()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-gates-");
        try
        {
            var path = Path.Combine(folder.FullName, "prices.safetensors");
            ModelFile.Save(RecurrentNetwork<double>.Create(new NetworkShape(CellKind.Lstm, 1, 4), 2), path,
                new Dictionary<string, string> { ["forecast.scaling"] = "relative" });
            using var client = server.NewClient();
            Assert.Equal(HttpStatusCode.OK, (await UploadAsync(client, File.ReadAllBytes(path), "prices.safetensors")).Item1);
            var (status, json) = await ServeServer.PostAsync(client, "/api/gates", new { model = "upload", sequence = "0.1, 0.2" });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("prices.safetensors is a forecasting model", json.GetProperty("notes")[0].GetString());
            (status, json) = await ServeServer.PostAsync(client, "/api/gates", new { model = "lstm", sequence = "0.1, 0.2" });
            Assert.False(json.TryGetProperty("notes", out _));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public async Task Upload_AnRnn_IsRefused_BecauseItHasNoGates()
    {
        var folder = Directory.CreateTempSubdirectory("unroll-gates-");
        try
        {
            var path = Path.Combine(folder.FullName, "rnn.safetensors");
            ModelFile.Save(RecurrentNetwork<double>.Create(new NetworkShape(CellKind.RnnTanh, 1, 3), 1), path);
            ServeServer.AssertError(HttpStatusCode.BadRequest, "has no gates", await UploadAsync(server.NewClient(), File.ReadAllBytes(path), "rnn.safetensors"));
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public async Task Upload_Of25MB_Is413_AndTheServerKeepsServing()
    {
        using var client = server.NewClient();
        // Expect: 100-continue lets the server refuse by Content-Length before the body is sent; without it the server
        // answers 413 and closes while the client is still writing, which the client reports as a reset, not the reply.
        client.DefaultRequestHeaders.ExpectContinue = true;
        ServeServer.AssertError(HttpStatusCode.RequestEntityTooLarge, "larger than the server accepts", await UploadAsync(client, new byte[25 * 1024 * 1024], "huge.safetensors"));
        var (status, _) = await ServeServer.PostAsync(server.NewClient(), "/api/gates", new { model = "gru", sequence = "1" });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    public static TheoryData<object, string> BadRequests => new()
    {
        { new { model = "lstm", sequence = "0, zero, 1" }, "'zero' in the sequence is not a number" },
        { new { model = "lstm", inputs = new[] { new[] { 1.0, 2.0 } } }, "step 1 has 2 numbers, the model takes 1 input per step" },
        { new { model = "lstm", sequence = "" }, "the sequence has no steps" },
        { new { model = "lstm" }, "give the input sequence" },
        { new { model = "transformer", sequence = "1" }, "not one of lstm, gru or upload" },
        { new { model = "upload", sequence = "1" }, "no model has been uploaded" },
        { new { model = "gru", sequence = string.Join(",", Enumerable.Repeat("1", 201)) }, "at most 200" },
        { new { model = "gru", sequence = "1e999" }, "not a finite number" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_IsA400WithOneLine(object body, string contains)
    {
        using var client = server.NewClient();
        ServeServer.AssertError(HttpStatusCode.BadRequest, contains, await ServeServer.PostAsync(client, "/api/gates", body));
        var (status, _) = await ServeServer.PostAsync(client, "/api/gates", new { model = "lstm", sequence = "1, 0" });
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
