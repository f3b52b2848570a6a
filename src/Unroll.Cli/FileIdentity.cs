using System.Runtime.InteropServices;

namespace Unroll.Cli;

/// <summary>What a path is on disk, following symbolic links: its type, and the device and inode that tell whether two paths are one file.</summary>
/// <param name="Kind">Regular file, folder, device, pipe, socket; null where the platform cannot say (then treated as a regular file).</param>
/// <param name="Device">The device holding it, with <paramref name="Inode"/> the file's identity; 0 where unknown.</param>
/// <param name="Inode">Its inode number; 0 where unknown.</param>
internal readonly partial record struct FileIdentity(FileKind? Kind, long Device, long Inode)
{
    /// <summary>Whether both are known to be the same file (hard links and symbolic links included).</summary>
    public bool SameFileAs(FileIdentity other) => Inode != 0 && Device == other.Device && Inode == other.Inode;

    /// <summary>The identity of <paramref name="path"/>, or null if nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        if (NativeStatWorks.Value)
        {
            try
            {
                if (Native.Stat(path, out var status) != 0) return Exists(path) ? new FileIdentity(null, 0, 0) : null;
                FileKind kind = (status.Mode & Native.TypeMask) switch
                {
                    Native.Regular => FileKind.Regular,
                    Native.Folder => FileKind.Folder,
                    Native.CharacterDevice or Native.BlockDevice => FileKind.Device,
                    Native.Pipe => FileKind.Pipe,
                    Native.Socket => FileKind.Socket,
                    _ => FileKind.Other,
                };
                return new FileIdentity(kind, status.Dev, status.Ino);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to what the managed API can tell.
            }
        }
        if (Directory.Exists(path)) return new FileIdentity(FileKind.Folder, 0, 0);
        if (!File.Exists(path)) return null;
        return new FileIdentity(File.GetAttributes(path).HasFlag(FileAttributes.Device) ? FileKind.Device : null, 0, 0);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    // The shim's FileStatus layout is the runtime's own, not a public contract: check it once against what the managed
    // API says of a file we know (this assembly), and fall back to the managed answers if they disagree.
    private static readonly Lazy<bool> NativeStatWorks = new(() =>
    {
        if (OperatingSystem.IsWindows()) return false;
        var known = typeof(FileIdentity).Assembly.Location;
        try
        {
            return known.Length > 0 && Native.Stat(known, out var status) == 0 && (status.Mode & Native.TypeMask) == Native.Regular
                   && status.Size == new FileInfo(known).Length && status.Ino != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    /// <summary>
    /// stat(2) through the .NET runtime's own native shim (libSystem.Native ships with every .NET runtime; its
    /// FileStatus layout is the same on every Unix), which the managed file API does not expose: it tells a device or
    /// a pipe from a regular file, and gives the device and inode that identify a file across links.
    /// </summary>
    private static partial class Native
    {
        public const int TypeMask = 0xF000, Pipe = 0x1000, CharacterDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000,
            Regular = 0x8000, Socket = 0xC000;

        [StructLayout(LayoutKind.Sequential)]
        public struct FileStatus
        {
            public int Flags;
            public int Mode;
            public uint Uid;
            public uint Gid;
            public long Size;
            public long ATime, ATimeNsec, MTime, MTimeNsec, CTime, CTimeNsec, BirthTime, BirthTimeNsec;
            public long Dev;
            public long RDev;
            public long Ino;
            public uint UserFlags;
        }

        [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Stat(string path, out FileStatus status);
    }
}

/// <summary>The kinds of things a path can name.</summary>
internal enum FileKind
{
    Regular,
    Folder,
    Device,
    Pipe,
    Socket,
    Other,
}
