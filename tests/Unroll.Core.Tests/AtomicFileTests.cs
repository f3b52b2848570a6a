using System.Text;
using Unroll.Core.Io;

namespace Unroll.Core.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathIn(string name) => Path.Combine(_folder, name);

    /// <summary>Every file name in the folder, hidden ones included.</summary>
    private string[] Names() => Directory.GetFiles(_folder, "*", new EnumerationOptions { AttributesToSkip = 0 })
        .Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A PID no process has: above Linux's largest pid_max (2^22).</summary>
    private const int DeadPid = 99_999_999;

    private static string Temporary(string target, int pid) => $".{target}.{pid}.{Guid.NewGuid():N}.tmp";

    [Fact]
    public void Write_WriterThrows_KeepsTheOldFileAndRemovesTheTemporary()
    {
        var path = PathIn("report.html");
        AtomicFile.WriteText(path, "old");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("the writer failed", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["report.html"], Names());
    }

    [Fact]
    public void Write_DiskFullWhileWriting_NamesTheTargetNotTheTemporary()
    {
        var path = PathIn("model.safetensors");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            // What the OS says when the disk fills up, naming the file being written: the hidden temporary.
            throw new IOException($"No space left on device : '{((FileStream)stream).Name}'");
        }));
        Assert.StartsWith($"cannot write {path}: No space left on device", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Names());
    }

    [Fact]
    public void Write_TargetIsAFolder_FailsNamingItAndLeavesNoTemporary()
    {
        var path = PathIn("chart.svg");
        Directory.CreateDirectory(path);
        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteText(path, "<svg/>"));
        Assert.StartsWith($"cannot write {path}: ", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
        Assert.Empty(Names());
    }

    [Fact]
    public void Write_RemovesTheTargetsTemporariesOfProcessesThatNoLongerRun_AndNothingElse()
    {
        var path = PathIn("m.safetensors");
        string dead = Temporary("m.safetensors", DeadPid);
        string ownStale = Temporary("m.safetensors", Environment.ProcessId);   // same PID, but written before this process started
        string ownRecent = Temporary("m.safetensors", Environment.ProcessId);  // could be another write of this process
        string otherTarget = Temporary("n.safetensors", DeadPid);
        string lookalike = $".m.safetensors.bak.{DeadPid}.{Guid.NewGuid():N}.tmp";
        string user = ".m.safetensors.tmp";
        foreach (var name in new[] { dead, ownStale, ownRecent, otherTarget, lookalike, user }) File.WriteAllText(PathIn(name), "x");
        File.SetLastWriteTimeUtc(PathIn(ownStale), new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        AtomicFile.WriteText(path, "new");

        Assert.Equal(new[] { "m.safetensors", ownRecent, otherTarget, lookalike, user }.Order(StringComparer.Ordinal), Names());
    }

    [Fact]
    public void Write_KeepsTheTemporaryOfAProcessThatRuns_ButNotOneOlderThanThatProcess()
    {
        if (!OperatingSystem.IsLinux()) return;   // uses PID 1, which always runs on Linux
        var path = PathIn("m.safetensors");
        string live = Temporary("m.safetensors", 1);
        string reused = Temporary("m.safetensors", 1);   // PID 1 now is a later process than the one that wrote it
        File.WriteAllText(PathIn(live), "x");
        File.WriteAllText(PathIn(reused), "x");
        File.SetLastWriteTimeUtc(PathIn(reused), new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        AtomicFile.WriteText(path, "new");

        Assert.Equal(new[] { "m.safetensors", live }.Order(StringComparer.Ordinal), Names());
    }

    [Theory]
    [InlineData(".m.safetensors.123.0123456789abcdef0123456789abcdef.tmp", "m.safetensors", true, 123)]
    [InlineData(".m.safetensors.123.0123456789ABCDEF0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData(".m.safetensors.12a.0123456789abcdef0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData(".m.safetensors..0123456789abcdef0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData(".m.safetensors.123.0123456789abcdef0123456789abcde.tmp", "m.safetensors", false, 0)]
    [InlineData(".m.safetensors.99999999999.0123456789abcdef0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData(".n.safetensors.123.0123456789abcdef0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData("m.safetensors.123.0123456789abcdef0123456789abcdef.tmp", "m.safetensors", false, 0)]
    [InlineData(".a.b.7.0123456789abcdef0123456789abcdef.tmp", "a.b", true, 7)]
    [InlineData(".a.7.0123456789abcdef0123456789abcdef.tmp", "a.b", false, 0)]   // a shorter name, but one that needed no cutting
    public void IsTemporaryOf_RecognisesOnlyItsOwnPattern(string file, string target, bool expected, int expectedPid)
    {
        Assert.Equal(expected, AtomicFile.IsTemporaryOf(file, target, out int pid));
        Assert.Equal(expectedPid, pid);
    }

    [Fact]
    public void Write_LongestName_CutsTheTemporarysNameAndStillKnowsIt()
    {
        string target = new string('c', 252) + ".st";                    // 255 bytes, the most a name may have
        string? seen = null;
        AtomicFile.Write(PathIn(target), stream => { seen = Path.GetFileName(((FileStream)stream).Name); stream.Write("new"u8); });
        Assert.Equal("new", File.ReadAllText(PathIn(target)));
        Assert.True(Encoding.UTF8.GetByteCount(seen!) <= 255, seen);
        Assert.True(AtomicFile.IsTemporaryOf(seen!, target, out int pid), seen);
        Assert.Equal(Environment.ProcessId, pid);
        Assert.False(AtomicFile.IsTemporaryOf(seen!, new string('c', 40) + ".st", out _));
    }

    [Fact]
    public void Write_ThroughASymbolicLink_WritesItsTargetAndKeepsTheLink()
    {
        var target = PathIn("model.safetensors");
        AtomicFile.WriteText(target, "old");
        var link = PathIn("latest.safetensors");
        File.CreateSymbolicLink(link, "model.safetensors");
        AtomicFile.WriteText(link, "new");
        Assert.Equal("model.safetensors", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(["latest.safetensors", "model.safetensors"], Names());
    }

    [Fact]
    public void Write_ThroughADanglingLink_CreatesItsTarget()
    {
        var link = PathIn("out.csv");
        File.CreateSymbolicLink(link, PathIn("made.csv"));
        AtomicFile.WriteText(link, "a,b");
        Assert.Equal("a,b", File.ReadAllText(PathIn("made.csv")));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void Write_NamesItsTemporaryByTheOwnPattern()
    {
        string? seen = null;
        AtomicFile.Write(PathIn("a.csv"), stream => seen = Path.GetFileName(((FileStream)stream).Name));
        Assert.True(AtomicFile.IsTemporaryOf(seen!, "a.csv", out int pid), seen);
        Assert.Equal(Environment.ProcessId, pid);
    }
}

/// <summary><see cref="AtomicFile.AbandonInFlight"/> is process-wide: its test runs alone, or it would break other tests' writes.</summary>
[CollectionDefinition(nameof(ProcessWide), DisableParallelization = true)]
public sealed class ProcessWide;

[Collection(nameof(ProcessWide))]
public sealed class AtomicFileAbandonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unroll-abandon-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AbandonInFlight_DuringAWrite_DeletesItsTemporaryAndTheWriteFailsKeepingTheOldFile()
    {
        var path = Path.Combine(_folder, "model.safetensors");
        AtomicFile.WriteText(path, "old");
        int abandoned = -1;
        try
        {
            var e = Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(Encoding.UTF8.GetBytes("new"));
                abandoned = AtomicFile.AbandonInFlight();   // what a second Ctrl-C does, before the process exits
            }));
            Assert.Equal(1, abandoned);
            Assert.StartsWith($"cannot write {path}: ", e.Message);
            Assert.Equal("old", File.ReadAllText(path));
            // A write begun after the sweep (while the process exits) fails too, leaving nothing behind.
            Assert.ThrowsAny<IOException>(() => AtomicFile.WriteText(path, "newer"));
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Equal(["model.safetensors"], Directory.GetFiles(_folder, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(Path.GetFileName));
            Assert.Equal(0, AtomicFile.AbandonInFlight());
        }
        finally
        {
            AtomicFile.AllowWritesAgain();
        }
    }
}
