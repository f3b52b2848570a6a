using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Unroll.Cli.Serve;
using Unroll.Data.Csv;
using Unroll.Forecasting;

namespace Unroll.Cli.Tests.Serve;

/// <summary>The forecasting page's API: training on bundled and uploaded data with its loss streamed, the result against
/// the baselines and the engine's own predictions, cancelling, one run per session, and bad requests.</summary>
[Collection(ServeCollection.Name)]
public sealed class ForecastApiTests(ServeServer server)
{
    /// <summary>Small and quick: seconds on the bundled data.</summary>
    private static readonly object Quick = new { dataset = "stocks.csv", cell = "lstm", hidden = 8, epochs = 15, seed = 7 };

    [Fact]
    public async Task Training_OnBundledData_StreamsEpochsWhoseLossFalls()
    {
        using var client = server.NewClient();
        var started = await ServeServer.PostAsync(client, "/api/forecast/train", Quick);
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var events = await ReadEventsAsync(client);

        Assert.Equal("started", events[0].Kind);
        Assert.Equal(started.Json.GetProperty("job").GetString(), events[0].Data.GetProperty("job").GetString());
        var epochs = events.Where(e => e.Kind == "epoch").Select(e => e.Data).ToList();
        Assert.Equal(Enumerable.Range(1, epochs.Count), epochs.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.True(epochs.Count >= 2, $"{epochs.Count} epochs");
        double first = epochs[0].GetProperty("train_loss").GetDouble(), last = epochs[^1].GetProperty("train_loss").GetDouble();
        Assert.True(last < first, $"the training loss went from {first} to {last}");
        Assert.All(epochs, e => Assert.True(e.GetProperty("validation_loss").GetDouble() > 0));
        Assert.Equal("done", events[^1].Kind);
        Assert.Contains("Trained one lstm model on 5 series", events[^1].Data.GetProperty("message").GetString());
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());

        // A reconnect after the last event is told there is nothing more (204 stops EventSource); one from an earlier
        // event gets the rest.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/forecast/events"))
        {
            request.Headers.Add("Last-Event-ID", events[^1].Id);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var rest = await ReadEventsAsync(client, after: events[^3].Id);
        Assert.Equal(events.TakeLast(2).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task Result_HasEverySeriesWithForecastAndInterval_TheBaselines_AndAModelThatPredictsTheSame()
    {
        using var client = server.NewClient();
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", Quick)).Status);
        Assert.Equal("done", (await ReadEventsAsync(client))[^1].Kind);

        var (status, result) = await ServeServer.GetAsync(client, "/api/forecast/result");
        Assert.Equal(HttpStatusCode.OK, status);
        var data = CsvSeriesReader.Read(Path.Combine(AppContext.BaseDirectory, "data", "stocks.csv"));
        var series = result.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(data.Series.Select(s => s.Symbol), series.Select(s => s.GetProperty("symbol").GetString()));
        foreach (var s in series)
        {
            var forecast = s.GetProperty("forecast");
            var values = Doubles(forecast.GetProperty("values"));
            Assert.Single(values);
            var intervals = forecast.GetProperty("intervals").EnumerateArray().ToList();
            Assert.Equal([0.8, 0.95], intervals.Select(i => i.GetProperty("level").GetDouble()));
            foreach (var interval in intervals)
                for (int k = 0; k < values.Length; k++)
                    Assert.InRange(values[k], Doubles(interval.GetProperty("lower"))[k], Doubles(interval.GetProperty("upper"))[k]);
            Assert.StartsWith("<svg", s.GetProperty("forecast_chart").GetString());
            Assert.StartsWith("<svg", s.GetProperty("history_chart").GetString());
            var scores = s.GetProperty("scores");
            foreach (var method in new[] { "model", "naive", "seasonal_naive", "drift", "moving_average", "theta", "ets" })
                Assert.True(scores.TryGetProperty(method, out _), $"{s.GetProperty("symbol")} has no {method} scores: {scores}");
            Assert.True(scores.GetProperty("naive").GetProperty("mase").GetDouble() > 0);
        }
        Assert.Contains("naive", result.GetProperty("verdict").GetString());

        // The model file, saved and loaded back as 'unroll predict' would, forecasts what the page showed.
        using var response = await client.GetAsync("/api/forecast/model");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("stocks-lstm.safetensors", response.Content.Headers.ContentDisposition?.FileName);
        var folder = Directory.CreateTempSubdirectory("unroll-serve-test-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.safetensors");
            await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            var model = ModelBundle.Load(path);
            for (int i = 0; i < data.Series.Count; i++)
            {
                var predicted = model.Predict(data.Series[i], levels: [0.8, 0.95]);
                var served = series[i].GetProperty("forecast");
                Assert.Equal(Doubles(served.GetProperty("values")), predicted.Values, (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)));
                var upper = served.GetProperty("intervals")[1].GetProperty("upper");
                Assert.Equal(Doubles(upper), predicted.Intervals[1].Upper, (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Upload_IsReadInMemory_AndTrainsByItsId()
    {
        using var client = server.NewClient();
        var (status, info) = await UploadAsync(client, "sp500.csv", await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "sp500.csv")));
        Assert.Equal(HttpStatusCode.OK, status);
        var only = Assert.Single(info.GetProperty("series").EnumerateArray());
        Assert.Equal("sp500", only.GetProperty("name").GetString());
        Assert.Equal(123, only.GetProperty("points").GetInt32());
        Assert.Equal("monthly, season 12", only.GetProperty("frequency").GetString());

        var upload = info.GetProperty("upload").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", new { upload, hidden = 4, epochs = 3 })).Status);
        Assert.Equal("done", (await ReadEventsAsync(client))[^1].Kind);
        var (_, result) = await ServeServer.GetAsync(client, "/api/forecast/result");
        Assert.Equal("sp500.csv", result.GetProperty("dataset").GetString());

        // Another browser session cannot use this session's upload.
        using var other = server.NewClient();
        ServeServer.AssertError(HttpStatusCode.BadRequest, "no upload", await ServeServer.PostAsync(other, "/api/forecast/train", new { upload, epochs = 3 }));
    }

    [Fact]
    public async Task Cancel_StopsARunningTraining()
    {
        using var client = server.NewClient();
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", new { dataset = "stocks.csv", hidden = 64, epochs = 10000, patience = 10000 })).Status);
        var events = await ReadEventsAsync(client, stopAfterFirstEpoch: true);
        Assert.Equal("epoch", events[^1].Kind);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, reply) = await ServeServer.PostAsync(client, "/api/forecast/cancel", new { });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("cancelling", reply.GetProperty("state").GetString());
        var all = await ReadEventsAsync(client).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", all[^1].Kind);
        // The epoch in hand finishes, then the job ends: no walk through the test period (generous for a busy machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the cancelled event came {clock.Elapsed.TotalSeconds:0.0} s after the cancel");
        Assert.True(all.Count(e => e.Kind == "epoch") < 10000);
        ServeServer.AssertError(HttpStatusCode.Conflict, "cancelled", await ServeServer.GetAsync(client, "/api/forecast/result"));
        ServeServer.AssertError(HttpStatusCode.Conflict, "nothing to cancel", await ServeServer.PostAsync(client, "/api/forecast/cancel", new { }));
    }

    [Fact]
    public void CancelledJob_EndsCancelled_WithoutEvaluatingTheTestPeriod()
    {
        var (data, _) = ForecastApi.FindBundled("stocks.csv");
        var job = new ForecastJob("stocks.csv", data, new ForecastSettings { HiddenSize = 8, Epochs = 10000, Patience = 10000, TestFraction = 0.2 });
        job.Cancellation.Cancel();
        ForecastApi.Run(job);
        Assert.Equal(JobState.Cancelled, job.State);
        Assert.False(job.Evaluating);
        Assert.Null(job.Result);
        Assert.StartsWith("cancelled after", job.Message);
    }

    [Fact]
    public async Task SecondStart_InOneSession_Is409_WhileAnotherSessionMayStart_AndAThirdIs429()
    {
        using var client = server.NewClient();
        using var other = server.NewClient();
        var slow = new { dataset = "stocks.csv", hidden = 8, epochs = 5000, patience = 5000 };
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", slow)).Status);
        try
        {
            var second = await ServeServer.PostAsync(client, "/api/forecast/train", Quick);
            ServeServer.AssertError(HttpStatusCode.Conflict, "already running in this browser session: cancel it", second);
            ServeServer.AssertError(HttpStatusCode.Conflict, "still running", await ServeServer.GetAsync(client, "/api/forecast/result"));
            Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(other, "/api/forecast/train", slow)).Status);
            // Two run at once over the whole server (one per core of a small machine): a third session waits.
            using var third = server.NewClient();
            ServeServer.AssertError(HttpStatusCode.TooManyRequests, $"already running {ForecastSessions.MaxRunning} trainings",
                await ServeServer.PostAsync(third, "/api/forecast/train", Quick));
        }
        finally
        {
            foreach (var c in new[] { client, other })
            {
                await ServeServer.PostAsync(c, "/api/forecast/cancel", new { });
                await ReadEventsAsync(c).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
    }

    [Fact]
    public async Task Datasets_AreTheBundledFiles_WithTheCommandLinesDefaults()
    {
        var (status, reply) = await ServeServer.GetAsync(server.NewClient(), "/api/forecast/datasets");
        Assert.Equal(HttpStatusCode.OK, status);
        var datasets = reply.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(["stocks.csv", "sp500.csv"], datasets.Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(5, datasets[0].GetProperty("series").GetArrayLength());
        var defaults = new ForecastSettings();
        var options = reply.GetProperty("options");
        Assert.Equal("lstm", options.GetProperty("cell").GetString());
        Assert.Equal(defaults.HiddenSize.ToString(), options.GetProperty("hidden").GetString());
        Assert.Equal(defaults.Epochs.ToString(), options.GetProperty("epochs").GetString());
        Assert.Equal(defaults.Lookback.ToString(), options.GetProperty("lookback").GetString());
        Assert.Equal("0.2", options.GetProperty("test").GetString());
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "garbage.csv", "\u0001\u0089PNG\r\n\u001a\n\0\0\0\rIHDR\0\0\u0001\0,\u00ff\u00fe\0\0\n\u0002\u0003,\u0004\u0005\n" },
        { "names.csv", "date,name\n2020-01-01,a\n2020-01-02,b\n" },
        { "empty.csv", "" },
        { "dates.csv", "date,price\n2020-01-02,1\n2020-01-01,2\n" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadUpload_Is400_WithTheCommandLinesOwnLine_AndTheServerKeepsServing(string name, string content)
    {
        // The reference: what 'unroll train --data FILE' says about the same file (which names it by its path).
        var folder = Directory.CreateTempSubdirectory("unroll-serve-test-");
        string expected;
        try
        {
            var path = Path.Combine(folder.FullName, name);
            await File.WriteAllTextAsync(path, content, new UTF8Encoding(false));
            var cli = CliRunner.Run("train", "--data", path, "--out", Path.Combine(folder.FullName, "model.safetensors"));
            Assert.Equal(2, cli.ExitCode);
            expected = cli.Error.Trim()["error: ".Length..].Replace(path, name, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        using var client = server.NewClient();
        var reply = await UploadAsync(client, name, new UTF8Encoding(false).GetBytes(content));
        ServeServer.AssertError(HttpStatusCode.BadRequest, "", reply);
        Assert.Equal(expected, reply.Json.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ServeServer.GetAsync(client, "/api/forecast/datasets")).Status);
    }

    [Fact]
    public async Task UploadOver20MB_Is413_AndTheServerKeepsServing()
    {
        using var client = server.NewClient();
        var big = new byte[20 * 1024 * 1024 + 1];
        Array.Fill(big, (byte)'1');
        ServeServer.AssertError(HttpStatusCode.RequestEntityTooLarge, "larger than the server accepts (20 MB)", await UploadAsync(client, "big.csv", big));
        Assert.Equal(HttpStatusCode.OK, (await ServeServer.GetAsync(client, "/api/forecast/datasets")).Status);
    }

    [Theory]
    [InlineData("nope.csv")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("data/stocks.csv")]
    public async Task UnknownDataset_OrAPath_IsRefusedByName_NeverOpened(string dataset)
    {
        using var client = server.NewClient();
        var reply = await ServeServer.PostAsync(client, "/api/forecast/train", new { dataset, epochs = 1 });
        ServeServer.AssertError(HttpStatusCode.BadRequest, $"unknown dataset '{dataset}': choose one of stocks.csv, sp500.csv", reply);
        Assert.DoesNotContain("root:", reply.Json.ToString());
        ServeServer.AssertError(HttpStatusCode.NotFound, "no training in this browser session", await ServeServer.GetAsync(client, "/api/forecast/result"));
    }

    [Theory]
    [InlineData("epochs", "0")]
    [InlineData("hidden", "-1")]
    [InlineData("cell", "transformer")]
    [InlineData("lookback", "soon")]
    [InlineData("test", "0.95")]
    public async Task BadOption_Is400_WithTheCommandLinesOwnLine(string option, string value)
    {
        var cli = CliRunner.Run("backtest", "--data", Path.Combine(AppContext.BaseDirectory, "data", "stocks.csv"), $"--{option}", value);
        cli.AssertOneLineError($"--{option}");
        // The page has no --help to point at: the line is the command line's without its "(see 'unroll backtest --help')".
        string expected = System.Text.RegularExpressions.Regex.Replace(cli.Error.Trim()["error: ".Length..], @" \(see 'unroll backtest --help'\)$", "");

        using var client = server.NewClient();
        var body = new Dictionary<string, object> { ["dataset"] = "stocks.csv", [option] = double.TryParse(value, out var number) ? number : value };
        var reply = await ServeServer.PostAsync(client, "/api/forecast/train", body);
        ServeServer.AssertError(HttpStatusCode.BadRequest, "", reply);
        Assert.Equal(expected, reply.Json.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ServeServer.GetAsync(client, "/api/forecast/datasets")).Status);
    }

    [Fact]
    public async Task Training_TheDataCannotSupport_FailsWithTheCommandLinesLine()
    {
        var cli = CliRunner.Run("backtest", "--data", Path.Combine(AppContext.BaseDirectory, "data", "stocks.csv"), "--horizon", "40", "--epochs", "1");
        cli.AssertOneLineError("--horizon");
        using var client = server.NewClient();
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", new { dataset = "stocks.csv", horizon = 40, epochs = 1 })).Status);
        var events = await ReadEventsAsync(client);
        Assert.Equal("failed", events[^1].Kind);
        Assert.Equal(cli.Error.Trim()["error: ".Length..], events[^1].Data.GetProperty("error").GetString());
        ServeServer.AssertError(HttpStatusCode.Conflict, "the last training failed", await ServeServer.GetAsync(client, "/api/forecast/result"));
        Assert.Equal(HttpStatusCode.Accepted, (await ServeServer.PostAsync(client, "/api/forecast/train", new { dataset = "sp500.csv", hidden = 4, epochs = 2 })).Status);
        Assert.Equal("done", (await ReadEventsAsync(client))[^1].Kind);
    }

    [Fact]
    public async Task TrainingRequest_WithoutData_AsksForIt_AndWithBoth_SaysNotBoth()
    {
        using var client = server.NewClient();
        var neither = await ServeServer.PostAsync(client, "/api/forecast/train", new { });
        ServeServer.AssertError(HttpStatusCode.BadRequest, "name the data: \"dataset\" (one of stocks.csv, sp500.csv) or \"upload\"", neither);
        Assert.DoesNotContain("not both", neither.Json.GetProperty("error").GetString());
        var both = await ServeServer.PostAsync(client, "/api/forecast/train", new { dataset = "stocks.csv", upload = "abc" });
        ServeServer.AssertError(HttpStatusCode.BadRequest, "not both", both);
    }

    [Theory]
    [InlineData("{\"dataset\": \"stocks.csv\", \"colour\": \"red\"}", "unknown option 'colour'")]
    [InlineData("{\"dataset\": \"stocks.csv\", \"hidden\": 4096}", "at most 1024 hidden units")]
    [InlineData("{\"epochs\": 3}", "name the data")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("not json", "not JSON")]
    public async Task BadTrainingRequest_Is400_InOneLine(string body, string expected)
    {
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/forecast/train", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        ServeServer.AssertError(HttpStatusCode.BadRequest, expected, (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone()));
    }

    [Fact]
    public async Task NothingTrainedYet_Is404ForResultAndModel_And204ForEvents()
    {
        using var client = server.NewClient();
        foreach (var path in new[] { "/api/forecast/result", "/api/forecast/model" })
            ServeServer.AssertError(HttpStatusCode.NotFound, "no training in this browser session yet", await ServeServer.GetAsync(client, path));
        // The page follows the session's training on every load: with none, 204 stops EventSource without an error.
        using var events = await client.GetAsync("/api/forecast/events");
        Assert.Equal(HttpStatusCode.NoContent, events.StatusCode);
        Assert.Empty(await events.Content.ReadAsByteArrayAsync());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private sealed record Event(string Id, string Kind, JsonElement Data);

    /// <summary>Reads the session's events (after <paramref name="after"/>, as a reconnecting EventSource asks) until
    /// the run ends, or until the first epoch.</summary>
    private static async Task<List<Event>> ReadEventsAsync(HttpClient client, string? after = null, bool stopAfterFirstEpoch = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/forecast/events");
        if (after is not null) request.Headers.Add("Last-Event-ID", after);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<Event>();
        string? id = null, kind = null, data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && kind is not null)
            {
                events.Add(new Event(id!, kind, JsonDocument.Parse(data!).RootElement.Clone()));
                if (stopAfterFirstEpoch && kind == "epoch") return events;
                (id, kind, data) = (null, null, null);
            }
        }
        Assert.Contains(events[^1].Kind, new[] { "done", "cancelled", "failed" });
        return events;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> UploadAsync(HttpClient client, string name, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", name);
        using var response = await client.PostAsync("/api/forecast/upload", form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
