using System.Diagnostics;
using System.Reflection;

namespace Unroll.Cli.Tests;

/// <summary>
/// The README's install steps, for real: pack the tool into a temporary folder, install it from that folder alone (no
/// NuGet.org, so it works offline), run the installed `unroll`. Slow (a Release build of every project): one test.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public void PackedToolInstallsFromALocalFolderAndRuns()
    {
        string version = typeof(UnrollCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0];
        string temp = Path.Combine(Path.GetTempPath(), $"unroll-tool-test-{Guid.NewGuid():N}");
        string feed = Path.Combine(temp, "feed"), tools = Path.Combine(temp, "tools");
        try
        {
            Directory.CreateDirectory(temp);
            // Only the local folder as a source: the tool package bundles its dependencies, so nothing else is needed.
            string config = Path.Combine(temp, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);

            // Build outputs go under the temporary folder too (--artifacts-path), so the repository is left as it was.
            // No build servers: they would outlive the test and hold its pipes open.
            Dotnet(temp, "pack", CliRunner.RepoFile("src", "Unroll.Cli"), "-c", "Release", "-o", feed,
                "--artifacts-path", Path.Combine(temp, "artifacts"), "-nodeReuse:false", "-p:UseSharedCompilation=false");
            Assert.True(File.Exists(Path.Combine(feed, $"Unroll.Cli.{version}.nupkg")), $"no Unroll.Cli.{version}.nupkg in {feed}");

            Dotnet(temp, "tool", "install", "Unroll.Cli", "--tool-path", tools, "--add-source", feed,
                "--configfile", config, "--version", version);

            string unroll = Path.Combine(tools, OperatingSystem.IsWindows() ? "unroll.exe" : "unroll");
            var (code, output) = Start(temp, unroll, "", "--version");
            Assert.Equal(0, code);
            Assert.StartsWith(version, output.Trim());

            (code, output) = Start(temp, unroll, "[[0,0],[0,0.5],[1,0.5],[1,1]]", "run", "--model", "statquest", "--input", "-");
            Assert.Equal(0, code);
            Assert.Contains("[[0],[0.99],[0],[0.99]]", output);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static void Dotnet(string workingDirectory, params string[] args)
    {
        var (code, output) = Start(workingDirectory, "dotnet", "", args);
        Assert.True(code == 0, $"'dotnet {string.Join(' ', args)}' exited with {code}:\n{output}");
    }

    /// <summary>Runs a program to the end (at most five minutes); returns its exit code and its output and errors together.</summary>
    private static (int Code, string Output) Start(string workingDirectory, string program, string stdin, params string[] args)
    {
        var info = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // The test host runs under MSBuild's and the test platform's settings; the child builds on its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{program} {string.Join(' ', args)}' did not finish in five minutes:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
