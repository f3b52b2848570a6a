using System.Diagnostics;
using Unroll.Core.Io;
using Xunit.Abstractions;
using SaveLoopChild = Unroll.SaveLoop.Program;

namespace Unroll.Core.Tests;

/// <summary>A process killed (SIGKILL) while saving never damages the file and leaves nothing the next save keeps.</summary>
public sealed class AtomicSaveKillTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-kill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Temporaries(string target) => Directory
        .GetFiles(_folder, "*", new EnumerationOptions { AttributesToSkip = 0 })
        .Select(f => Path.GetFileName(f)!)
        .Where(name => AtomicFile.IsTemporaryOf(name, target, out _))
        .ToArray();

    [Fact]
    public void SaveKilledAtRandomMoments_TheFileAlwaysLoadsAsOneOfTheSavedNetworks_AndTheNextSaveLeavesNoTemporary()
    {
        const int Kills = 25;
        var target = Path.Combine(_folder, "model.safetensors");
        var child = Path.Combine(AppContext.BaseDirectory, "Unroll.SaveLoop.dll");
        Assert.True(File.Exists(child), $"{child} is missing: Unroll.Core.Tests references tests/Unroll.SaveLoop to put it there");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        RecurrentNetwork<float>[] saved = [SaveLoopChild.Network(0), SaveLoopChild.Network(1)];
        var random = new Random(2);
        int loadedAfterKill = 0, killsLeavingTemporaries = 0;
        var clock = Stopwatch.StartNew();

        for (int kill = 0; kill < Kills; kill++)
        {
            // Every fifth child (the last one too) stops inside a write after its saves and says so, so that some kills
            // surely land mid-write, whatever the machine's load; the others are killed at varied moments.
            bool stopInside = kill % 5 == 4;
            int saves = random.Next(0, 4);
            var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(child);
            start.ArgumentList.Add(target);
            if (stopInside) start.ArgumentList.Add(saves.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var process = Process.Start(start)!)
            {
                Assert.Equal("saving", process.StandardOutput.ReadLine());
                for (int i = 0; i < saves; i++) Assert.Equal("saved", process.StandardOutput.ReadLine());
                if (stopInside)
                {
                    Assert.Equal(SaveLoopChild.Inside, process.StandardOutput.ReadLine());
                }
                else
                {
                    // Kill during the first save (which is slow: it compiles the code) or after 1 to 3 saves, from
                    // straight away to several milliseconds in (a save takes a few).
                    var delay = TimeSpan.FromMicroseconds(random.Next(0, saves == 0 ? 200_000 : 10_000));
                    var waited = Stopwatch.StartNew();
                    while (waited.Elapsed < delay) Thread.SpinWait(50);
                }
                process.Kill();   // SIGKILL on Unix: no finally blocks, no cleanup
                process.WaitForExit();
            }

            int temporaries = Temporaries("model.safetensors").Length;
            if (stopInside) Assert.True(temporaries > 0, $"kill {kill} inside a write left no temporary file");
            if (temporaries > 0) killsLeavingTemporaries++;
            if (!File.Exists(target)) continue;   // killed before its first save finished
            var loaded = ModelFile.Load<float>(target).Network;
            Assert.Contains(saved, network => network.Parameters.Zip(loaded.Parameters).All(p => p.First.Value.AsSpan().SequenceEqual(p.Second.Value)));
            loadedAfterKill++;
        }

        // The last child died inside a write: the next save must clear what it left.
        Assert.NotEmpty(Temporaries("model.safetensors"));
        ModelFile.Save(saved[0], target);
        Assert.Empty(Temporaries("model.safetensors"));
        output.WriteLine($"{Kills} kills in {clock.Elapsed.TotalSeconds:F1} s: the file loaded after {loadedAfterKill}, a temporary was left by {killsLeavingTemporaries}");
        Assert.True(loadedAfterKill >= Kills / 2, $"only {loadedAfterKill} of {Kills} kills came after a first save");
    }
}
