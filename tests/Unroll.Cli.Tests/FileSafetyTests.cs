using System.Security.Cryptography;

namespace Unroll.Cli.Tests;

/// <summary>Outputs never touch inputs: every path a command writes is checked before any work, and a refusal changes nothing.</summary>
public sealed class FileSafetyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-safety-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private string Data()
    {
        var path = PathOf("d.csv");
        if (!File.Exists(path)) File.Copy(CliRunner.RepoFile("data", "stocks.csv"), path);
        return path;
    }

    private string Model()
    {
        var path = PathOf("m.safetensors");
        if (!File.Exists(path)) File.Copy(CliRunner.CoreFixture("torch_lstm.safetensors"), path);
        return path;
    }

    // Every entry in the folder, with a hash of each regular file's bytes (a pipe is never opened: that would block).
    private Dictionary<string, string> Snapshot()
        => Directory.EnumerateFileSystemEntries(_folder, "*", SearchOption.AllDirectories).ToDictionary(p => p,
            p => File.Exists(p) && new FileInfo(p).LinkTarget is null && !p.EndsWith("pipe", StringComparison.Ordinal)
                ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "(not a regular file)");

    /// <summary>Runs a command that must be refused before any work: exit 2, one line, no file created, changed or removed.</summary>
    private void AssertRefusedUntouched(string expected, params string[] args)
    {
        var before = Snapshot();
        var r = CliRunner.Run(args);
        r.AssertOneLineError(expected);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Train_OutIsTheData_IsRefusedAndTheCsvKept()
        => AssertRefusedUntouched("is the same file as --data", "train", "--data", Data(), "--out", Data(), "--epochs", "1");

    [Fact]
    public void Train_OutIsTheDataThroughAnotherSpelling_IsRefused()
        => AssertRefusedUntouched("is the same file as --data", "train", "--data", Data(), "--out", Path.Combine(_folder, ".", "..", Path.GetFileName(_folder), "d.csv"), "--epochs", "1");

    [Fact]
    public void Train_OutIsASymbolicLinkToTheData_IsRefused()
    {
        var link = PathOf("link.csv");
        File.CreateSymbolicLink(link, Data());
        AssertRefusedUntouched("is the same file as --data", "train", "--data", Data(), "--out", link, "--epochs", "1");
    }

    [Fact]
    public void Explain_SvgIsASymbolicLink_WritesItsTargetAndKeepsTheLink()
    {
        var target = PathOf("drawing.svg");
        File.WriteAllText(target, "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- an older drawing --></svg>");
        var link = PathOf("latest.svg");
        File.CreateSymbolicLink(link, target);
        var r = CliRunner.Run("explain", "--model", "statquest", "--sequence", "0,0.5", "--svg", link);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.StartsWith("<svg", File.ReadAllText(target).TrimStart());
    }

    [Fact]
    public void Train_OutIsSomeoneElsesFile_IsRefusedAndKept()
    {
        File.WriteAllText(PathOf("notes.txt"), "my notes");
        AssertRefusedUntouched($"--out {PathOf("notes.txt")} already exists and is not a safetensors model or checkpoint; Unroll replaces only its own kind of file there",
            "train", "--data", Data(), "--out", PathOf("notes.txt"), "--epochs", "1");
    }

    [Fact]
    public void OutputsOverFilesOfAnotherKind_AreRefusedAndKept()
    {
        File.Copy(Data(), PathOf("other.csv"));
        AssertRefusedUntouched("--svg", "gradients", "--cell", "lstm", "--steps", "3", "--svg", PathOf("other.csv"));
        AssertRefusedUntouched("is not a forecasts CSV that 'unroll backtest --forecasts' wrote", "backtest", "--data", Data(), "--forecasts", PathOf("other.csv"), "--epochs", "1");
        AssertRefusedUntouched("is not an ONNX model", "export-onnx", "--model", "statquest", "--out", Model());
        AssertRefusedUntouched("is not a safetensors model or checkpoint", "import-onnx", CliRunner.CoreFixture("torch_lstm.safetensors"), "--out", PathOf("other.csv"));
    }

    [Fact]
    public void OutputsOverTheirOwnKindOrAnEmptyFile_AreReplaced()
    {
        File.WriteAllText(PathOf("a.svg"), "");
        Assert.Equal(0, CliRunner.Run("gradients", "--cell", "lstm", "--steps", "3", "--svg", PathOf("a.svg")).ExitCode);
        var first = File.ReadAllText(PathOf("a.svg"));
        Assert.StartsWith("<svg", first.TrimStart());
        var r = CliRunner.Run("gradients", "--cell", "gru", "--steps", "3", "--svg", PathOf("a.svg"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.NotEqual(first, File.ReadAllText(PathOf("a.svg")));
        Assert.Equal(0, CliRunner.Run("export-onnx", "--model", "statquest", "--out", PathOf("m.onnx")).ExitCode);
        r = CliRunner.Run("export-onnx", "--model", Model(), "--out", PathOf("m.onnx"));
        Assert.True(r.ExitCode == 0, r.Error);
    }

    [Fact]
    public void Train_OutNameLongerThanAFileNameMayBe_IsRefusedBeforeTraining()
        => AssertRefusedUntouched("--out: the file name is 259 bytes long and a file name may have at most 255", "train", "--data", Data(),
            "--out", PathOf(new string('m', 247) + ".safetensors"), "--epochs", "1");

    [Fact]
    public void Train_OutIsAHardLinkToTheData_IsRefused()
    {
        var link = PathOf("hard.csv");
        var ln = System.Diagnostics.Process.Start("ln", [Data(), link])!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        AssertRefusedUntouched("is the same file as --data", "train", "--data", Data(), "--out", link, "--epochs", "1");
    }

    [Fact]
    public void Explain_SvgIsTheModel_IsRefusedAndTheModelKept()
        => AssertRefusedUntouched("is the same file as --model", "explain", "--model", Model(), "--sequence", "1,2", "--svg", Model());

    [Fact]
    public void Backtest_ReportFolderOfTheUsersOwnFiles_IsRefused()
    {
        var folder = PathOf("mine");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        AssertRefusedUntouched("holds files that Unroll did not write (notes.txt)", "backtest", "--data", Data(), "--report", folder, "--epochs", "1");
    }

    [Fact]
    public void Backtest_ReportFolderIsAFile_IsRefused()
        => AssertRefusedUntouched("is a file", "backtest", "--data", Data(), "--report", Data(), "--epochs", "1");

    [Fact]
    public void Train_OutIsADevice_IsRefusedAndTheDeviceKept()
    {
        // Through a link to /dev/null: were the check ever to fail, the write would replace the link, not the device.
        var link = PathOf("null");
        File.CreateSymbolicLink(link, "/dev/null");
        var r = CliRunner.Run("train", "--data", Data(), "--out", link, "--epochs", "1");
        r.AssertOneLineError($"--out {link} is a device, not a regular file");
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void Backtest_ReportFolderHoldingOnlyAnInterruptedReportsTemporary_IsAllowed()
    {
        var report = PathOf("report");
        Directory.CreateDirectory(report);
        File.WriteAllText(Path.Combine(report, $"..unroll-report.999999.{Guid.NewGuid():N}.tmp"), "half a marker");
        Assert.Null(Unroll.Forecasting.Reports.BacktestReport.FolderProblem(report));
    }

    [Fact]
    public void Train_OutIsANamedPipe_IsRefused()
    {
        var pipe = PathOf("pipe");
        var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        AssertRefusedUntouched("is a named pipe, not a regular file", "train", "--data", Data(), "--out", pipe, "--epochs", "1");
    }

    [Fact]
    public void Train_OutIsAFolder_IsRefusedNamingAFileInside()
        => AssertRefusedUntouched($"is a folder; give a file name such as {Path.Combine(_folder, "model.safetensors")}", "train", "--data", Data(), "--out", _folder, "--epochs", "1");

    [Fact]
    public void Train_OutInAMissingFolder_IsRefused()
        => AssertRefusedUntouched("does not exist", "train", "--data", Data(), "--out", PathOf("no/such/m.safetensors"), "--epochs", "1");

    [Fact]
    public void Train_OutWhereNoFileCanBeCreated_IsRefusedBeforeTraining()
    {
        // /proc takes no new files, even for root (a folder without write permission does not stop root).
        var r = CliRunner.Run("train", "--data", Data(), "--out", "/proc/unroll-model.safetensors", "--epochs", "1");
        r.AssertOneLineError("cannot write in /proc");
        Assert.DoesNotContain("training", r.Error);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Train_OutInAReadOnlyFolder_IsRefusedBeforeTraining()
    {
        var readOnly = PathOf("read-only");
        Directory.CreateDirectory(readOnly);
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var target = Path.Combine(readOnly, "m.safetensors");
        string error;
        int code;
        if (Environment.UserName != "root")
        {
            var r = CliRunner.Run("train", "--data", Data(), "--out", target, "--epochs", "1");
            (code, error) = (r.ExitCode, r.Error);
        }
        else
        {
            // Root writes through folder permissions: run the executable as nobody, from a copy it may read.
            var copy = Directory.CreateTempSubdirectory("unroll-nobody-").FullName;
            try
            {
                foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
                    if (file.EndsWith(".dll", StringComparison.Ordinal) || Path.GetFileName(file).StartsWith("unroll.", StringComparison.Ordinal))
                        File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
                foreach (var path in new[] { copy, _folder }) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
                File.SetUnixFileMode(Data(), (UnixFileMode)0b110_100_100);
                var info = new System.Diagnostics.ProcessStartInfo("setpriv") { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", $"HOME={copy}", $"DOTNET_CLI_HOME={copy}",
                             "dotnet", Path.Combine(copy, "unroll.dll"), "train", "--data", Data(), "--out", target, "--epochs", "1" })
                    info.ArgumentList.Add(a);
                using var process = System.Diagnostics.Process.Start(info)!;
                error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                code = process.ExitCode;
            }
            finally { Directory.Delete(copy, recursive: true); }
        }
        Assert.True(code == 2, error);
        Assert.Equal($"error: --out {target}: cannot write in {readOnly} (permission denied); choose a folder you can write to", error.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(readOnly));
    }

    [Fact]
    public void Train_CheckpointIsTheOut_IsRefused()
        => AssertRefusedUntouched("both write", "train", "--data", Data(), "--out", PathOf("x.safetensors"), "--checkpoint", PathOf("x.safetensors"), "--epochs", "1");

    [Fact]
    public void Train_CheckpointIsTheResumedCheckpoint_IsRefused()
    {
        var checkpoint = PathOf("run.ckpt");
        File.WriteAllText(checkpoint, "a checkpoint");
        AssertRefusedUntouched("is the same file as --resume", "train", "--data", Data(), "--out", PathOf("x.safetensors"), "--checkpoint", checkpoint, "--resume", checkpoint, "--epochs", "1");
    }

    [Fact]
    public void Backtest_ReportIntoItsOwnEarlierReport_IsAllowed()
    {
        var csv = PathOf("sine.csv");
        File.WriteAllText(csv, "symbol,date,price\n" + string.Concat(Enumerable.Range(0, 90).Select(i =>
            FormattableString.Invariant($"A,{new DateOnly(2000, 1, 1).AddMonths(i):yyyy-MM-dd},{50 + 10 * Math.Sin(i / 3.0)}\n"))));
        var report = PathOf("report");
        foreach (var _ in new[] { 1, 2 })
        {
            var r = CliRunner.Run("backtest", "--data", csv, "--report", report, "--epochs", "20", "--hidden", "8");
            Assert.True(r.ExitCode == 0, r.Error);
        }
        Assert.True(File.Exists(Path.Combine(report, "index.html")));
        Assert.True(File.Exists(Path.Combine(report, ".unroll-report")));
    }
}
