using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;
using Unroll.Core;
using Unroll.Cli.Commands;
using Unroll.Data;
using Unroll.Data.Csv;
using Unroll.Forecasting;
using Unroll.Forecasting.Reports;

namespace Unroll.Cli.Serve;

/// <summary>
/// The API behind forecast.html: the bundled data sets, CSV uploads read in memory, one background training per
/// browser session with its loss streamed as server-sent events, the result (each series' history, forecast and
/// intervals drawn by the report's charts, and the backtest against the baselines as <c>unroll backtest --json</c>
/// writes it), and the trained model file. Options are the command line's, parsed by its own option objects, so the
/// defaults, ranges and messages are the CLI's.
/// </summary>
internal static class ForecastApi
{
    /// <summary>The bundled data sets: chosen by name from this list, never by a path from the browser.</summary>
    public static IReadOnlyList<string> Bundled { get; } = ["stocks.csv", "sp500.csv"];

    /// <summary>The largest network the page trains; bigger ones belong on the command line.</summary>
    public const int MaxHidden = 1024, MaxLayers = 8, MaxEpochs = 10_000;

    /// <summary>The interval levels the page forecasts and scores (the command line's defaults).</summary>
    private static readonly double[] Levels = [0.8, 0.95];

    private static readonly Dictionary<string, Lazy<(SeriesSet Data, DatasetInfo Info)>> BundledData =
        Bundled.ToDictionary(name => name, name => new Lazy<(SeriesSet, DatasetInfo)>(() => ReadBundled(name)), StringComparer.Ordinal);

    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
        var sessions = new ForecastSessions();
        api.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(sessions.CancelAll);

