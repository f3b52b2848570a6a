using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Unroll.Charts;

namespace Unroll.Cli.Tests;

/// <summary>Every option is checked as it is parsed; bad data and damaged files are one line; bugs are internal errors, never stack traces.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-bad-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static string Stocks => CliRunner.RepoFile("data", "stocks.csv");

    private static string Sine(int count = 90) => "symbol,date,price\n" + string.Concat(Enumerable.Range(0, count).Select(i =>
        FormattableString.Invariant($"A,{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{50 + 10 * Math.Sin(i / 3.0)}\n")));

    public static IEnumerable<object[]> BadOptions() =>
    [
        [new[] { "--epochs", "0" }, "--epochs expects a whole number from 1 to 1,000,000, got 0"],
        [new[] { "--epochs", "99999999999" }, "--epochs expects a whole number from 1 to 1,000,000, got 99999999999"],
        [new[] { "--epochs", "ten" }, "--epochs expects a whole number from 1 to 1,000,000, got 'ten'"],
        [new[] { "--epochs", "2.5" }, "--epochs expects a whole number"],
        [new[] { "--hidden", "-3" }, "--hidden expects a whole number from 1 to 16,384, got -3"],
        [new[] { "--layers", "0" }, "--layers expects a whole number from 1 to 64"],
        [new[] { "--batch", "0" }, "--batch expects a whole number"],
        [new[] { "--lookback", "0" }, "--lookback expects a whole number of steps from 1 to 100,000 or 'all', got '0'"],
        [new[] { "--lookback", "some" }, "--lookback expects a whole number of steps"],
        [new[] { "--horizon", "0" }, "--horizon expects a whole number from 1 to 10,000"],
        [new[] { "--patience", "0" }, "--patience expects a whole number"],
        [new[] { "--lr", "0" }, "--lr must be a positive number, got 0"],
        [new[] { "--lr", "-0.1" }, "--lr must be a positive number, got -0.1"],
        [new[] { "--lr", "NaN" }, "--lr must be a finite number, got NaN"],
        [new[] { "--lr", "Infinity" }, "--lr must be a finite number, got Infinity"],
        [new[] { "--lr", "fast" }, "--lr expects a number such as 0.01, got 'fast'"],
        [new[] { "--clip", "-1" }, "--clip must be 0 or a positive number, got -1"],
        [new[] { "--clip", "NaN" }, "--clip must be a finite number, got NaN"],
        [new[] { "--val", "1.5" }, "--val must be a fraction from 0 up to below 0.9, got 1.5"],
        [new[] { "--val", "-0.1" }, "--val must be a fraction"],
        [new[] { "--seed", "3000000000" }, "--seed expects a whole number from 0 to 2,147,483,647, got 3000000000"],
        [new[] { "--optimizer", "rmsprop" }, "--optimizer 'rmsprop' is not one of sgd, momentum, adam or adamw"],
        [new[] { "--strategy", "both" }, "--strategy 'both' is not one of recursive or direct"],
        [new[] { "--target", "level" }, "--target 'level' is not one of price, return or logreturn"],
        [new[] { "--scaling", "log" }, "--scaling 'log' is not one of relative, minmax, zscore or difference"],
        [new[] { "--decimal", ";" }, "--decimal ';' is not one of . or ,"],
        [new[] { "--checkpoint-every", "0" }, "--checkpoint-every expects a whole number"],
        [new[] { "--checkpoint-every", "2" }, "--checkpoint-every needs --checkpoint FILE"],
        [new[] { "--threads", "0" }, "--threads expects a whole number from 1 to 1,024, got 0"],
        [new[] { "--threads", $"{Environment.ProcessorCount + 1}" }, $"--threads {Environment.ProcessorCount + 1} is more than the {Environment.ProcessorCount} core(s) of this machine: give at most"],
    ];

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Train_BadOption_IsOneLineBeforeAnyWorkAndWritesNothing(string[] option, string expected)
    {
        var model = PathOf("m.safetensors");
        var r = CliRunner.Run(["train", "--data", Stocks, "--out", model, .. option]);
        r.AssertOneLineError(expected);
        Assert.False(File.Exists(model));
    }

    public static IEnumerable<object[]> BadOptionsOtherCommands() =>
    [
        [new[] { "backtest", "--data", "d.csv", "--test", "0" }, "--test must be a fraction above 0 and below 0.9, got 0"],
        [new[] { "backtest", "--data", "d.csv", "--test", "0.95" }, "--test must be a fraction above 0 and below 0.9, got 0.95"],
        [new[] { "predict", "--model", "m", "--data", "d.csv", "--horizon", "0" }, "--horizon expects a whole number from 1 to 10,000, got 0"],
        [new[] { "demo", "--epochs", "-1" }, "--epochs expects a whole number"],
        [new[] { "train-example", "--lr", "-1" }, "--lr must be a positive number"],
        [new[] { "train-example", "--epochs", "1e3" }, "--epochs expects a whole number"],
        [new[] { "gradients", "--cell", "lstm", "--steps", "5", "--forget-bias", "NaN" }, "--forget-bias must be a finite number, got NaN"],
        [new[] { "gradients", "--w2", "Infinity", "--steps", "5" }, "--w2 must be a finite number"],
        [new[] { "bench", "--threads", "0" }, "--threads expects a whole number from 1 to 1,024"],
        [new[] { "bench", "--threads", $"{Environment.ProcessorCount + 1}" }, $"--threads {Environment.ProcessorCount + 1} is more than the "],
        [new[] { "predict", "--model", "m", "--data", "d.csv", "--threads", $"{Environment.ProcessorCount + 1}" }, $"--threads {Environment.ProcessorCount + 1} is more than the "],
        [new[] { "backtest", "--data", "d.csv", "--threads", "two" }, "--threads expects a whole number from 1 to 1,024, got 'two'"],
        [new[] { "demo", "--threads", $"{Environment.ProcessorCount + 1}" }, $"--threads {Environment.ProcessorCount + 1} is more than the "],
        [new[] { "run", "--model", "statquest", "--input", "-", "--threads", "0" }, "--threads expects a whole number from 1 to 1,024, got 0"],
        [new[] { "serve", "--threads", $"{Environment.ProcessorCount + 1}" }, $"--threads {Environment.ProcessorCount + 1} is more than the "],
        [new[] { "explain", "--model", "statquest", "--sequence", "0,1", "--threads", "1" }, "unknown option '--threads' for 'unroll explain'"],
        [new[] { "gradients", "--compare", "--svg", "x.svg" }, "--steps"],
        [new[] { "bench", "--cell", "elman" }, "--cell 'elman' is not one of rnn_relu, rnn_tanh, lstm or gru"],
    ];

    [Theory]
    [MemberData(nameof(BadOptionsOtherCommands))]
    public void OtherCommands_BadOption_IsOneLine(string[] args, string expected)
        => CliRunner.Run(args).AssertOneLineError(expected);

    [Theory]
    [InlineData("--hidden", "4096", "--seq", "1000", "--batch", "1000", "16,384,000,000 values in one array, more than .NET's arrays hold")]
    [InlineData("--hidden", "4096", "--seq", "100000", "--batch", "100000", "more than .NET's arrays hold")]
    public void Bench_AWorkloadNoArrayCanHold_IsOneLineBeforeAnyWork(string a, string b, string c, string d, string e, string f, string expected)
        => CliRunner.Run("bench", a, b, c, d, e, f, "--threads", "1").AssertOneLineError(expected);

    [Fact]
    public void Bench_ASmallWorkloadsMemory_IsShownInSignificantDigits()
    {
        var r = CliRunner.Run("bench", "--hidden", "8", "--seq", "5", "--batch", "4", "--threads", "1", "--repeats", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Matches(@"the 0\.00917 MB BPTT must keep", r.Out);   // 5 × 4 × 8 × 6 activations and four floats a parameter
    }

    [Fact]
    public void CellOrMap_ForAModelThatIsNoStateDict_IsRefused_RatherThanIgnored()
    {
        var input = PathOf("s.json");
        File.WriteAllText(input, "[[0, 0.5]]");
        var onnx = PathOf("m.onnx");
        Assert.Equal(0, CliRunner.Run("export-onnx", "--model", "statquest", "--out", onnx).ExitCode);

        CliRunner.Run("run", "--model", "statquest", "--input", input, "--cell", "lstm")
            .AssertOneLineError("--cell says how to read a safetensors model file's tensors, and 'statquest' is the built-in example: leave --cell out");
        CliRunner.Run("run", "--model", onnx, "--input", input, "--map", "a.=b.")
            .AssertOneLineError("m.onnx is an ONNX model, whose graph names its cell and tensors: leave --map out");
        CliRunner.Run("explain", "--model", "statquest", "--sequence", "0,0.5", "--cell", "gru").AssertOneLineError("leave --cell out");
        CliRunner.Run("export-onnx", "--model", "statquest", "--out", PathOf("x.onnx"), "--map", "a.=b.").AssertOneLineError("leave --map out");
        Assert.False(File.Exists(PathOf("x.onnx")));
        Assert.Equal(0, CliRunner.Run("run", "--model", onnx, "--input", input).ExitCode);
    }

    [Theory]
    [InlineData("[[0, 0.5]] trailing", "standard input is not valid JSON at line 1, column 12: text follows the array of sequences; the input is that one array")]
    [InlineData("[[0, 0.5]] [[1]]", "column 12: text follows the array of sequences")]
    [InlineData("[[0, 0.5]", "expected an array of sequences such as [[0, 0.5], [1, 1]]")]
    public void Run_InputThatIsNotOneJsonArray_SaysWhatIsWrongWithIt(string input, string expected)
        => CliRunner.RunWithInput(input, "run", "--model", "statquest", "--input", "-").AssertOneLineError(expected);

    [Fact]
    public void Train_HugeLearningRate_StopsNamingTheFixAndWritesNoModel()
    {
        var model = PathOf("m.safetensors");
        File.Copy(CliRunner.CoreFixture("torch_lstm.safetensors"), model);   // an older model
        var older = File.ReadAllBytes(model);
        var r = CliRunner.Run("train", "--data", Stocks, "--out", model, "--lr", "1e10", "--epochs", "5");
        Assert.Equal(1, r.ExitCode);
        var lines = r.Error.Trim().Split('\n');
        Assert.StartsWith("error: training diverged at epoch 1, batch ", lines[^1]);
        Assert.Contains("over 1000 times the initial weights'", lines[^1]);
        Assert.Contains("Lower --lr (it was 1e+10)", lines[^1]);
        Assert.Contains("was not written", lines[^1]);
        Assert.Equal(older, File.ReadAllBytes(model));
    }

    [Fact]
    public void Train_DebugNumerics_NamesWhereTheFirstNonFiniteValueAppears()
    {
        var r = CliRunner.Run("train", "--data", Stocks, "--out", PathOf("m.safetensors"), "--lr", "1e10", "--optimizer", "sgd", "--clip", "0", "--debug-numerics");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("(first non-finite value: ", r.Error);
        Assert.DoesNotContain("--debug-numerics shows", r.Error);
    }

    [Fact]
    public void Train_NothingLearned_SaysSoAndWritesNoModel()
    {
        // One epoch on two random-walk stocks does not beat the untrained network (about the naive forecast).
        var model = PathOf("m.safetensors");
        var r = CliRunner.Run("train", "--data", Stocks, "--symbol", "MSFT,IBM", "--out", model, "--epochs", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: after 1 epoch no epoch's weights beat the initial weights' validation loss", r.Error);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Backtest_NothingLearned_ScoresTheTrainedWeightsAndWarnsThatTrainWouldNotSaveThem()
    {
        var r = CliRunner.Run("backtest", "--data", Stocks, "--symbol", "GOOG", "--epochs", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.StartsWith("warning: after 1 epoch no epoch's weights beat the initial weights' validation loss", r.Error.Split('\n').Last(l => l.StartsWith("warning", StringComparison.Ordinal)));
        Assert.Contains("which 'unroll train' would not save", r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("overall").GetProperty("model").GetProperty("points").GetInt32() > 0);
    }

    [Fact]
    public void Backtest_NoEpochFinished_IsRefused()
    {
        var r = CliRunner.Run("backtest", "--data", Stocks, "--lr", "1e10", "--epochs", "3");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("there is no trained model to backtest", r.Error.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Predict_ModelWithOneFlippedBit_IsRefusedAsCorrupt()
    {
        var model = PathOf("m.safetensors");
        var train = CliRunner.Run("train", "--data", WriteSine(), "--out", model, "--epochs", "20", "--hidden", "8");
        Assert.True(train.ExitCode == 0, train.Error);
        var bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x10;                        // a bit of the last weight
        File.WriteAllBytes(model, bytes);
        var hash = SHA256.HashData(bytes);
        var r = CliRunner.Run("predict", "--model", model, "--data", WriteSine());
        r.AssertOneLineError("corrupt");
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(model)));
    }

    [Fact]
    public void Predict_ModelFromANewerUnroll_IsRefusedNamingBothVersions()
    {
        var model = PathOf("m.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", WriteSine(), "--out", model, "--epochs", "20", "--hidden", "8").ExitCode);
        // What a newer Unroll would write: format_version 2, with checksums that match.
        var (tensors, metadata) = Unroll.Core.Io.SafeTensors.Read(model);
        Unroll.Core.Io.SafeTensors.Write(model, tensors, new Dictionary<string, string>(metadata) { ["format_version"] = "2" });
        CliRunner.Run("predict", "--model", model, "--data", WriteSine()).AssertOneLineError("newer Unroll (format_version 2); this build reads up to 1");
    }

    [Fact]
    public void Predict_FormatVersionDamagedByOneBit_IsCorruptNotNewer()
    {
        var model = PathOf("m.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", WriteSine(), "--out", model, "--epochs", "20", "--hidden", "8").ExitCode);
        var bytes = File.ReadAllBytes(model);
        int at = System.Text.Encoding.Latin1.GetString(bytes).IndexOf("\"format_version\":\"1\"", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + "\"format_version\":\"".Length] ^= 0x08;   // '1' → '9'
        File.WriteAllBytes(model, bytes);
        CliRunner.Run("predict", "--model", model, "--data", WriteSine()).AssertOneLineError("is corrupt: its metadata does not match");
    }

    [Fact]
    public void Train_CheckpointGivenToPredict_SaysItIsACheckpoint()
    {
        var checkpoint = PathOf("run.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "--data", WriteSine(), "--out", PathOf("m.safetensors"), "--checkpoint", checkpoint, "--epochs", "20", "--hidden", "8").ExitCode);
        CliRunner.Run("predict", "--model", checkpoint, "--data", WriteSine()).AssertOneLineError("is a training checkpoint, not a model");
    }

    [Fact]
    public void Train_DecimalCommaField_IsRefusedNamingTheOptionOrReadWithIt()
    {
        var csv = PathOf("comma.csv");
        File.WriteAllText(csv, "date,price\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            FormattableString.Invariant($"{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},\"{50 + 10 * Math.Sin(i / 3.0):F2}\"\n").Replace(".", ",", StringComparison.Ordinal))));
        var model = PathOf("m.safetensors");
        CliRunner.Run("train", "--data", csv, "--out", model).AssertOneLineError("--decimal ,");
        Assert.False(File.Exists(model));
        var read = CliRunner.Run("train", "--data", csv, "--out", model, "--decimal", ",", "--epochs", "20", "--hidden", "8", "--json");
        Assert.True(read.ExitCode == 0, read.Error);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(".")]
    public void Train_ThreeDecimalDigitsInASemicolonFile_ReadWithTheDecimalGiven_AfterARefusalThatNamesIt(string mark)
    {
        // 103,170 or 103.170 with ';' between fields reads both ways: the default refuses it, naming --decimal, and
        // the --decimal it names reads it (a new user's report: --decimal , was refused the same way).
        var csv = PathOf("three.csv");
        File.WriteAllText(csv, "date;price\n" + string.Concat(Enumerable.Range(0, 60).Select(i =>
            FormattableString.Invariant($"{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd};{50 + 10 * Math.Sin(i / 3.0):F3}\n").Replace(".", mark, StringComparison.Ordinal))));
        var model = PathOf("m.safetensors");
        CliRunner.Run("train", "--data", csv, "--out", model).AssertOneLineError($"--decimal {mark}");
        Assert.False(File.Exists(model));
        var read = CliRunner.Run("train", "--data", csv, "--out", model, "--decimal", mark, "--epochs", "20", "--hidden", "8", "--json");
        Assert.True(read.ExitCode == 0, read.Error);
    }

    [Fact]
    public void Backtest_ValueBeyondFloat_IsRefusedNamingIt()
    {
        var csv = PathOf("big.csv");
        File.WriteAllText(csv, Sine(40) + "A,2010-01-01,1e300\n");
        CliRunner.Run("backtest", "--data", csv, "--json").AssertOneLineError("'1e300' is beyond ±1e30");
    }

    [Fact]
    public void OneSeriesFileWithoutValues_OrWithOnePoint_IsNamedWithAFixThatApplies()
    {
        // Neither a shorter lookback nor --symbol can help a one-series file whose every value is missing; only its
        // history can help one with a single point.
        var empty = PathOf("empty.csv");
        File.WriteAllText(empty, "date,price\n2020-01-01,\n2020-01-02,NA\n");
        var one = PathOf("one.csv");
        File.WriteAllText(one, "date,price\n2020-01-01,5\n");
        var model = PathOf("m.safetensors");

        var r = CliRunner.Run("train", "--data", empty, "--out", model);
        r.AssertOneLineError("empty.csv, column 'price': no value in any of its 2 rows (each empty, null or NA): nothing to read");
        foreach (var (command, data) in new[] { ("train", one), ("backtest", one) })
        {
            var args = command == "train" ? new[] { command, "--data", data, "--out", model } : new[] { command, "--data", data };
            var e = CliRunner.Run(args);
            e.AssertOneLineError("one.csv: series 'one' has 1 point; its training part (0 points) is shorter than lookback 12 + horizon 1 = 13. " +
                                 "Use a shorter --lookback, or give it a longer history");
            Assert.DoesNotContain("--symbol", e.Error);
        }
        Assert.DoesNotContain("--symbol", r.Error);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Predict_SeriesShorterThanTheLookback_NamesTheFileAndOffersLeavingItOutOnlyBesideOthers()
    {
        var model = PathOf("m.safetensors");
        Assert.Equal(0, CliRunner.Run("train", "--data", Stocks, "--out", model, "--epochs", "2", "--hidden", "8", "-q").ExitCode);
        var lines = File.ReadAllLines(Stocks);
        var longFile = PathOf("short.csv");
        File.WriteAllLines(longFile, [lines[0], .. lines.Where(l => l.StartsWith("MSFT,", StringComparison.Ordinal)).Take(8),
            .. lines.Where(l => l.StartsWith("IBM,", StringComparison.Ordinal))]);
        var oneFile = PathOf("one.csv");
        File.WriteAllLines(oneFile, ["date,price", .. lines.Where(l => l.StartsWith("MSFT,", StringComparison.Ordinal)).Take(3).Select(l => l[5..])]);

        CliRunner.Run("predict", "--model", model, "--data", longFile)
            .AssertOneLineError("short.csv: series 'MSFT' has 8 points; the model's lookback needs 12: give it a longer history, or leave it out (--symbol names the series to use)");
        var single = PathOf("msft.safetensors");   // a one-series model forecasts a one-series file as its own series
        var trained = CliRunner.Run("train", "--data", WriteSine(), "--out", single, "--epochs", "20", "--hidden", "8", "-q");
        Assert.True(trained.ExitCode == 0, trained.Error);
        var alone = CliRunner.Run("predict", "--model", single, "--data", oneFile);
        alone.AssertOneLineError("one.csv: series 'one' has 3 points; the model's lookback needs 12: give it a longer history");
        Assert.DoesNotContain("--symbol", alone.Error);
    }

    [Fact]
    public void PathWithALineBreak_IsNamedOnOneLine()
    {
        var r = CliRunner.Run("train", "--data", PathOf("no\nsuch.csv"), "--out", PathOf("m.safetensors"));
        r.AssertOneLineError("no\\nsuch.csv does not exist");
        Assert.False(File.Exists(PathOf("m.safetensors")));
    }

    [Theory]
    [InlineData("plain words", "plain words")]
    [InlineData("a\nb\r\nc", "a\\nb\\r\\nc")]
    [InlineData("sym\u001b[31mRED", "sym\\x1b[31mRED")]
    [InlineData("tab\tkept", "tab\tkept")]
    public void OneLine_ShowsControlCharactersAsEscapes(string text, string expected)
        => Assert.Equal(expected, UnrollCli.OneLine(text));

    [Fact]
    public void InternalError_IsOneLinePointingToALogWithTheDetails()
    {
        var r = CliRunner.RunWith("", _ =>
        {
            var command = new Command("boom", "fails like a bug would");
            command.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("a detail only the log should hold")));
            return command;
        }, "boom");
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith("error: internal error while running 'unroll boom': this is a bug in Unroll", line);
        var log = System.Text.RegularExpressions.Regex.Match(line, @"the details are in (\S+\.log);").Groups[1].Value;
        Assert.True(File.Exists(log), line);
        var details = File.ReadAllText(log);
        File.Delete(log);
        Assert.Contains("a detail only the log should hold", details);
        Assert.Contains("InvalidOperationException", details);
        Assert.Contains("command: unroll boom", details);
        Assert.DoesNotContain("a detail only the log should hold", r.Error);
    }

    [Fact]
    public void InternalError_ArgumentExceptionFromTheLibrary_IsABugNotBadInput()
    {
        var r = CliRunner.RunWith("", _ =>
        {
            var command = new Command("boom", "a library check failing");
            command.SetAction((Func<ParseResult, int>)(_ => throw new ArgumentException("horizon must be at least 1")));
            return command;
        }, "boom");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("internal error", r.Error);
        foreach (var log in Directory.GetFiles(Path.GetTempPath(), $"unroll-error-*-{Environment.ProcessId}-*.log")) File.Delete(log);
    }

    [Fact]
    public void BacktestJson_MetricThatCannotBeComputed_IsNullWithANote()
    {
        var metrics = new Unroll.Forecasting.Metrics(1, 1, double.NaN, double.PositiveInfinity, 0.5, 3);
        var result = new Unroll.Forecasting.BacktestResult(1, Unroll.Forecasting.BacktestResult.Methods.ToDictionary(m => m, m => metrics), [], null)
        {
            OverallScores = Unroll.Forecasting.BacktestResult.Methods.ToDictionary(m => m, m => new Unroll.Forecasting.MethodScore(m, null, null, metrics, [], metrics)),
        };
        var json = Unroll.Cli.Commands.BacktestCommand.ToJson(result).ToJsonString();
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("overall").GetProperty("model").GetProperty("mase").ValueKind);
        var notes = doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("mase: null where the value was infinity, which JSON cannot hold", notes);
        Assert.Contains("mape_percent: null where the value was not a number (NaN), which JSON cannot hold", notes);
    }

    [Fact]
    public void GradientsJson_ExplodingBeyondDouble_IsNullWithANote()
    {
        var r = CliRunner.Run("gradients", "--w2", "3", "--steps", "1000", "--json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var gradients = doc.RootElement.GetProperty("first_input_gradient");
        Assert.Equal(JsonValueKind.Number, gradients[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, gradients[999].ValueKind);      // 1.8·3^999·1.1 is beyond double
        Assert.Contains("first_input_gradient: null where the value was infinity, which JSON cannot hold",
            doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }

    [Theory]
    [InlineData(164.42, "164.42")]
    [InlineData(5576877366.0, "5.57688e+09")]
    [InlineData(1e300, "1e+300")]
    [InlineData(-0.0, "0")]
    [InlineData(0.000012345678, "1.23457e-05")]
    [InlineData(double.NaN, "–")]
    [InlineData(double.NegativeInfinity, "−∞")]
    public void Significant_AnyMagnitude_FitsInAFewCharacters(double value, string expected)
        => Assert.Equal(expected, NumberFormat.Significant(value));

    private string WriteSine()
    {
        var csv = PathOf("sine.csv");
        if (!File.Exists(csv)) File.WriteAllText(csv, Sine());
        return csv;
    }
}
