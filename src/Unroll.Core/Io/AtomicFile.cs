using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Unroll.Core.Io;

/// <summary>
/// Writes files atomically: a temporary file in the same folder, flushed to disk, then renamed over the target, so a
/// reader sees the old file or the new one, never half of one. Every file Unroll writes (models, checkpoints,
/// reports, SVG) goes through here.
/// </summary>
/// <remarks>
/// The temporary file is named <c>.NAME.PID.GUID.tmp</c> beside the target <c>NAME</c>: PID is the writing process,
/// GUID 32 hex digits; NAME is cut short where the whole would pass the 255 bytes a file name may have. A symbolic
/// link is written through: its final target gets the new content and the link stays (<see cref="TargetOf"/>). A
/// failed write removes its temporary file. A process killed mid-write cannot, so each write first removes the
/// temporary files of the same target left by processes that no longer run (or by an earlier process that had the
/// same PID). <see cref="AbandonInFlight"/> removes this process's own unfinished ones before
/// a forced exit.
/// </remarks>
public static class AtomicFile
{
    private const string Suffix = ".tmp";
    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);
    private static bool _abandoned;

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the old file is untouched
    /// and the temporary file is removed.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the whole content to the stream it is given (a temporary file).</param>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    /// <exception cref="IOException">The file could not be written (disk full, the target is a folder …); the message
    /// names the target, not the temporary file.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or the target may not be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = TargetOf(path);
        var folder = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"cannot write {path}: the folder {folder} does not exist");
        RemoveStaleTemporaries(folder, name);
        var temporary = Path.Combine(folder, TemporaryName(name));
        InFlight[temporary] = 0;   // registered before it exists, so AbandonInFlight never misses it
        try
        {
            // FileShare.Delete: AbandonInFlight may remove it while it is open (on Windows too).
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Delete))
            {
                if (Volatile.Read(ref _abandoned)) throw new IOException("the process is exiting; the write was abandoned");
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (IOException e)
        {
            throw new IOException($"cannot write {path}: {Reason(e, temporary, full)}", e) { HResult = e.HResult };
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"cannot write {path}: {Reason(e, temporary, full)}", e);
        }
        finally
        {
            TryDelete(temporary);
            InFlight.TryRemove(temporary, out _);
        }
    }

    /// <summary>
    /// The full path of the file a write to <paramref name="path"/> replaces: the path itself, or, for a symbolic link,
    /// the file it finally points to (existing or not), so that the link stays a link and its target gets the new
    /// content. Where the links cannot be followed (a loop, a folder that may not be entered), the path itself.
    /// </summary>
    /// <param name="path">A file path, relative or full.</param>
    public static string TargetOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        try
        {
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;   // the write, or the read, reports the problem
        }
    }

    /// <summary>
    /// <c>.NAME.PID.GUID.tmp</c>, with NAME cut to leave room for the rest within the 255 bytes a file name may have,
    /// so any name that may be written may be written atomically (a cut name is still recognised by its start).
    /// </summary>
    private static string TemporaryName(string name)
    {
        string rest = $".{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}{Suffix}";
        int room = MaxNameBytes - 1 - rest.Length;
        while (System.Text.Encoding.UTF8.GetByteCount(name) > room || name.Length > 0 && char.IsHighSurrogate(name[^1]))
            name = name[..^1];
        return "." + name + rest;
    }

    /// <summary>The most bytes (UTF-8) a file name may have on the file systems Unroll writes to.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The whole content.</param>
    public static void WriteText(string path, string text)
        => Write(path, stream => stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));

    /// <summary>
    /// Deletes the temporary files of this process's writes still in progress, so that a forced exit (a second Ctrl-C)
    /// leaves nothing behind; those writes, and any begun after this call, then fail and their targets keep their old
    /// content. Never throws.
    /// </summary>
    /// <returns>How many temporary files were deleted.</returns>
    public static int AbandonInFlight()
    {
        Volatile.Write(ref _abandoned, true);      // writes that have not created their temporary yet now fail
        int deleted = 0;
        foreach (var temporary in InFlight.Keys)
        {
            if (File.Exists(temporary) && TryDelete(temporary)) deleted++;
        }
        return deleted;
    }

    /// <summary>Lets writes happen again after <see cref="AbandonInFlight"/> (for tests; a process that abandoned its writes exits).</summary>
    internal static void AllowWritesAgain() => Volatile.Write(ref _abandoned, false);

    /// <summary>Whether <paramref name="fileName"/> is a temporary file this class makes for the target
    /// <paramref name="targetName"/> (both file names without folders), and of which process.</summary>
    /// <param name="fileName">A file name in the target's folder.</param>
    /// <param name="targetName">The target's file name.</param>
    /// <param name="processId">The process that made it.</param>
    public static bool IsTemporaryOf(string fileName, string targetName, out int processId)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(targetName);
        processId = 0;
        // .NAME.PID.GUID.tmp, NAME cut short where the whole would pass 255 bytes (TemporaryName)
        const int GuidLength = 32;
        if (!fileName.StartsWith('.') || !fileName.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        var rest = fileName.AsSpan(1, fileName.Length - 1 - Suffix.Length);    // NAME.PID.GUID
        if (rest.Length < 3 + GuidLength) return false;
        var guid = rest[^GuidLength..];
        if (rest[^(GuidLength + 1)] != '.' || !IsLowerHex(guid)) return false;
        rest = rest[..^(GuidLength + 1)];                                       // NAME.PID
        int dot = rest.LastIndexOf('.');
        if (dot < 0) return false;
        var pid = rest[(dot + 1)..];
        var name = rest[..dot];
        int tail = fileName.Length - 1 - name.Length;                           // .PID.GUID.tmp
        bool whole = name.SequenceEqual(targetName);
        bool cut = name.Length < targetName.Length && targetName.AsSpan().StartsWith(name, StringComparison.Ordinal)
            && System.Text.Encoding.UTF8.GetByteCount("." + targetName) + tail > MaxNameBytes;
        return (whole || cut) && pid.Length is > 0 and <= 10 && !pid.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out processId);
    }

    /// <summary>Removes temporaries of the target left by processes that no longer run; best effort, never throws.</summary>
    private static void RemoveStaleTemporaries(string folder, string name)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "." + "*" + Suffix, options))
            {
                if (IsTemporaryOf(Path.GetFileName(file), name, out int pid) && IsStale(pid, file)) TryDelete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy: the write itself decides success.
        }
    }

    /// <summary>Whether the writer of <paramref name="file"/>, process <paramref name="pid"/>, is gone: no such process
    /// runs, or the one that does started after the file was last written (the PID was reused). This process's own
    /// writes in progress are never stale.</summary>
    private static bool IsStale(int pid, string file)
    {
        // A generous margin: process start times are coarse (clock ticks) and the two clocks are read differently.
        var margin = TimeSpan.FromSeconds(10);
        try
        {
            if (pid == Environment.ProcessId)
            {
                if (InFlight.ContainsKey(file)) return false;
                using var self = Process.GetCurrentProcess();
                return File.GetLastWriteTimeUtc(file) + margin < self.StartTime.ToUniversalTime();
            }
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime() > File.GetLastWriteTimeUtc(file) + margin;
        }
        catch (ArgumentException)
        {
            return true;    // no process with that id
        }
        catch (Exception)
        {
            return false;   // it may run but cannot be inspected: leave its file alone
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsLowerHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        return true;
    }

    private static string Reason(Exception e, string temporary, string full)
        => e.Message.Replace(temporary, full, StringComparison.Ordinal).ReplaceLineEndings(" ");
}
