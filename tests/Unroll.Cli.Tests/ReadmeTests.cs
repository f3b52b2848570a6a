using System.Text.RegularExpressions;

namespace Unroll.Cli.Tests;

/// <summary>The README's C# is code the build compiles: each snippet is a sample project's whole Program.cs.</summary>
public sealed partial class ReadmeTests
{
    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Fact]
    public void EveryCSharpSnippet_IsASamplesProgram()
    {
        static string Normal(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var readme = Normal(File.ReadAllText(CliRunner.RepoFile("README.md")));
        var samples = Directory.GetFiles(CliRunner.RepoFile("samples"), "Program.cs", SearchOption.AllDirectories)
            .ToDictionary(p => p, p => Normal(File.ReadAllText(p)));

        var snippets = CSharpBlock().Matches(readme).Select(m => Normal(m.Groups[1].Value)).ToList();

        Assert.NotEmpty(snippets);
        foreach (var snippet in snippets)
            Assert.True(samples.Values.Contains(snippet), $"this README snippet is no sample's Program.cs, so nothing compiles it:\n{snippet[..Math.Min(200, snippet.Length)]}");
        // Each sample is in the solution, so `dotnet test Unroll.sln` builds it.
        var solution = File.ReadAllText(CliRunner.RepoFile("Unroll.sln"));
        foreach (var sample in samples.Keys)
            Assert.Contains(Path.GetFileName(Path.GetDirectoryName(sample))!, solution);
    }
}
