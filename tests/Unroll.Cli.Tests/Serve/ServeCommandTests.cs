using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Unroll.Cli.Tests.Serve;

/// <summary>`unroll serve` as a user runs it: its flags, its errors, and the real executable serving until Ctrl-C.</summary>
public sealed partial class ServeCommandTests
{
    [Theory]
    [InlineData("example.com", "is not an IP address")]
    [InlineData("300.1.1.1", "is not an IP address")]
    public void BadHost_IsOneLine_Exit2(string host, string expected)
    {
        var result = CliRunner.Run("serve", "--host", host, "--port", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void PortInUse_IsOneLine_Exit2_NamingAnotherPort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = CliRunner.Run("serve", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", result.Error);
        Assert.Contains("--port", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Port_OutOfRange_IsRefused()
    {
        var result = CliRunner.Run("serve", "--port", "70000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--port", result.Error);
    }

    [Fact]
    public async Task Executable_ServesOnLoopback_UntilCtrlC_ThenExits0()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "unroll.dll"), "serve", "--port", "0" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var match = ServingLine().Match(first ?? "");
            Assert.True(match.Success, $"expected 'Serving on http://127.0.0.1:PORT/', got '{first}'");
            using var client = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
            Assert.Contains("Recurrent networks you can touch", await client.GetStringAsync("/"));

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!) kill.WaitForExit();
            var rest = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(30_000), "the server did not stop after Ctrl-C");
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Stopped.", await rest);
            Assert.Contains("Ctrl-C: stopping the server; Ctrl-C again stops it at once", await error);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [GeneratedRegex(@"^Serving on (http://127\.0\.0\.1:\d+/) ")]
    private static partial Regex ServingLine();
}
