using Unroll.Core.Io;
using Unroll.Forecasting.Reports;

namespace Unroll.Cli;

/// <summary>
/// Checks every path a command will write before any work starts, against every path it reads: an output may not be
/// an input (symbolic and hard links followed), a folder, a device, a pipe or a socket, and its folder must exist and
/// take a new file (tried by creating and removing a probe file). A report folder must be new, empty, or hold an
/// earlier report. The first problem is one <see cref="UserError"/> line.
/// </summary>
internal sealed class OutputGuard
{
    private readonly List<(string Option, string Path)> _inputs = [];
    private readonly List<(string Option, string Path, string Example, OutputKind Kind)> _files = [];
    private readonly List<(string Option, string Folder, string[] Files)> _reports = [];

    /// <summary>A file the command reads; null, "-" (standard input) and built-in names are skipped.</summary>
    public OutputGuard Input(string option, string? path)
    {
        if (!string.IsNullOrEmpty(path) && path != "-") _inputs.Add((option, path));
        return this;
    }

    /// <summary>
    /// A file the command writes, of <paramref name="kind"/>; <paramref name="example"/> is a file name to suggest when
    /// a folder is given. An existing file there is replaced only when it is empty or of that kind (an earlier run's
    /// output), never a user's notes, data or drawings of another kind.
    /// </summary>
    public OutputGuard File(string option, string? path, string example, OutputKind kind)
    {
        if (path is not null) _files.Add((option, path, example, kind));
        return this;
    }

    /// <summary>A report folder and the files the command writes into it.</summary>
    public OutputGuard Report(string option, string? folder, params string[] files)
    {
        if (folder is not null) _reports.Add((option, folder, [BacktestReport.FileName, BacktestReport.MarkerFileName, .. files]));
        return this;
    }

    /// <summary>Throws <see cref="UserError"/> for the first problem found.</summary>
    public void Check()
    {
        var written = new List<(string Option, string Path)>();
        foreach (var (option, folder, files) in _reports)
        {
            if (folder.Length == 0) throw new UserError($"{option} needs a folder name");
            var identity = FileIdentity.Of(folder);
            if (identity is { Kind: not FileKind.Folder })
                throw new UserError($"{option} {folder} is {Describe(identity.Value.Kind)}; give a folder for {BacktestReport.FileName}");
            if (identity is null)
            {
                var parent = ParentOf(folder);
                if (!Directory.Exists(parent)) throw new UserError($"{option} {folder}: the folder {parent} does not exist; create it first or write somewhere else");
                RequireWritableFolder(option, folder, parent);
            }
            else
            {
                if (BacktestReport.FolderProblem(folder) is { } problem) throw new UserError($"{option} {folder}: {problem}");
                RequireWritableFolder(option, folder, folder);
            }
            foreach (var name in files)
            {
                var path = Path.Combine(folder, name);
                if (identity is not null) RequireReplaceable(option, path, name);
                written.Add((option, path));
            }
        }
        foreach (var (option, path, example, kind) in _files)
        {
            if (path.Length == 0) throw new UserError($"{option} needs a file name, such as {example}");
            RequireReplaceable(option, path, example);
            var parent = ParentOf(path);
            if (!Directory.Exists(parent))
                throw new UserError($"{option} {path}: the folder {parent} does not exist; create it first or write somewhere else");
            RequireWritableFolder(option, path, parent);
            written.Add((option, path));
        }
        foreach (var (outOption, outPath) in written)
            foreach (var (inOption, inPath) in _inputs)
                if (Same(outPath, inPath))
                    throw new UserError($"{outOption} {outPath} is the same file as {inOption} {inPath}: Unroll never writes over what it reads; give another name");
        for (int i = 0; i < written.Count; i++)
            for (int j = 0; j < i; j++)
                if (Same(written[i].Path, written[j].Path))
                    throw new UserError($"{written[j].Option} and {written[i].Option} both write {written[i].Path}; give each its own file");
        foreach (var (option, path, _, kind) in _files)
            RequireOwnKind(option, path, kind);
    }

