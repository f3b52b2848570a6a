namespace Unroll.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>A user error: exit code 2 and one line on standard error, "error: …" containing <paramref name="expected"/>.</summary>
        public void AssertOneLineError(string expected)
        {
            Assert.Equal(2, ExitCode);
            Assert.StartsWith("error: ", Error);
            Assert.Contains(expected, Error);
            Assert.Single(Error.Trim().Split('\n'));
        }
    }

    public static Result RunWithInput(string stdin, params string[] args) => RunWith(stdin, null, args);

    /// <summary>Runs with one more command (one that fails on purpose); every run's output is checked for .NET's own text.</summary>
    internal static Result RunWith(string stdin, Func<CliContext, System.CommandLine.Command>? extra, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = UnrollCli.Run(args, new StringReader(stdin), output, error, extra);
        var result = new Result(code, output.ToString(), error.ToString());
        AssertNoDotNetText(result.Error, args);
        AssertNoDotNetText(result.Out, args);
        return result;
    }

    /// <summary>
    /// What only .NET itself writes: type names, parameter names, stack frames, serializer and parser wording. Every run
    /// of the CLI in this suite, and so every bad-input test, fails if its error output holds one.
    /// </summary>
    public static readonly string[] DotNetPatterns =
    [
        "System.", "(Parameter '", " at Unroll.", "   at ", "Exception", "expected type", "Cannot parse argument",
        "JsonReader", "Path: $", "LineNumber:", "BytePositionInLine", "Int32", "Double", "Object reference",
        // The library's names for settings: the command line names its flags instead.
        "CsvReadOptions.", "ForecastSettings.", "TrainingRunOptions.", "TrainingSession.", "cellOverride", "TargetScaling.", "ForecastStrategy.",
    ];

    public static void AssertNoDotNetText(string text, IEnumerable<string> args)
    {
        foreach (var pattern in DotNetPatterns)
            Assert.False(text.Contains(pattern, StringComparison.Ordinal),
                $"'unroll {string.Join(' ', args)}' wrote .NET's own text ({pattern}) to the user: {text}");
    }

    public static Result Run(params string[] args) => RunWithInput("", args);

    /// <summary>The PyTorch fixtures live with the engine's tests.</summary>
    public static string CoreFixture(string name) => RepoFile("tests", "Unroll.Core.Tests", "fixtures", name);

    /// <summary>A file of the repository, found by walking up to Unroll.sln.</summary>
    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Unroll.sln"))) dir = dir.Parent;
        return Path.Combine([dir!.FullName, .. parts]);
    }
}
