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

    public static Result RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = UnrollCli.Run(args, new StringReader(stdin), output, error);
        return new Result(code, output.ToString(), error.ToString());
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