    // An existing path that a write would replace must be a regular file.
    private static void RequireReplaceable(string option, string path, string example)
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
        if (bytes > AtomicFile.MaxNameBytes)
            throw new UserError($"{option}: the file name is {bytes} bytes long and a file name may have at most {AtomicFile.MaxNameBytes}; give a shorter one");
        var identity = FileIdentity.Of(path);
        if (identity is { Kind: FileKind.Folder })
            throw new UserError($"{option} {path} is a folder; give a file name such as {Path.Combine(path, example)}");
        if (identity is { Kind: not (null or FileKind.Regular) })
            throw new UserError($"{option} {path} is {Describe(identity.Value.Kind)}, not a regular file; Unroll writes a new file and renames it into place, which would replace it: give a file path");
    }

    // An existing non-empty file is replaced only when it holds what this option writes: a rerun replaces its own
    // output, and a mistyped name never turns a CSV, notes or another program's file into a model.
    private static void RequireOwnKind(string option, string path, OutputKind kind)
    {
        try
        {
            if (FileIdentity.Of(path) is not { Kind: FileKind.Regular }) return;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length == 0) return;
            // ONNX is told only by parsing the whole file (up to 256 MiB; a larger one counts as another kind), the others
            // by their first 512 bytes.
            bool parsable = kind != OutputKind.Onnx || stream.Length <= 256L << 20;
            if (parsable)
            {
                var bytes = new byte[kind == OutputKind.Onnx ? stream.Length : Math.Min(stream.Length, 512)];
                stream.ReadExactly(bytes);
                if (kind == OutputKind.Onnx ? OnnxImport.IsOnnx(bytes) : IsOfKind(bytes, kind)) return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;   // unreadable: the write reports whatever stops it
        }
        throw new UserError($"{option} {path} already exists and is not {Describe(kind)}; Unroll replaces only its own kind of file there: give another name, or move that file away first");
    }

    private static bool IsOfKind(byte[] start, OutputKind kind)
    {
        switch (kind)
        {
            case OutputKind.Model:
                return SafeTensors.LooksLikeSafeTensors(start);
            case OutputKind.Svg:
                var text = System.Text.Encoding.UTF8.GetString(start).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
                return text.StartsWith("<svg", StringComparison.Ordinal) || text.StartsWith("<?xml", StringComparison.Ordinal);
            case OutputKind.Forecasts:
                var line = System.Text.Encoding.UTF8.GetString(start).TrimStart('\uFEFF');
                return line.StartsWith(string.Join(',', Commands.BacktestCommand.ForecastsColumns), StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private static string Describe(OutputKind kind) => kind switch
    {
        OutputKind.Model => "a safetensors model or checkpoint",
        OutputKind.Onnx => "an ONNX model",
        OutputKind.Svg => "an SVG drawing",
        _ => "a forecasts CSV that 'unroll backtest --forecasts' wrote",
    };

    // Creating and removing a file is the only sure test: permissions, read-only mounts and quotas all show there.
    private static void RequireWritableFolder(string option, string path, string folder)
    {
        var probe = Path.Combine(folder, $".unroll-probe.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is UnauthorizedAccessException ? "permission denied" : (e.HResult & 0xFFFF) switch
            {
                30 => "the file system is read-only",
                28 => "the disk is full",
                122 => "the disk quota is exceeded",
                _ => "the system refused to create a file there",
            };
            throw new UserError($"{option} {path}: cannot write in {folder} ({why}); choose a folder you can write to");
        }
        finally
        {
            try { System.IO.File.Delete(probe); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool Same(string a, string b)
    {
        var (ia, ib) = (FileIdentity.Of(a), FileIdentity.Of(b));
        if (ia is { } x && ib is { } y && x.Inode != 0 && y.Inode != 0) return x.SameFileAs(y);
        return string.Equals(AtomicFile.TargetOf(a), AtomicFile.TargetOf(b), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    private static string ParentOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) ?? Path.GetPathRoot(Path.GetFullPath(path))!;

    private static string Describe(FileKind? kind) => kind switch
    {
        FileKind.Folder => "a folder",
        FileKind.Device => "a device",
        FileKind.Pipe => "a named pipe",
        FileKind.Socket => "a socket",
        FileKind.Regular or null => "a file",
        _ => "not a regular file",
    };
}

/// <summary>What an output file holds, for <see cref="OutputGuard.File"/>: the only kind of existing file it may replace.</summary>
internal enum OutputKind
{
    /// <summary>A safetensors file: a model or a training checkpoint.</summary>
    Model,
    /// <summary>An ONNX model.</summary>
    Onnx,
    /// <summary>An SVG drawing.</summary>
    Svg,
    /// <summary>backtest's forecasts CSV.</summary>
    Forecasts,
}