        api.MapGet("/forecast/datasets", () => Results.Json(new
        {
            datasets = Bundled.Select(name => BundledData[name].Value.Info),
            options = OptionDefaults(),
            upload_limit_bytes = ServeOptions.DefaultUploadLimit,
        }, ServeApp.Json));
        api.MapPost("/forecast/upload", (Func<HttpContext, Task<IResult>>)(http => UploadAsync(http, sessions)));
        api.MapPost("/forecast/train", (Func<HttpContext, Task<IResult>>)(http => TrainAsync(http, sessions)));
        api.MapGet("/forecast/events", (HttpContext http) => EventsAsync(http, sessions));
        api.MapPost("/forecast/cancel", (HttpContext http) =>
        {
            var job = sessions.Job(Sessions.Of(http));
            if (job is not { Running: true })
                throw new ApiError(StatusCodes.Status409Conflict, "no training is running in this browser session, so there is nothing to cancel");
            job.Cancellation.Cancel();
            return Results.Json(new { state = "cancelling", job = job.Id }, ServeApp.Json, statusCode: StatusCodes.Status202Accepted);
        });
        api.MapGet("/forecast/result", (HttpContext http) => Results.Json(ResultJson(Finished(sessions, http)), ServeApp.Json));
        api.MapGet("/forecast/model", (HttpContext http) =>
        {
            var job = Finished(sessions, http);
            if (job.ModelRefused is { } why) throw new ApiError(StatusCodes.Status409Conflict, why);
            return Results.File(job.ModelFile(), "application/octet-stream", ModelFileName(job));
        });
    }

    // ---- data -----------------------------------------------------------------------------------------------------

    private static (SeriesSet, DatasetInfo) ReadBundled(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", name);
        var set = CsvSeriesReader.Read(path);
        return (set, DatasetInfo.Of(name, null, set, ReadOptions.Notes(set, MissingValues.Error).ToList()));
    }

    /// <summary>A bundled data set by its name in <see cref="Bundled"/>; any other name (a path included) is refused
    /// without touching the file system.</summary>
    internal static (SeriesSet Data, DatasetInfo Info) FindBundled(string name)
        => BundledData.TryGetValue(name, out var found) ? found.Value
            : throw ApiError.BadRequest($"unknown dataset '{Shorten(name)}': choose one of {string.Join(", ", Bundled)}, or upload a CSV file");

    /// <summary>The data options of train (--column, --features, --name, --symbol, --sort, --decimal, --missing,
    /// --date-column, --resample, --sum) as form fields of an upload, without --data.</summary>
    private static (Command Command, ForecastOptions Options) ReadCommand()
    {
        var options = new ForecastOptions();
        var command = new Command("upload");
        foreach (var o in options.DataOptions.Where(o => o != options.Data)) command.Add(o);
        return (command, options);
    }

    /// <summary>
    /// Reads a multipart upload (a "file" part and any data options as fields) into memory, never to disk, refusing
    /// more than <see cref="ServeOptions.UploadLimitBytes"/> with 413, and reads it as <c>unroll train --data</c>
    /// would read the file: a bad file gets the command line's own line.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, ForecastSessions sessions)
    {
        long limit = http.RequestServices.GetRequiredService<ServeOptions>().UploadLimitBytes;
        if (http.Request.ContentLength > limit + 64 * 1024) throw TooLarge();
        var boundary = http.Request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ? HeaderUtilities.RemoveQuotes(media.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
            throw ApiError.BadRequest("an upload is a multipart/form-data POST with the CSV file in a part named 'file'");

        var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = limit + 64 * 1024 };
        var fields = new List<string>();
        MemoryStream? file = null;
        string fileName = "upload.csv";
        while (await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
            string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (disposition.IsFileDisposition())
            {
                if (name != "file") throw ApiError.BadRequest($"unexpected file part '{Shorten(name)}': send the CSV file in a part named 'file'");
                fileName = SafeName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                file = new MemoryStream();
                await CopyLimitedAsync(section.Body, file, limit, http.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                using var text = new StreamReader(section.Body, Encoding.UTF8);
                string value = await text.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
                if (value.Length == 0) continue;
                fields.Add("--" + name.Replace('_', '-'));
                fields.Add(value);
            }
        }
        if (file is null) throw ApiError.BadRequest("the upload holds no file: send the CSV file in a part named 'file'");

        var (command, options) = ReadCommand();
        var parse = Parse(command, fields, "an upload");
        var csv = options.Reading.CsvOptions(parse, parse.GetValue(options.Column),
            parse.GetValue(options.Features) is { } features ? ForecastOptions.SplitList(features) : []);
        file.Position = 0;
        SeriesSet set;
        using (var text = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            set = CsvSeriesReader.Read(text, fileName, csv);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var info = DatasetInfo.Of(fileName, id, set, ReadOptions.Notes(set, csv.Missing).ToList());
        sessions.AddUpload(Sessions.Of(http), new Upload(id, set, info));
        return Results.Json(info, ServeApp.Json);
    }

    private static async Task CopyLimitedAsync(Stream from, Stream to, long limit, CancellationToken cancel)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit) throw TooLarge();
            await to.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
        }
    }

    private static ApiError TooLarge()
    {
        var (status, message) = ApiError.Describe(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge));
        return new ApiError(status, message);
    }

    /// <summary>The upload's file name without any folder, for messages and the series' name (never opened).</summary>
    private static string SafeName(string? name)
    {
        name = Path.GetFileName((name ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length > 100) name = name[..100];
        return name.Length == 0 || name is "." or ".." ? "upload.csv" : name;
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    // ---- training -------------------------------------------------------------------------------------------------

    /// <summary>The training options of <c>unroll backtest</c> (--cell, --hidden, … --season) and its --test.</summary>
    private static (Command Command, ForecastOptions Options, Option<double> Test) TrainCommand()
    {
        var options = new ForecastOptions();
        var test = Options.Fraction("--test", "Fraction at the end of each series to walk forward over", 0.2, 0, 0.9, minExclusive: true);
        var command = new Command("train");
        foreach (var o in options.TrainingOptions) command.Add(o);
        command.Add(test);
        return (command, options, test);
    }

    /// <summary>Every training option's default, as the page's form shows it (keys are the flags without "--").</summary>
    private static Dictionary<string, string?> OptionDefaults()
    {
        var (command, _, _) = TrainCommand();
        var parse = command.Parse([]);
        return command.Options.ToDictionary(o => o.Name.TrimStart('-'), o => Text(parse.GetResult(o)?.GetValueOrDefault<object?>()), StringComparer.Ordinal);

        static string? Text(object? value) => value switch
        {
            null => null,
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            Enum e => EnumName(e),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    private static string EnumName(Enum value) => value switch
    {
        Unroll.Core.CellKind c => SettingNames.Cells.Name(c),
        Unroll.Core.Training.OptimizerKind o => SettingNames.Optimizers.Name(o),
        ForecastStrategy s => SettingNames.Strategies.Name(s),
        TargetKind t => SettingNames.Targets.Name(t),
        TargetScaling s => SettingNames.Scalings.Name(s),
        _ => value.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses flags with the command line's own options; the first error is the command line's line.</summary>
    private static ParseResult Parse(Command command, IReadOnlyList<string> tokens, string what)
    {
        var known = command.Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i += 2)
            if (!known.Contains(tokens[i]))
                throw ApiError.BadRequest($"unknown option '{Shorten(tokens[i].TrimStart('-'))}' for {what}: the options are {string.Join(", ", known.Select(k => k.TrimStart('-')).Order())}");
        var parse = command.Parse(tokens.ToArray());
        if (parse.Errors.Count > 0) throw ApiError.BadRequest(parse.Errors[0].Message);
        return parse;
    }

    /// <summary>
    /// Starts a training in this browser session: {"dataset": a bundled name, or "upload": an upload's id, and any
    /// options of <c>unroll backtest</c> by their flag without "--" ("cell": "gru", "hidden": 16, "epochs": 30,
    /// "test": 0.2 …); options left out take the command line's defaults}. 202 with the run's id; 409 while one runs.
    /// </summary>
    private static async Task<IResult> TrainAsync(HttpContext http, ForecastSessions sessions)
    {
        string session = Sessions.Of(http);
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the request body is not JSON: {ApiError.ParserText(e)}");
        }
        if (body.ValueKind != JsonValueKind.Object)
            throw ApiError.BadRequest("the request body is a JSON object such as {\"dataset\": \"stocks.csv\", \"epochs\": 30}");

        string? dataset = null, upload = null;
        var tokens = new List<string>();
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "dataset") { dataset = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw ApiError.BadRequest("\"dataset\" is the name of a bundled CSV file, such as \"stocks.csv\""); continue; }
            if (property.Name == "upload") { upload = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw ApiError.BadRequest("\"upload\" is the id an upload answered with"); continue; }
            string? value = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "on",
                JsonValueKind.False => "off",
                _ => throw ApiError.BadRequest($"option '{Shorten(property.Name)}' must be a string or a number"),
            };
            if (value is null) continue;
            tokens.Add("--" + property.Name.Replace('_', '-'));
            tokens.Add(value);
        }
        string choices = $"\"dataset\" (one of {string.Join(", ", Bundled)}) or \"upload\" (the id an upload answered with)";
        if (dataset is null && upload is null) throw ApiError.BadRequest($"name the data: {choices}");
        if (dataset is not null && upload is not null) throw ApiError.BadRequest($"name the data once: {choices}, not both");

        var (command, options, test) = TrainCommand();
        var parse = Parse(command, tokens, "a training");
        var settings = options.Settings(parse, parse.GetValue(test));
        if (settings.HiddenSize > MaxHidden) throw OnCommandLine($"--hidden {settings.HiddenSize}", $"at most {MaxHidden} hidden units");
        if (settings.Layers > MaxLayers) throw OnCommandLine($"--layers {settings.Layers}", $"at most {MaxLayers} layers");
        if (settings.Epochs > MaxEpochs) throw OnCommandLine($"--epochs {settings.Epochs}", $"at most {MaxEpochs} epochs");

        SeriesSet data;
        string name;
        if (dataset is not null)
        {
            (data, var info) = FindBundled(dataset);
            name = info.Name;
        }
        else
        {
            var found = sessions.FindUpload(session, upload!)
                ?? throw ApiError.BadRequest($"no upload '{Shorten(upload!)}' in this browser session (uploads are kept for the session, the latest {ForecastSessions.MaxUploads}): upload the file again");
            (data, name) = (found.Data, found.Info.Name);
        }

        var job = new ForecastJob(name, data, settings);
        sessions.Start(session, job);
        job.Add("started", new
        {
            job = job.Id,
            dataset = name,
            epochs = settings.Epochs,
            series = data.Series.Select(s => s.Symbol),
            settings = settings.Describe().Select(s => new { name = s.Name, value = s.Value }),
        });
        _ = Task.Run(() => Run(job));
        return Results.Json(new { job = job.Id, dataset = name, epochs = settings.Epochs, events = "/api/forecast/events" }, ServeApp.Json, statusCode: StatusCodes.Status202Accepted);

        static ApiError OnCommandLine(string given, string most)
            => ApiError.BadRequest($"{given} is more than this page trains ({most}): train it from the command line with 'unroll train {given} --data FILE'");
    }

    /// <summary>Runs the backtest training as <c>unroll backtest</c> does and ends the job with its outcome, worded as
    /// the command line words it.</summary>
    /// <remarks>Trains first and evaluates only an uncancelled run: a cancel ends the job as soon as the epoch in hand
    /// is done, without walking the test period forward (which takes longer than an epoch for a large network).</remarks>
    internal static void Run(ForecastJob job)
    {
        try
        {
            var backtest = new BacktestOptions { Levels = Levels };
            var fit = Backtester.Train(job.Data, job.Settings, new EpochEvents(job), job.Cancellation.Token, null, backtest);
            if (job.Cancellation.IsCancellationRequested || fit.Stop == StopReason.Cancelled)
            {
                job.Finish(JobState.Cancelled, $"cancelled after {Epochs(fit.History.Count)}: nothing was kept; start another training when ready");
                return;
            }
            job.Evaluating = true;
            var result = Backtester.Score(fit, job.Data, job.Settings, backtest);
            var context = new CliContext(TextReader.Null, TextWriter.Null, TextWriter.Null);
            var warnings = new List<string>();
            string? refused = null;
            if (TrainingOutcome.Failure(fit, job.Settings, debugNumerics: false, context) is { } failure)
            {
                if (fit.BestEpoch == 0)
                {
                    job.Finish(JobState.Failed, $"{failure}; there is no trained model to backtest");
                    return;
                }
                warnings.Add(TrainingOutcome.Failure(fit, job.Settings, debugNumerics: false, context, $"the scores below are of epoch {fit.BestEpoch}'s weights, which 'unroll train' would not save")!);
                refused = $"{failure}: the model is not offered for download, as 'unroll train' would not save it";
            }
            if (TrainingOutcome.Warning(fit, job.Settings, debugNumerics: false) is { } warning) warnings.Add(warning);
            string how = fit.Stop switch
            {
                StopReason.EarlyStopped => $"stopped early after {Epochs(fit.History.Count)}: the validation loss had not improved for {job.Settings.Patience}",
                StopReason.Diverged => $"stopped after {Epochs(fit.History.Count)}: training diverged",
                _ => $"ran all {Epochs(fit.History.Count)}",
            };
            job.Finish(JobState.Done, $"Trained one {job.Settings.Cell.ToName()} model on {data(job)}: {how}; kept the weights of epoch {fit.BestEpoch}.", result, warnings, refused);
        }
        catch (Exception e)
        {
            job.Finish(JobState.Failed, ApiError.Describe(e).Message);
        }

        static string data(ForecastJob job) => job.Data.Series.Count == 1 ? "1 series" : $"{job.Data.Series.Count} series";
    }

    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n} epochs";

    /// <summary>One "epoch" event per epoch, from the training thread.</summary>
    private sealed class EpochEvents(ForecastJob job) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) => job.Add("epoch", new
        {
            epoch = p.Epoch,
            epochs = p.Epochs,
            train_loss = p.TrainLoss,
            validation_loss = p.ValidationLoss,
            gradient_norm = p.GradientNorm,
            is_best = p.IsBest,
            elapsed_seconds = p.Elapsed.TotalSeconds,
        });
    }

    /// <summary>
    /// The session's training as server-sent events: "started", one "epoch" per epoch, then "done", "cancelled" or
    /// "failed" (each event's data one line of JSON). A reconnect (Last-Event-ID, as EventSource sends it) resumes
    /// after the last event it saw; once the run has ended and every event was seen, or when the session has no run
    /// yet (the page asks on every load), 204 tells EventSource to stop quietly.
    /// </summary>
    private static async Task EventsAsync(HttpContext http, ForecastSessions sessions)
    {
        if (sessions.Job(Sessions.Of(http)) is not { } job)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        int after = 0;
        string? last = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? http.Request.Query["after"].FirstOrDefault();
        if (last?.Split(':') is [var id, var number] && id == job.Id && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) after = n;
        if (!job.Running && after >= job.LastEventId)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var abort = http.RequestAborted;
        try
        {
            await http.Response.WriteAsync("retry: 1000\n\n", abort).ConfigureAwait(false);
            while (true)
            {
                var (events, ended, next) = job.Since(after);
                var text = new StringBuilder();
                foreach (var e in events)
                {
                    text.Append("id: ").Append(job.Id).Append(':').Append(e.Id).Append("\nevent: ").Append(e.Kind)
                        .Append("\ndata: ").Append(JsonSerializer.Serialize(e.Data, ServeApp.Json)).Append("\n\n");
                    after = e.Id;
                }
                if (text.Length > 0) await http.Response.WriteAsync(text.ToString(), abort).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(abort).ConfigureAwait(false);
                if (ended && after >= job.LastEventId) return;
                // A comment every 15 seconds keeps proxies and the browser from timing the stream out.
                if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(15), abort)).ConfigureAwait(false) != next)
                    await http.Response.WriteAsync(": still training\n\n", abort).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The page went away (or reconnects): nothing to answer.
        }
    }

    // ---- result ---------------------------------------------------------------------------------------------------

    /// <summary>The session's finished training, or one line (404, 409) on why there is none.</summary>
    private static ForecastJob Finished(ForecastSessions sessions, HttpContext http)
    {
        var job = sessions.Job(Sessions.Of(http))
            ?? throw new ApiError(StatusCodes.Status404NotFound, "no training in this browser session yet: start one with POST /api/forecast/train");
        return job.State switch
        {
            JobState.Done => job,
            JobState.Running => throw new ApiError(StatusCodes.Status409Conflict, "the training is still running: wait for its 'done' event (GET /api/forecast/events), or cancel it"),
            JobState.Cancelled => throw new ApiError(StatusCodes.Status409Conflict, $"the last training was {job.Message.Split(':')[0]}, so there is no result: start another"),
            _ => throw new ApiError(StatusCodes.Status409Conflict, $"the last training failed, so there is no result: {job.Message}"),
        };
    }

    /// <summary>
    /// The result: what was trained and how it went, the verdict against the naive forecast, and per series the
    /// report's two charts (its history with the backtest's forecasts, and its last values with the forecast past its
    /// end and the intervals) as SVG, the forecast's numbers, and the backtest's scores as <c>unroll backtest --json</c>
    /// writes them (<c>backtest</c>).
    /// </summary>
    private static object ResultJson(ForecastJob job)
    {
        var result = job.Result!;
        var fit = result.Fit!;
        var backtest = BacktestCommand.ToJson(result);
        var seriesJson = backtest["series"]!.AsArray();
        return new
        {
            job = job.Id,
            dataset = job.Dataset,
            message = job.Message,
            warnings = job.Warnings,
            notes = fit.Notes.Concat(fit.Excluded.Values.Select(why => $"{why}; the classical methods forecast it")),
            settings = job.Settings.Describe().Select(s => new { name = s.Name, value = s.Value }),
            history = fit.History.Select(h => new { epoch = h.Epoch, train_loss = h.TrainLoss, validation_loss = h.ValidationLoss }),
            best_epoch = fit.BestEpoch,
            horizon = result.Horizon,
            levels = result.Levels,
            methods = BacktestResult.Methods.Select(m => m.Name()),
            verdict = NaiveComparison.Of(result.Overall).Verdict(result.Horizon),
            ranking = MethodRanking.Of(result).Sentence(result),
            model = job.ModelRefused is null ? "/api/forecast/model" : null,
            model_refused = job.ModelRefused,
            model_file = ModelFileName(job),
            series = result.Series.Select((s, i) => new
            {
                symbol = s.Symbol,
                points = s.Series.Length,
                first = Timestamps.Format(s.Series.Dates[0]),
                last = Timestamps.Format(s.Series.Dates[^1]),
                frequency = s.Frequency,
                test_start = Timestamps.Format(s.Series.Dates[s.TestStart]),
                origins = s.Origins.Count,
                forecast = s.Future.TryGetValue(ForecastMethod.Model, out var f) ? new
                {
                    dates = s.FutureDates?.Select(Timestamps.Format),
                    values = f.Mean,
                    intervals = f.Intervals.Select(interval => new { level = interval.Level, lower = interval.Lower, upper = interval.Upper }),
                } : null,
                forecast_chart = BacktestReport.FutureChart(result, s)?.Render(),
                history_chart = BacktestReport.HistoryChart(result, s).Render(),
                scores = seriesJson[i],
            }),
            overall = backtest["overall"],
        };
    }

    /// <summary>"stocks-lstm.safetensors": the data's name and the cell, in letters, digits, '-' and '_' only.</summary>
    private static string ModelFileName(ForecastJob job)
    {
        string stem = new(Path.GetFileNameWithoutExtension(job.Dataset).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"{(stem.Length == 0 ? "model" : stem)}-{job.Settings.Cell.ToName()}.safetensors";
    }
}
